import Foundation
import Testing
import TestSupport
import VulkanRuntime

@Suite("Vulkan runtime: buffers, dispatch, barriers, replay, lifetimes", .enabled(if: RuntimeFixtures.hasDevice),
       .exclusiveVulkan)
struct RuntimeDispatchTests {
    @Test(arguments: [false, true]) func bufferRoundTrip(forceStaging: Bool) throws {
        let context = try RuntimeFixtures.context(VulkanOptions(forceStaging: forceStaging))
        let values = (0..<1000).map { Float($0) * 0.5 - 7 }
        let buffer = try RuntimeFixtures.buffer(context.device, values, label: "roundtrip")
        #expect(buffer.isHostMapped == !forceStaging)
        #expect(try RuntimeFixtures.floats(buffer, count: values.count) == values)
        // A partial write at an offset leaves the rest alone.
        try [Float(42), 43].withUnsafeBytes { try buffer.write($0, at: 8) }
        let back = try RuntimeFixtures.floats(buffer, count: values.count)
        #expect(back[2] == 42 && back[3] == 43 && back[4] == values[4])
        expectNoValidationMessages(context)
    }

    @Test func outOfRangeAccessThrows() throws {
        let context = try RuntimeFixtures.context()
        let buffer = try context.device.makeBuffer(byteCount: 16, label: "small")
        #expect(throws: VulkanError.self) { try [Float](repeating: 0, count: 8).withUnsafeBytes { try buffer.write($0, at: 0) } }
        #expect(throws: VulkanError.self) { try context.device.makeBuffer(byteCount: 0, label: "empty") }
    }

    @Test(arguments: [false, true]) func dispatchComputes(forceStaging: Bool) throws {
        let context = try RuntimeFixtures.context(VulkanOptions(forceStaging: forceStaging))
        let device = context.device
        let pipeline = try RuntimeFixtures.axpb(device)
        let n = 1000  // not a multiple of the workgroup size
        let x = try RuntimeFixtures.buffer(device, (0..<n).map(Float.init), label: "x")
        let y = try RuntimeFixtures.buffer(device, [Float](repeating: 1, count: n), label: "y")
        try device.run { r in
            try r.dispatch(pipeline, bindings: [BufferBinding(x, access: .read), BufferBinding(y, access: .readWrite)],
                           push: AxpbPush(count: UInt32(n), a: 2, b: 3, keep: 1), groups: ((n + 63) / 64, 1, 1))
        }
        let out = try RuntimeFixtures.floats(y, count: n)
        let expected: [Float] = (0..<n).map { (i: Int) -> Float in 2 * Float(i) + 4 }
        #expect(out == expected)
        expectNoValidationMessages(context)
    }

    /// x -> y, then y -> z: the second dispatch reads what the first wrote, so the recording must place a barrier;
    /// synchronization validation reports a READ_AFTER_WRITE hazard if it does not.
    @Test func dependentDispatchesGetABarrier() throws {
        let context = try RuntimeFixtures.context()
        let device = context.device
        let pipeline = try RuntimeFixtures.axpb(device)
        let n = 256
        let x = try RuntimeFixtures.buffer(device, [Float](repeating: 1, count: n), label: "x")
        let y = try RuntimeFixtures.buffer(device, [Float](repeating: 0, count: n), label: "y")
        let z = try RuntimeFixtures.buffer(device, [Float](repeating: 0, count: n), label: "z")
        let w = try RuntimeFixtures.buffer(device, [Float](repeating: 0, count: n), label: "w")
        let recording = try device.makeRecording()
        let push = AxpbPush(count: UInt32(n), a: 2, b: 0, keep: 0)
        try recording.dispatch(pipeline, bindings: [BufferBinding(x, access: .read), BufferBinding(y, access: .write)], push: push, groups: (4, 1, 1))
        // Independent of the first: no barrier needed.
        try recording.dispatch(pipeline, bindings: [BufferBinding(x, access: .read), BufferBinding(w, access: .write)], push: push, groups: (4, 1, 1))
        #expect(recording.barrierCount == 0)
        try recording.dispatch(pipeline, bindings: [BufferBinding(y, access: .read), BufferBinding(z, access: .write)], push: push, groups: (4, 1, 1))
        #expect(recording.barrierCount == 1)
        try device.submit(recording).wait()
        #expect(try RuntimeFixtures.floats(z, count: n) == [Float](repeating: 4, count: n))
        expectNoValidationMessages(context)
    }

    /// A recorded command buffer replays without creating any Vulkan object, and each replay runs the work again.
    @Test func replayAllocatesNothing() throws {
        let context = try RuntimeFixtures.context()
        let device = context.device
        let pipeline = try RuntimeFixtures.axpb(device)
        let n = 100
        let x = try RuntimeFixtures.buffer(device, [Float](repeating: 1, count: n), label: "x")
        let y = try RuntimeFixtures.buffer(device, [Float](repeating: 0, count: n), label: "y")
        let recording = try device.makeRecording(timestamps: 2)
        try recording.writeTimestamp()
        try recording.dispatch(pipeline, bindings: [BufferBinding(x, access: .read), BufferBinding(y, access: .readWrite)],
                               push: AxpbPush(count: UInt32(n), a: 1, b: 0, keep: 1), groups: (2, 1, 1))
        try recording.writeTimestamp()
        try device.submit(recording).wait()
        let created = context.objectCounter.totalCreated
        for _ in 0..<5 { try device.submit(recording).wait() }
        #expect(context.objectCounter.totalCreated == created)
        #expect(try RuntimeFixtures.floats(y, count: n) == [Float](repeating: 6, count: n))
        let times = try recording.timestamps()
        #expect(times.count == 2 && times[1] >= times[0])
        // Re-recording the same work reuses the recording's pools: still nothing new.
        try recording.reset()
        try recording.dispatch(pipeline, bindings: [BufferBinding(x, access: .read), BufferBinding(y, access: .readWrite)],
                               push: AxpbPush(count: UInt32(n), a: 1, b: 0, keep: 1), groups: (2, 1, 1))
        try device.submit(recording).wait()
        #expect(context.objectCounter.totalCreated == created)
        expectNoValidationMessages(context)
    }

