// Evaluation: multiple-choice tasks on pinned protocols (docs/evaluation.md), their data files and metrics, and the
// scorer that runs them on a model, steered or not.
//
// Tasks/ reads a task's data file into items (prompts, scored continuations, the answer key); Metrics/ turns option
// scores into per-item and aggregate metrics; Scoring/ tokenizes items and scores every option on the device with
// the prompt computed once per item (prefix reuse) and the options of several items batched across KV-cache slots.
