import VulkanRuntime

/// Compute pipelines by (variant, specialization constants), created on first use. A pipeline is made once per
/// backend, so recording a decode step for replay allocates pipelines at most the first time.
final class PipelineCache {
    private struct Key: Hashable {
        var name: String
        var specialization: [UInt32]
    }

    private let device: VulkanDevice
    private var pipelines: [Key: ComputePipeline] = [:]

    init(device: VulkanDevice) { self.device = device }

    var count: Int { pipelines.count }

    func pipeline(_ name: String, bindingCount: Int, pushConstantBytes: Int, specialization: [UInt32]) throws
        -> ComputePipeline
    {
        let key = Key(name: name, specialization: specialization)
        if let cached = pipelines[key] { return cached }
        let pipeline = try device.makePipeline(
            name: name, spirv: try EmbeddedShaders.words(name), bindingCount: bindingCount,
            pushConstantBytes: pushConstantBytes, specialization: specialization)
        pipelines[key] = pipeline
        return pipeline
    }
}
