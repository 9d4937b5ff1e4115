import Kernels
import VulkanRuntime

/// The Vulkan compute backend: every op is a shader from Shaders/ (embedded SPIR-V), recorded into one command
/// buffer that runs at the next `synchronize()` or `read`. Ops are checked (`validate`) before they are recorded.
///
/// Shader variants follow the device: the `_sg` variants (subgroup shuffles in the reductions) when
/// `features.has(.subgroups)`, which give the same bits as the plain ones. f32 precision throughout: no variant
/// uses fp16 arithmetic or int8 dot products.
///
/// Not thread-safe: use one backend from one thread at a time.
public final class VulkanBackend: ComputeBackend {
    public let context: VulkanContext
    public var device: VulkanDevice { context.device }
    let geometry: KernelGeometry
    let pipelines: PipelineCache
    /// Whether reductions use the subgroup-shuffle variants.
    public let usesSubgroups: Bool

    /// The recording ops go into: the pending work of this backend, or a replay being recorded.
    var recording: CommandRecording?
    var recordingReplay = false
    /// Buffers bound by the pending (not yet submitted) recording: a host write to one must wait for it.
    var pendingBuffers = Set<ObjectIdentifier>()
    /// The submission running now (one at a time: consecutive submissions have no barrier between them).
    var inFlight: Submission?
    /// The recording `inFlight` runs (a replay), for its timestamps while profiling.
    var inFlightRecording: CommandRecording?
    /// Per recording, the shader variant of each timestamped dispatch, in order (profiling only).
    var dispatchLabels: [ObjectIdentifier: [String]] = [:]
    /// GPU time per shader variant, when `VEER_PROFILE=1`.
    public let profiler = OpProfiler.fromEnvironment()
    /// Bound to bindings that a kernel declares but does not touch in this call (e.g. no trace requested).
    var placeholder: Buffer?

    public convenience init(context: VulkanContext) {
        self.init(context: context, matmulLanes: nil)
    }

    /// The matmul shape overrides the device-type defaults: tests run the GPU geometry on lavapipe with them. The
    /// prefill kernel: `prefillMatmul`, else the context's options (VEER_VK_PREFILL_MATMUL), else the device's default.
    /// `serialAttention` overrides the device type's attention kernel (tests run both on lavapipe).
    init(context: VulkanContext, matmulLanes: Int?, matmulColumnsPerLane: Int? = nil,
         prefillMatmul: PrefillMatmulKernel? = nil, serialAttention: Bool? = nil) {
        self.context = context
        geometry = KernelGeometry(limits: context.device.limits, type: context.device.info.type,
                                  matmulLanes: matmulLanes, matmulColumnsPerLane: matmulColumnsPerLane,
                                  prefillMatmul: prefillMatmul ?? context.device.options.prefillMatmul,
                                  serialAttention: serialAttention)
        pipelines = PipelineCache(device: context.device)
        usesSubgroups = context.device.features.has(.subgroups)
    }

    /// A backend on the device `options` choose (default: the VEER_* environment variables).
    public convenience init(options: VulkanOptions? = nil) throws {
        self.init(context: try VulkanContext.make(options))
    }

    public var name: String {
        let info = device.info
        return "Vulkan \(info.name) (\(info.driverName)), f32" + (usesSubgroups ? ", subgroups" : "")
    }

    /// The device, its limits and features (for `veer info` and benchmark reports).
    public var deviceInfo: PhysicalDeviceInfo { device.info }

    /// Messages the validation layers reported so far (empty without `VulkanOptions.validation`).
    public var validationMessages: [String] { context.validationMessages }

    /// Pipelines created so far (a replayed step must not add any).
    public var pipelineCount: Int { pipelines.count }

    public func makeBuffer(byteCount: Int, label: String) throws -> Buffer {
        guard byteCount > 0 else { throw VulkanBackendError.invalidUse("buffer '\(label)': size must be positive, got \(byteCount)") }
        // Whole words: shaders read packed weights as uint[], and the last block may end mid-word.
        return Buffer(try device.makeBuffer(byteCount: roundUpToWord(byteCount), label: label), byteCount: byteCount)
    }

