// Steering: how steering vectors are made, stored and applied.
//
// - Vector files: GGUF control vectors as llama.cpp reads and writes them (`direction.N` added to the output of
//   block N), plus Veer's own `veer.*` keys and Veer-only tensors for non-additive methods.
// - Activation capture and direction extraction (mean-diff, llama.cpp's cvector-mean).
// - Interventions: position policies and the per-layer steering tables the model's fused residual update reads.
//
// The model (Llama) knows *where* steering happens; this target knows *how* vectors are made.
