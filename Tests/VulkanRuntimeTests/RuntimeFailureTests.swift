import CVulkan
import Foundation
import Testing
import TestSupport
@_spi(Testing) import VulkanRuntime

/// Every init that fails half-way releases what it already made: the live-object counts after the failure equal
/// those before it, and once the context goes they are all zero. Failures are real where a device can be made to
/// fail (an allocation over the heap, impossible sizes) and injected elsewhere (`VulkanFaultInjector`). Objects are
/// kept alive explicitly around each comparison: in release builds Swift frees an object after its last use, which
/// would otherwise change the counts under the test's feet.
@Suite("Vulkan runtime: failed inits release what they made", .enabled(if: RuntimeFixtures.hasDevice), .exclusiveVulkan)
struct RuntimeFailureTests {
    typealias Step = VulkanFaultInjector.Step

    /// A context whose Vulkan calls `faults` can fail; no validation where the failure itself is invalid use
    /// (a buffer over maxBufferSize), validation on otherwise.
    static func context(_ faults: VulkanFaultInjector, forceStaging: Bool = false, validation: Bool = true,
                        counter: VulkanObjectCounter = VulkanObjectCounter()) throws -> VulkanContext {
        var options = VulkanOptions(forceStaging: forceStaging)
        options.faults = faults
        options.counter = counter
        return try RuntimeFixtures.context(options, validation: validation)
    }

    @Test(arguments: [Step.deviceQueue, .commandPool])
    func failedDeviceCreationLeavesNothing(_ step: Step) {
        let counter = VulkanObjectCounter(), faults = VulkanFaultInjector()
        faults.fail(step)
        #expect(throws: VulkanError.self) { _ = try Self.context(faults, counter: counter) }
        #expect(counter.totalCreated >= 2, "the instance and the VkDevice were made before the failure")
        #expect(RuntimeFixtures.live(counter).isEmpty, "still live: \(RuntimeFixtures.live(counter))")
    }

