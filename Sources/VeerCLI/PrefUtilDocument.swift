import Analysis
import Foundation
import Kernels
import ModelStore

/// `veer prefutil --json`: one document with the protocol, the curve (one point per multiplier), the fits, optionally
/// every pair's row, the run manifest and the wall time. Values that do not exist (a standard error of one pair, the
/// means of a multiplier whose pairs were all degenerate) are null.
struct PrefUtilDocument: Codable {
    struct ProtocolRecord: Codable {
        var pairs_file: String
        var pairs_sha256: String
        var pairs_in_file: Int
        var pairs: Int
        /// full or letter.
        var answer: String
        var rendering: String
        /// mean-token or sequence.
        var loss: String
        var utility_clamp: Double
        var bos: Bool
    }

    struct Point: Codable {
        var multiplier: Double
        var pairs: Int
        var degenerate_pairs: Int
        var positive_loss: Double?, positive_loss_se: Double?
        var negative_loss: Double?, negative_loss_se: Double?
        var preference_odds: Double?, preference_odds_se: Double?
        var utility_odds: Double?, utility_odds_se: Double?
        /// Pairs whose P(u) was clamped to [ε, 1 − ε].
        var clamped: Int
        /// Share of pairs with PrefOdds > 0.
        var positive_preferred: Double?
    }

    /// A decay fit: its parameters and R², or why there is none. `converged` false: Levenberg-Marquardt ran out of
    /// iterations, the parameters are its last ones.
    struct Fit: Codable {
        var formula: String
        var fitted: Bool
        var converged: Bool?
        var r_squared: Double?
        var parameters: [String: Double]?
        var reason: String?
    }

    struct Fits: Codable { var preference: Fit; var utility: Fit }

    struct PairRow: Codable {
        var pair: String
        var multiplier: Double
        var positive_loss: Double, negative_loss: Double
        var positive_tokens: Int, negative_tokens: Int
        var preference_odds: Double, utility_odds: Double
        var clamped: Bool
        var degenerate: Bool
    }

    var `protocol`: ProtocolRecord
    var multipliers: [Double]
    var curve: [Point]
    var clamped_total: Int
    var fits: Fits
    var pair_rows: [PairRow]?
    var run: RunManifest
    var wall_seconds: Double
}

extension PrefUtilDocument {
    static let preferenceFormula = "preference_odds = (a*m + b) * D(m) + c, D(m) = (1 + (m - m0)^2 / (2*gamma*l^2))^-gamma"
    static let utilityFormula = "utility_odds = A * D(m) + B, D(m) = (1 + (m - m0)^2 / (2*gamma*l^2))^-gamma"

    init<B: ComputeBackend>(runner: PrefUtilRunner, session: ModelSession<B>, steering: LoadedSteering, curve measured: PrefUtilCurve,
                            observations: [[PairObservation]]?) throws {
        let command = runner.command
        let rendering = command.answer == .full
            ? "chat template: user message = the question; assistant turn = the answer, scored in full"
            : "chat template: user message = the question; assistant turn = \"(\" then the letter, the letter scored"
        self.protocol = ProtocolRecord(
            pairs_file: runner.file.path, pairs_sha256: try ModelStore.sha256(of: runner.file), pairs_in_file: runner.pairsInFile,
            pairs: runner.pairs.count, answer: command.answer.rawValue,
            rendering: rendering,
            loss: command.loss.rawValue, utility_clamp: PreferenceUtility.utilityClamp, bos: session.addBOS)
        multipliers = runner.multipliers
        curve = measured.points.map(Self.point)
        clamped_total = measured.clampedTotal
        fits = Fits(preference: Self.fit(measured.preferenceFit, formula: Self.preferenceFormula) { f in
                        (["a": f.slope, "b": f.intercept, "c": f.offset, "m0": f.decay.center, "gamma": f.decay.shape,
                          "l": f.decay.length], f.rSquared, f.converged)
                    },
                    utility: Self.fit(measured.utilityFit, formula: Self.utilityFormula) { f in
                        (["A": f.scale, "B": f.offset, "m0": f.decay.center, "gamma": f.decay.shape, "l": f.decay.length],
                         f.rSquared, f.converged)
                    })
        pair_rows = observations.map { rows in
            zip(runner.multipliers, rows).flatMap { m, row in
                zip(runner.pairs, row).map { pair, o in
                    let utility = o.odds.utilityOdds
                    return PairRow(pair: pair.id, multiplier: m, positive_loss: o.positiveLoss, negative_loss: o.negativeLoss,
                                   positive_tokens: o.positiveTokens, negative_tokens: o.negativeTokens,
                                   preference_odds: o.odds.preferenceOdds, utility_odds: utility.value,
                                   clamped: utility.clamped, degenerate: o.degenerate)
                }
            }
        }
        run = session.manifest.steered(by: steering)
        wall_seconds = Date().timeIntervalSince(runner.started)
    }


    static func point(_ p: PrefUtilPoint) -> Point {
        Point(multiplier: p.multiplier, pairs: p.pairs, degenerate_pairs: p.degeneratePairs,
              positive_loss: finiteOrNull(p.positiveLoss.mean), positive_loss_se: finiteOrNull(p.positiveLoss.standardError),
              negative_loss: finiteOrNull(p.negativeLoss.mean), negative_loss_se: finiteOrNull(p.negativeLoss.standardError),
              preference_odds: finiteOrNull(p.preferenceOdds.mean), preference_odds_se: finiteOrNull(p.preferenceOdds.standardError),
              utility_odds: finiteOrNull(p.utilityOdds.mean), utility_odds_se: finiteOrNull(p.utilityOdds.standardError),
              clamped: p.clamped, positive_preferred: finiteOrNull(p.positivePreferred))
    }

    /// `describe` gives the parameters, R² and convergence of a fit that was made.
    static func fit<F>(_ result: Result<F, DecayFit.FitError>, formula: String,
                       describe: (F) -> (parameters: [String: Double], rSquared: Double, converged: Bool)) -> Fit {
        switch result {
        case .success(let f):
            let (parameters, r2, converged) = describe(f)
            return Fit(formula: formula, fitted: true, converged: converged, r_squared: finiteOrNull(r2),
                       parameters: parameters, reason: converged ? nil : "Levenberg-Marquardt stopped at its iteration limit before converging")
        case .failure(let error):
            return Fit(formula: formula, fitted: false, converged: nil, r_squared: nil, parameters: nil, reason: error.description)
        }
    }
}
