/// The multiple-choice tasks Veer evaluates, each on one pinned protocol (docs/evaluation.md): which file it reads,
/// how an option's token log-probs become the score its decision uses, and a one-line summary recorded in results.
public enum MCTaskName: String, CaseIterable, Sendable {
    case truthfulqaMC = "truthfulqa-mc"
    case copa
    case copaCloze = "copa-cloze"
    case arcEasy = "arc-easy"
    case arcChallenge = "arc-challenge"
    case hellaswag
    case boolq
    case winogrande
    case caaAB = "caa-ab"

    /// Path of its data file relative to the data directory (data/README.md).
    public var dataFile: String {
        switch self {
        case .truthfulqaMC: "truthfulqa/data/v1/mc_task.json"
        case .copa, .copaCloze: "copa/copa_mc.jsonl"
        case .arcEasy: "arc/arc_easy_mc.jsonl"
        case .arcChallenge: "arc/arc_challenge_mc.jsonl"
        case .hellaswag: "hellaswag/hellaswag_mc.jsonl"
        case .boolq: "boolq/boolq_mc.jsonl"
        case .winogrande: "winogrande/winogrande_mc.jsonl"
        case .caaAB: "caa/caa_ab_mc.jsonl"
        }
    }

    /// How an option's log-probs become its score for the task's decision, as the issue pins it: the per-token mean
    /// for copa, ARC and HellaSwag (options of different lengths compared per token), the sum elsewhere. copa-cloze
    /// decides by sum ("accuracy", lm-eval's `acc`) and also reports the mean's decision ("accuracy_mean").
    public var scoring: MCScoring {
        switch self {
        case .truthfulqaMC, .copaCloze, .boolq, .winogrande, .caaAB: .sum
        case .copa, .arcEasy, .arcChallenge, .hellaswag: .mean
        }
    }

    /// One-line description of the protocol (prompt form, continuation form, scoring), recorded in results.
    public var protocolSummary: String {
        switch self {
        case .truthfulqaMC:
            "TruthfulQA instruction + \"\\n\\nQ: {question} A:\", continuation \" {answer}\" for each distinct mc1/mc2 answer, sum of log-probs; mc1, mc2, mc3"
        case .copa:
            "\"Question:\\n{premise} Based on the previous passage, choose the most reasonable {cause|effect}.\\nA: {choice1}\\nB: {choice2}\\n\\nAnswer:\", continuation \" {choice}\", mean log-prob, argmax ties to the first"
        case .copaCloze:
            "premise without its final \".\" + \" because\"|\" therefore\", continuation \" {choice with a lower-case first letter}\", sum log-prob (accuracy) and mean (accuracy_mean)"
        case .arcEasy, .arcChallenge:
            "\"Question: {question}\\nAnswer:\", continuation \" {choice}\", mean log-prob, argmax ties to the first"
        case .hellaswag:
            "lm-eval preprocess(\"{activity_label}: {ctx}\"), continuation \" \" + preprocess({ending}), mean log-prob, argmax ties to the first"
        case .boolq:
            "\"Passage: {passage}\\nQuestion: {question}\\nAnswer:\", continuations \" no\" and \" yes\", sum log-prob"
        case .winogrande:
            "prompt = each option's context_options entry, continuation \" {continuation}\" (partial scoring), sum log-prob"
        case .caaAB:
            "chat template (default system prompt), user = the A/B question, assistant turn starting \"(\", continuation = each listed letter; p_matching = softmax of the letters' log-probs at the matching letter"
        }
    }
}

/// How an option's continuation log-probs combine into its score: their sum, or their mean per token.
public enum MCScoring: String, Sendable, Codable {
    case sum, mean
}
