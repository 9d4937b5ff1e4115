import Kernels
import Llama
import Steering

extension LoadedSteering {
    /// Prints a warning to stderr for each vector whose strength swamps the residual stream
    /// (`SteeringStrengthCheck`). A file without `veer.layer_norms` is judged against the residual norms of an
    /// unsteered pass over `prompt`, run only then and observing only the blocks judged.
    func warnAboutStrength<B: ComputeBackend>(_ model: LlamaModel<B>, prompt: [Int32]) throws {
        let blocks = SteeringStrengthCheck.blocksToMeasure(vectors, layers: layers)
        let measured = blocks.isEmpty ? [:] : try SteeringStrengthCheck.measureResidualNorms(model, prompt: prompt, blocks: blocks)
        for warning in SteeringStrengthCheck.warnings(vectors, layers: layers, measuredNorms: measured) {
            Console.note("warning: \(warning)")
        }
    }
}
