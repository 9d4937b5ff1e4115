import Kernels
import Llama

extension BatchGenerator {
    /// Generates every request with its own steering: `sequences[i]` steers request i (nil: unsteered; an empty one
    /// changes nothing either). Each wave gets the `BatchSteering` of its requests in their slots, so a request is
    /// steered exactly as `Generator` steers it alone with `BatchSteering(model:sequences: [sequences[i]])`.
    public func generate(_ requests: [GenerationRequest], sequences: [SequenceSteering?], cacheMode: CacheMode = .steeredPersist,
                         onToken: (Int, Int32) throws -> Bool = { _, _ in true }) throws -> [GenerationResult] {
        guard sequences.count == requests.count else {
            throw ModelError.input("\(requests.count) requests but \(sequences.count) steering entries: give one per request (nil for none)")
        }
        let model = self.model
        return try generate(requests, steering: { indices in
            let wave = indices.map { sequences[$0] }
            guard wave.contains(where: { !($0?.isEmpty ?? true) }) else { return nil }
            return try BatchSteering(model: model, sequences: wave, cacheMode: cacheMode).forward
        }, onToken: onToken)
    }
}