    public func write(_ bytes: UnsafeRawBufferPointer, to buffer: Buffer, at byteOffset: Int) throws {
        try buffer.checkRange(byteOffset, bytes.count, "write")
        try requireNotRecordingReplay("write to '\(buffer.label)'")
        // Issue order: work recorded before this write that uses the buffer must run before the bytes change.
        if pendingBuffers.contains(ObjectIdentifier(buffer.storage)) { try synchronize() }
        // A replay in flight may use it as well; one step at a time, so simply let it finish.
        try waitInFlight()
        try buffer.storage.write(bytes, at: byteOffset)
    }

    public func read(_ buffer: Buffer, at byteOffset: Int, into bytes: UnsafeMutableRawBufferPointer) throws {
        try buffer.checkRange(byteOffset, bytes.count, "read")
        try synchronize()
        try buffer.storage.read(at: byteOffset, into: bytes)
    }

    /// Runs the pending recording and waits for it and for any replay in flight.
    public func synchronize() throws {
        try requireNotRecordingReplay("synchronize")
        try waitInFlight()
        guard let recording, recording.dispatchCount > 0 else { return }
        try device.submit(recording).wait()
        try collectTimestamps(recording, clear: true)
        try recording.reset()
        pendingBuffers.removeAll(keepingCapacity: true)
    }

    func waitInFlight() throws {
        guard let submission = inFlight else { return }
        inFlight = nil
        try submission.wait()
        if let replayed = inFlightRecording {
            inFlightRecording = nil
            try collectTimestamps(replayed, clear: false)
        }
    }

    func requireNotRecordingReplay(_ what: String) throws {
        if recordingReplay {
            throw VulkanBackendError.invalidUse("\(what) inside record { }: a replayed step cannot wait for the host")
        }
    }

    /// Records one dispatch of shader variant `variant` into the current recording.
    func dispatch<Push: BitwiseCopyable>(_ variant: String, specialization: [UInt32], bindings: [BufferBinding],
                                         push: Push, groups: (x: Int, y: Int, z: Int)) throws {
        let pipeline = try pipelines.pipeline(
            variant, bindingCount: bindings.count, pushConstantBytes: MemoryLayout<Push>.size,
            specialization: specialization)
        let target: CommandRecording
        if let recording {
            target = recording
        } else {
            target = try makeProfiledRecording()
            recording = target
        }
        try openTimestamps(target)
        try target.dispatch(pipeline, bindings: bindings, push: push, groups: groups)
        try noteDispatch(variant, in: target)
        if !recordingReplay {
            for binding in bindings { pendingBuffers.insert(ObjectIdentifier(binding.buffer)) }
        }
    }

    /// The variant name with the subgroup suffix when this backend uses subgroups (reduction kernels only).
    func reductionVariant(_ base: String) -> String { usesSubgroups ? base + "_sg" : base }

    /// A binding of the first `bytes` bytes of `buffer` from `offset` (rounded up to whole words, which the
    /// allocation always has), so a large buffer used only in part still fits one binding.
    func bind(_ buffer: Buffer, _ access: BufferAccess, bytes: Int, offset: Int = 0) -> BufferBinding {
        let range = min(roundUpToWord(max(bytes, 4)), buffer.storage.byteCount - offset)
        return BufferBinding(buffer.storage, access: access, offset: offset, range: range)
    }

    /// A binding of the whole buffer.
    func bind(_ buffer: Buffer, _ access: BufferAccess) -> BufferBinding {
        bind(buffer, access, bytes: buffer.byteCount)
    }

    /// A small buffer for bindings a kernel declares but does not use in a given call.
    func unusedBinding() throws -> BufferBinding {
        if placeholder == nil { placeholder = try makeBuffer(byteCount: 16, label: "unused binding") }
        return bind(placeholder!, .read)
    }
}
