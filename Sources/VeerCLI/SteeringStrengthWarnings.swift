import Kernels
import Llama
import Steering

extension LoadedSteering {
    /// Prints a warning to stderr for each vector whose strength swamps the residual stream
    /// (`SteeringStrengthCheck`). A file without `veer.layer_norms` is judged against the residual norms of an
    /// unsteered pass over `prompt`, run only then and observing only the blocks judged.
    func warnAboutStrength<B: ComputeBackend>(_ model: LlamaModel<B>, prompt: [Int32]) throws {
        let vectors = try addedVectors()
        let blocks = SteeringStrengthCheck.blocksToMeasure(vectors, layers: layers)
        let measured = blocks.isEmpty ? [:] : try SteeringStrengthCheck.measureResidualNorms(model, prompt: prompt, blocks: blocks)
        for warning in SteeringStrengthCheck.warnings(vectors, layers: layers, measuredNorms: measured) {
            Console.note("warning: \(warning)")
        }
    }

    /// The entries that add vectors, as the vectors and strengths the check judges: a vector file as read (its
    /// `veer.layer_norms` included), a JSON entry as the vector file it would be. Rotations and unit scalings keep
    /// or scale the activations' own size and are not judged.
    func addedVectors() throws -> [(vector: SteeringVector, strength: Float)] {
        try sources.flatMap { source in
            try source.entries.compactMap { entry -> (vector: SteeringVector, strength: Float)? in
                guard entry.interventions.allSatisfy({ if case .add = $0 { true } else { false } }) else { return nil }
                if let vector = source.vector { return (vector, entry.strength) }
                return (try SteeringVector(entries: [entry], name: entry.name, model: model), entry.strength)
            }
        }
    }
}
