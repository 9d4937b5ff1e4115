import Foundation
import KernelsCPU
import Testing

/// The bandwidth probe on small arrays: the numbers are not meaningful at this size (the arrays fit in cache), but
/// every kernel must have run and produced a positive, finite rate.
@Suite struct BandwidthProbeTests {
    @Test(arguments: [1, 2])
    func everyKernelGivesAPositiveFiniteRate(threads: Int) {
        let report = BandwidthProbe.measure(threads: threads, megabytesPerArray: 2, repetitions: 2)
        for rate in [report.readGBps, report.copyGBps, report.scaleGBps, report.addGBps, report.triadGBps] {
            #expect(rate.isFinite && rate > 0)
        }
        #expect(report.decodeLimitGBps == report.readGBps)
        #expect(report.threads == threads && report.megabytesPerArray == 2 && report.repetitions == 2)
    }

    /// The read loop's sum is kept, so it cannot be optimized away, and it sees what the other kernels wrote: the
    /// untimed pass reads a = 1, then copy, scale, add and triad leave a = 0.5 + 0.5·1.5 = 1.25, which the timed
    /// pass's read sums.
    @Test func theReadSumSeesTheValuesTheOtherKernelsWrote() {
        let report = BandwidthProbe.measure(threads: 2, megabytesPerArray: 1, repetitions: 1)
        let elements = Double((1 << 20) / MemoryLayout<Float>.stride)
        #expect(report.checksum == 1.25 * elements)
    }

    @Test func valuesBelowOneAreRaisedToOneAndRecorded() {
        let report = BandwidthProbe.measure(threads: 0, megabytesPerArray: 0, repetitions: 0)
        #expect(report.threads == 1 && report.megabytesPerArray == 1 && report.repetitions == 1)
        #expect(report.readGBps.isFinite && report.readGBps > 0)
    }

    @Test func encodesSnakeCaseKeys() throws {
        let report = BandwidthProbe.measure(threads: 1, megabytesPerArray: 1, repetitions: 1)
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        for key in ["read_gb_s", "copy_gb_s", "scale_gb_s", "add_gb_s", "triad_gb_s", "megabytes_per_array"] {
            #expect(json.contains("\"\(key)\""))
        }
    }
}