    /// Swift may free an object right after its last use. Buffers and pipeline are made in a helper and dropped by
    /// the caller before the submit; the recording must keep them alive (a release-build-only crash otherwise).
    @Test func recordingRetainsWhatItBinds() throws {
        let context = try RuntimeFixtures.context()
        let device = context.device
        let n = 4096
        func record(into recording: CommandRecording) throws -> VulkanBuffer {
            let pipeline = try RuntimeFixtures.axpb(device)
            let x = try RuntimeFixtures.buffer(device, [Float](repeating: 2, count: n), label: "x-temporary")
            let y = try device.makeBuffer(byteCount: n * 4, label: "y")
            try recording.dispatch(pipeline, bindings: [BufferBinding(x, access: .read), BufferBinding(y, access: .write)],
                                   push: AxpbPush(count: UInt32(n), a: 3, b: 1, keep: 0), groups: (n / 64, 1, 1))
            return y
        }
        let recording = try device.makeRecording()
        let y = try record(into: recording)
        try device.submit(recording).wait()
        let out = try RuntimeFixtures.floats(y, count: n)
        let wrong = out.indices.filter { out[$0] != 7 }
        #expect(wrong.isEmpty, "\(wrong.count) wrong, first \(wrong.prefix(5).map { ($0, out[$0]) })")
        expectNoValidationMessages(context)
    }

    /// Everything the runtime creates is destroyed once its owners are gone: live counts return to zero.
    @Test func everythingIsFreed() throws {
        var counter: VulkanObjectCounter?
        try {
            let context = try RuntimeFixtures.context(VulkanOptions(forceStaging: true))
            counter = context.objectCounter
            let device = context.device
            let pipeline = try RuntimeFixtures.axpb(device)
            let x = try RuntimeFixtures.buffer(device, [Float](repeating: 1, count: 64), label: "x")
            let y = try device.makeBuffer(byteCount: 256, label: "y")
            let recording = try device.makeRecording(timestamps: 1)
            try recording.dispatch(pipeline, bindings: [BufferBinding(x, access: .read), BufferBinding(y, access: .write)],
                                   push: AxpbPush(count: 64, a: 1, b: 0, keep: 0), groups: (1, 1, 1))
            try recording.writeTimestamp()
            let submission = try device.submit(recording)
            try submission.wait()
            _ = try RuntimeFixtures.floats(y, count: 64)
            #expect(context.objectCounter.totalLive > 0)
            expectNoValidationMessages(context)
        }()
        let live = RuntimeFixtures.live(counter!)
        #expect(live.isEmpty, "still live: \(live)")
    }

    @Test func dispatchMistakesAreErrors() throws {
        let context = try RuntimeFixtures.context()
        let device = context.device
        let pipeline = try RuntimeFixtures.axpb(device)
        let small = try device.makeBuffer(byteCount: 1024, label: "small")
        // One binding past the device's limit (not touched, so lavapipe's allocation costs address space only).
        let big = try device.makeBuffer(byteCount: device.limits.maxStorageBufferRange + 1024, label: "big")
        let push = AxpbPush(count: 1, a: 1, b: 1, keep: 0)
        let recording = try device.makeRecording()
        // Wrong binding count.
        #expect(throws: VulkanError.self) { try recording.dispatch(pipeline, bindings: [BufferBinding(small, access: .read)], push: push, groups: (1, 1, 1)) }
        // Wrong push-constant size.
        #expect(throws: VulkanError.self) {
            try recording.dispatch(pipeline, bindings: [BufferBinding(small, access: .read), BufferBinding(small, access: .write)], push: UInt32(1), groups: (1, 1, 1))
        }
        // Too many groups.
        #expect(throws: VulkanError.self) {
            try recording.dispatch(pipeline, bindings: [BufferBinding(small, access: .read), BufferBinding(small, access: .write)], push: push, groups: (1 << 20, 1, 1))
        }
        // A binding larger than the device's per-binding limit must be split by the caller.
        #expect(throws: VulkanError.self) {
            try recording.dispatch(pipeline, bindings: [BufferBinding(big, access: .read), BufferBinding(small, access: .write)], push: push, groups: (1, 1, 1))
        }
        // A sub-range of it is fine, at an aligned offset only.
        try recording.dispatch(pipeline, bindings: [BufferBinding(big, access: .read, offset: 1024, range: 1024), BufferBinding(small, access: .write)], push: push, groups: (1, 1, 1))
        #expect(throws: VulkanError.self) {
            try recording.dispatch(pipeline, bindings: [BufferBinding(big, access: .read, offset: 4, range: 64), BufferBinding(small, access: .write)], push: push, groups: (1, 1, 1))
        }
        // Not SPIR-V.
        #expect(throws: VulkanError.self) { try device.makePipeline(name: "junk", spirv: [1, 2, 3, 4, 5], bindingCount: 1, pushConstantBytes: 0) }
        try device.submit(recording).wait()
        expectNoValidationMessages(context)
    }
}
