import Kernels
import VulkanRuntime

/// A recorded sequence of ops (e.g. one decode step) that can run again and again. Replaying submits the same
/// command buffer: no new Vulkan object, descriptor set or pipeline. The buffers it binds are fixed at recording;
/// change their contents with `write` between replays.
public final class VulkanReplay {
    let recording: CommandRecording

    init(recording: CommandRecording) { self.recording = recording }

    public var dispatchCount: Int { recording.dispatchCount }
    public var barrierCount: Int { recording.barrierCount }
}

extension VulkanBackend {
    /// Records the ops `body` issues into a replayable recording instead of running them. Inside `body`, ops only:
    /// `read`, `write` and `synchronize` throw, since a replay cannot stop for the host.
    public func record(_ body: @escaping () throws -> Void) throws -> VulkanReplay {
        try requireNotRecordingReplay("record")
        try synchronize()
        let pending = recording
        let replayRecording = try makeProfiledRecording()
        recording = replayRecording
        recordingReplay = true
        defer {
            recording = pending
            recordingReplay = false
        }
        try body()
        try replayRecording.end()
        return VulkanReplay(recording: replayRecording)
    }

    /// Submits a recorded step after everything issued before it; it runs while the host goes on, and the next
    /// `read`, `synchronize` or `write` waits for it.
    public func replay(_ replay: VulkanReplay) throws {
        try requireNotRecordingReplay("replay")
        try synchronize()
        inFlight = try device.submit(replay.recording)
        inFlightRecording = replay.recording
    }
}
