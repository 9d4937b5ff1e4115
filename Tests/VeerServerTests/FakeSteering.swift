import Serving
import Synchronization

/// A `SteeringResolving` with one registered vector, "happy": it records what it was asked and fails like the real
/// registry does (an unknown name is an error naming `steering[i].vector`).
final class FakeSteering: SteeringResolving {
    struct Call: Sendable, Equatable { var items: [SteeringItem]?; var promptLength: Int; var answerStart: Int? }

    let vectors = [RegisteredVector(name: "happy", method: "caa", site: "resid_post", blocks: [3, 4],
                                    fingerprintMatches: true, strengthRange: [-4, 4])]
    let defaults = [AppliedSteering(name: "happy", method: "caa", strength: 2, blocks: [3, 4], positions: "all")]
    private let recorded = Mutex<[Call]>([])
    var calls: [Call] { recorded.withLock { $0 } }

    func resolve(_ items: [SteeringItem]?, promptLength: Int, answerStart: Int?) throws(SteeringRequestError) -> ResolvedSteering {
        recorded.withLock { $0.append(Call(items: items, promptLength: promptLength, answerStart: answerStart)) }
        guard let items else { return ResolvedSteering(sequence: nil, applied: defaults) }
        var applied: [AppliedSteering] = []
        for (index, item) in items.enumerated() {
            switch item {
            case let .vector(name, strength, _, positions):
                guard name == "happy" else {
                    throw SteeringRequestError(field: "steering[\(index)].vector", message: "no registered vector \"\(name)\"")
                }
                applied.append(AppliedSteering(name: name, method: "caa", strength: strength ?? 1, blocks: [3, 4], positions: positions ?? "all"))
            case .spec:
                applied.append(AppliedSteering(name: "spec", method: "caa", strength: 1, blocks: [1], positions: "all"))
            }
        }
        return ResolvedSteering(sequence: nil, applied: applied)
    }
}