    @Test func failedQueueCheckSaysWhatFailed() {
        let faults = VulkanFaultInjector()
        faults.fail(.deviceQueue)
        #expect {
            _ = try Self.context(faults)
        } throws: { error in
            guard case VulkanError.noDevice(let detail) = error else { return false }
            return detail.contains("vkGetDeviceQueue returned no queue")
        }
    }

    @Test(arguments: [Step.memoryAllocation, .memoryMap])
    func failedBufferLeavesNothing(_ step: Step) throws {
        let counter = VulkanObjectCounter(), faults = VulkanFaultInjector()
        try {
            let context = try Self.context(faults, counter: counter)
            let before = RuntimeFixtures.live(counter)
            faults.fail(step)
            #expect(throws: VulkanError.self) { _ = try context.device.makeBuffer(byteCount: 256, label: "doomed") }
            #expect(RuntimeFixtures.live(counter) == before)
            expectNoValidationMessages(context)
        }()
        #expect(RuntimeFixtures.live(counter).isEmpty, "still live: \(RuntimeFixtures.live(counter))")
    }

    /// Real failures, no injection: sizes over the device's buffer limit (lavapipe: maxBufferSize 4 GiB; its memory
    /// allocations are lazy, so an allocation over maxMemoryAllocationSize succeeds and the allocation failure is
    /// injected above), and sizes no buffer can have.
    @Test(arguments: [1 << 50, Int.max, 0, -8])
    func impossibleBufferSizesLeaveNothing(_ byteCount: Int) throws {
        let counter = VulkanObjectCounter()
        try {
            let context = try Self.context(VulkanFaultInjector(), validation: false, counter: counter)
            let before = RuntimeFixtures.live(counter)
            #expect(throws: VulkanError.self) { _ = try context.device.makeBuffer(byteCount: byteCount, label: "impossible") }
            #expect(RuntimeFixtures.live(counter) == before)
        }()
        #expect(RuntimeFixtures.live(counter).isEmpty, "still live: \(RuntimeFixtures.live(counter))")
    }

    /// The staging area is made on the first transfer to a buffer the host cannot map; when that fails at any step,
    /// nothing of it stays alive, and the next transfer makes it anew and works.
    @Test(arguments: [Step.memoryAllocation, .memoryMap, .commandBuffer, .fence])
    func failedStagingAreaLeavesNothing(_ step: Step) throws {
        let counter = VulkanObjectCounter(), faults = VulkanFaultInjector()
        try {
            let context = try Self.context(faults, forceStaging: true, counter: counter)
            let buffer = try context.device.makeBuffer(byteCount: 64, label: "device-local")
            #expect(!buffer.isHostMapped)
            let before = RuntimeFixtures.live(counter)
            faults.fail(step)
            let values = (0..<16).map(Float.init)
            #expect(throws: VulkanError.self) { try values.withUnsafeBytes { try buffer.write($0, at: 0) } }
            #expect(RuntimeFixtures.live(counter) == before)
            try values.withUnsafeBytes { try buffer.write($0, at: 0) }
            #expect(try RuntimeFixtures.floats(buffer, count: 16) == values)
            expectNoValidationMessages(context)
        }()
        #expect(RuntimeFixtures.live(counter).isEmpty, "still live: \(RuntimeFixtures.live(counter))")
    }

    @Test(arguments: [Step.commandBuffer, .fence, .queryPool])
    func failedRecordingLeavesNothing(_ step: Step) throws {
        let counter = VulkanObjectCounter(), faults = VulkanFaultInjector()
        try {
            let context = try Self.context(faults, counter: counter)
            let before = RuntimeFixtures.live(counter)
            faults.fail(step)
            #expect(throws: VulkanError.self) { _ = try context.device.makeRecording(timestamps: 2) }
            #expect(RuntimeFixtures.live(counter) == before)
            expectNoValidationMessages(context)
        }()
        #expect(RuntimeFixtures.live(counter).isEmpty, "still live: \(RuntimeFixtures.live(counter))")
    }

    /// A descriptor pool that cannot be made fails the dispatch; the recording stays usable and frees everything.
    @Test func failedDescriptorPoolFailsTheDispatchOnly() throws {
        let counter = VulkanObjectCounter(), faults = VulkanFaultInjector()
        try {
            let context = try Self.context(faults, counter: counter)
            let device = context.device
            let pipeline = try RuntimeFixtures.axpb(device)
            let x = try RuntimeFixtures.buffer(device, [Float](repeating: 1, count: 64), label: "x")
            let y = try RuntimeFixtures.buffer(device, [Float](repeating: 0, count: 64), label: "y")
            let recording = try device.makeRecording()
            let bindings = [BufferBinding(x, access: .read), BufferBinding(y, access: .write)]
            let push = AxpbPush(count: 64, a: 2, b: 0, keep: 0)
            let before = RuntimeFixtures.live(counter)
            faults.fail(.descriptorPool)
            #expect(throws: VulkanError.self) { try recording.dispatch(pipeline, bindings: bindings, push: push, groups: (1, 1, 1)) }
            #expect(RuntimeFixtures.live(counter) == before)
            try recording.dispatch(pipeline, bindings: bindings, push: push, groups: (1, 1, 1))
            try device.submit(recording).wait()
            #expect(try RuntimeFixtures.floats(y, count: 64) == [Float](repeating: 2, count: 64))
            expectNoValidationMessages(context)
        }()
        #expect(RuntimeFixtures.live(counter).isEmpty, "still live: \(RuntimeFixtures.live(counter))")
    }

    /// A submission dropped without `wait()` waits in its deinit, which cannot throw: a lost device there is kept on
    /// the device (it used to be swallowed by `try?`) and every later submit throws it.
    @Test func droppedSubmissionKeepsALostDevice() throws {
        let faults = VulkanFaultInjector()
        let context = try Self.context(faults)
        let device = context.device
        let pipeline = try RuntimeFixtures.axpb(device)
        let x = try RuntimeFixtures.buffer(device, [Float](repeating: 1, count: 64), label: "x")
        let y = try device.makeBuffer(byteCount: 256, label: "y")
        let recording = try device.makeRecording()
        try recording.dispatch(pipeline, bindings: [BufferBinding(x, access: .read), BufferBinding(y, access: .write)],
                               push: AxpbPush(count: 64, a: 1, b: 0, keep: 0), groups: (1, 1, 1))
        #expect(device.deferredFailure == nil)
        faults.fail(.fenceWait)
        func submitAndDrop() throws { _ = try device.submit(recording) }
        try submitAndDrop()
        let lost = VulkanError.call("vkWaitForFences", VK_ERROR_DEVICE_LOST)
        #expect(device.deferredFailure == lost)
        #expect(throws: lost) { try device.run { _ in } }
        #expect("\(lost)" == "vkWaitForFences failed with VK_ERROR_DEVICE_LOST (-4)")
        withExtendedLifetime((context, recording)) {}
    }

    /// A wait that fails is thrown to its caller once; the device keeps no deferred failure for it.
    @Test func failedExplicitWaitIsThrownOnce() throws {
        let faults = VulkanFaultInjector()
        let context = try Self.context(faults)
        let device = context.device
        let recording = try device.makeRecording()
        let submission = try device.submit(recording)
        faults.fail(.fenceWait)
        #expect(throws: VulkanError.call("vkWaitForFences", VK_ERROR_DEVICE_LOST)) { try submission.wait() }
        try submission.wait()
        #expect(device.deferredFailure == nil)
        withExtendedLifetime((context, recording, submission)) {}
    }
}
