import Synchronization

/// Live Vulkan objects of one context, by kind. Every owning class counts itself in and out, so a test can show that
/// the runtime frees everything it creates and that replaying a recording creates nothing new. Counts are per
/// context, so tests running in parallel do not disturb each other.
public final class VulkanObjectCounter: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case instance, device, buffer, memory, shaderModule, pipeline, pipelineLayout, descriptorSetLayout,
             descriptorPool, commandPool, commandBuffer, fence, queryPool, debugMessenger
    }

    private struct State: Sendable {
        var live: [Kind: Int] = [:]
        var createdTotal = 0
    }
    private let state = Mutex(State())

    public init() {}

    func created(_ kind: Kind, _ n: Int = 1) {
        state.withLock { $0.live[kind, default: 0] += n; $0.createdTotal += n }
    }
    func destroyed(_ kind: Kind, _ n: Int = 1) { state.withLock { $0.live[kind, default: 0] -= n } }

    /// Current live counts by kind (zero entries kept once a kind was seen).
    public var live: [Kind: Int] { state.withLock { $0.live } }
    /// Live objects, all kinds together.
    public var totalLive: Int { state.withLock { $0.live.values.reduce(0, +) } }
    /// Objects created so far, all kinds (monotone: equal before and after means nothing new was created).
    public var totalCreated: Int { state.withLock { $0.createdTotal } }
}
