import Kernels
import VulkanRuntime

/// `VEER_PROFILE=1` on Vulkan: every dispatch is followed by a GPU timestamp (one more opens each recording), and
/// when a submission has finished, the time between consecutive timestamps is added to the profiler under the
/// dispatch's shader variant. GPU time, not launch plus fence: the host's share shows as "host between ops".
extension VulkanBackend {
    /// Room for timestamps in each recording while profiling: a prefill of 512 rows records about 500 dispatches.
    static let profileTimestamps = 8192

    /// A new recording, with room for timestamps while profiling.
    func makeProfiledRecording() throws -> CommandRecording {
        try device.makeRecording(timestamps: profiler == nil ? 0 : Self.profileTimestamps)
    }

    /// Called after each dispatch recorded into `recording` (which `openTimestamps` opened): closes it with a
    /// timestamp and remembers its variant. A recording that runs out of room simply stops timing.
    func noteDispatch(_ variant: String, in recording: CommandRecording) throws {
        guard profiler != nil, recording.timestampCount > 0, recording.timestampCount < Self.profileTimestamps else { return }
        try recording.writeTimestamp()
        dispatchLabels[ObjectIdentifier(recording), default: []].append(variant)
    }

    /// Called before a dispatch is recorded into `recording`: opens it with a timestamp.
    func openTimestamps(_ recording: CommandRecording) throws {
        guard profiler != nil, recording.timestampCount == 0 else { return }
        try recording.writeTimestamp()
        dispatchLabels[ObjectIdentifier(recording)] = []
    }

    /// Adds the finished `recording`'s dispatch times to the profiler; `clear` forgets its labels (a recording that
    /// is reset and recorded again), else they stay for the next replay.
    func collectTimestamps(_ recording: CommandRecording, clear: Bool) throws {
        guard let profiler else { return }
        let id = ObjectIdentifier(recording)
        defer { if clear { dispatchLabels[id] = nil } }
        guard let labels = dispatchLabels[id], !labels.isEmpty else { return }
        let times = try recording.timestamps()
        guard times.count == labels.count + 1 else { return }
        for (i, label) in labels.enumerated() {
            profiler.record(label, nanoseconds: UInt64(max(0, times[i + 1] - times[i])))
        }
    }
}

extension VulkanBackend {
    /// GPU time of the ops `body` issues: they go into a recording of their own between two timestamps, which is
    /// submitted and waited for. Launch, submission and fence costs are not in the figure.
    public func deviceMilliseconds(_ body: () throws -> Void) throws -> Double? {
        try requireNotRecordingReplay("deviceMilliseconds")
        try synchronize()
        let timed = try device.makeRecording(timestamps: profiler == nil ? 2 : Self.profileTimestamps + 2)
        let pending = recording
        recording = timed
        defer {
            recording = pending
            pendingBuffers.removeAll(keepingCapacity: true)
            dispatchLabels[ObjectIdentifier(timed)] = nil
        }
        try timed.writeTimestamp()
        try body()
        try timed.writeTimestamp()
        try device.submit(timed).wait()
        let times = try timed.timestamps()
        return (times.last! - times.first!) / 1e6
    }
}
