import Foundation

/// What the judge said about one text, read from its next-token distribution after the judge prompt rather than
/// from a sampled answer: P(1) is the probability of the answer tokens for "1" (the token "1", and " 1" where the
/// vocabulary has it as one token), P(0) the same for "0". The label is 1 when P(1) > P(0), else 0 (a tie is 0), which
/// is what greedy decoding restricted to the two answers gives; `probabilityYes` = P(1) / (P(0) + P(1)) is kept as
/// the judge's confidence.
public struct JudgeVerdict: Codable, Equatable, Sendable {
    /// 1: the text expresses the concept; 0: it does not.
    public var label: Int
    /// P(1) / (P(0) + P(1)).
    public var probabilityYes: Double
    /// P(0) + P(1): how much of the judge's next-token mass is on an answer at all (low values mean the judge would
    /// rather say something else; reported, not used).
    public var answerMass: Double

    enum CodingKeys: String, CodingKey {
        case label, probabilityYes = "p_yes", answerMass = "answer_mass"
    }

    public init(label: Int, probabilityYes: Double, answerMass: Double) {
        self.label = label; self.probabilityYes = probabilityYes; self.answerMass = answerMass
    }

    /// The verdict from the natural-log probabilities of the "1" tokens and of the "0" tokens. Throws when a
    /// log-probability is not finite-or-−∞ (NaN, +∞) or neither answer has any probability.
    public static func decide(yesLogprobs: [Float], noLogprobs: [Float]) throws -> JudgeVerdict {
        guard !yesLogprobs.isEmpty, !noLogprobs.isEmpty else {
            throw ConceptError("the judge needs log-probabilities for both answers \"1\" and \"0\"")
        }
        if let bad = (yesLogprobs + noLogprobs).first(where: { $0.isNaN || $0 == .infinity }) {
            throw ConceptError("the judge's answer log-probability \(bad) is not a log-probability")
        }
        let yes = yesLogprobs.reduce(0.0) { $0 + exp(Double($1)) }
        let no = noLogprobs.reduce(0.0) { $0 + exp(Double($1)) }
        guard yes + no > 0 else { throw ConceptError("the judge gives both answers \"1\" and \"0\" probability 0") }
        return JudgeVerdict(label: yes > no ? 1 : 0, probabilityYes: yes / (yes + no), answerMass: yes + no)
    }
}
