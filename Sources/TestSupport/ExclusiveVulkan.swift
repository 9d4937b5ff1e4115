import Testing

/// Runs the test cases it marks one at a time among all marked test cases of the process; unmarked tests run in
/// parallel with them as usual. Every test that makes or uses a Vulkan device with the validation layers carries it
/// (on its suite, where it applies to every test inside).
///
/// Why: Debian 12's Khronos validation layer (1.3.239) is not safe to use from several threads at once, even on
/// instances and devices of their own, as the Vulkan spec allows. It keeps global state, such as the map in which every
/// call finds its device's state (`layer_data_map`), which creating or destroying an instance or device changes without
/// a lock (`GetLayerDataPtr`: "We probably should lock here"; KhronosGroup/Vulkan-ValidationLayers#4391). The debug
/// suite crashed with SIGSEGV inside libVkLayer_khronos_validation.so in CI, and here in 1 of 20 runs under load.
/// tools/validation-layer-race reproduces it within seconds, and runs clean with each iteration under one lock.
public struct ExclusiveVulkanTrait: TestTrait, SuiteTrait, TestScoping {
    public init() {}

    /// Inherited by every test of a marked suite, so each test case takes the gate (a suite holding it while its tests
    /// wait for it would never finish).
    public var isRecursive: Bool { true }

    /// Each test case, never a whole suite or a whole parameterized test (whose cases may run in parallel).
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        let gate = VulkanTestGate.shared
        await gate.acquire()
        do {
            try await function()
        } catch {
            await gate.release()
            throw error
        }
        await gate.release()
    }
}

extension Trait where Self == ExclusiveVulkanTrait {
    /// One validated-Vulkan test case at a time in the process (`ExclusiveVulkanTrait`).
    public static var exclusiveVulkan: Self { ExclusiveVulkanTrait() }
}

/// A first-come first-served gate that suspends waiting tasks instead of blocking their threads: a test case waiting
/// for it must not hold one of the few threads of Swift's cooperative pool that the running case may need.
actor VulkanTestGate {
    static let shared = VulkanTestGate()

    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }   // release hands the gate over: `held` stays true
    }

    func release() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
