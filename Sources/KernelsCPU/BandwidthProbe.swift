import Foundation

/// Main-memory bandwidth, measured the way STREAM does (McCalpin): simple loops over arrays far bigger than the
/// caches, run on the same `WorkerPool` the CPU kernels use, best time of several repetitions, and bytes counted as
/// STREAM counts them (every array element read or written once per pass, nothing for caches or write-allocate).
///
/// Decoding one token reads every weight once and writes almost nothing, so the figure that bounds decode speed is
/// the read-only one, `BandwidthReport.readGBps` (also `decodeLimitGBps`). The four STREAM kernels show what mixed
/// read/write traffic gets.
public enum BandwidthProbe {
    /// Measures on `threads` threads, over three arrays of `megabytesPerArray` MiB each (Float), keeping for each
    /// kernel its best of `repetitions` timed passes after one untimed pass that touches every page. Values below 1
    /// are raised to 1; the report records the values used. For a meaningful number the three arrays together should
    /// be many times the last-level cache (e.g. 3 × 128 MiB).
    public static func measure(threads: Int, megabytesPerArray: Int, repetitions: Int) -> BandwidthReport {
        let arrays = StreamArrays(megabytes: max(1, megabytesPerArray))
        let pool = WorkerPool(threads: max(1, threads))
        let passes = max(1, repetitions)
        var best = [StreamKernel: Double]()
        // Pass 0 faults the pages in (and wakes the pool's threads) and is not timed, as STREAM drops its first pass.
        for pass in 0...passes {
            for kernel in StreamKernel.allCases {
                let seconds = arrays.time(kernel, on: pool)
                if pass > 0 { best[kernel] = min(best[kernel] ?? .infinity, seconds) }
            }
        }
        func gigabytesPerSecond(_ kernel: StreamKernel) -> Double {
            Double(kernel.arraysTouched * arrays.bytesPerArray) / best[kernel]! / 1e9
        }
        return BandwidthReport(
            threads: pool.threads, megabytesPerArray: arrays.bytesPerArray >> 20, repetitions: passes,
            readGBps: gigabytesPerSecond(.read), copyGBps: gigabytesPerSecond(.copy),
            scaleGBps: gigabytesPerSecond(.scale), addGBps: gigabytesPerSecond(.add),
            triadGBps: gigabytesPerSecond(.triad), checksum: arrays.checksum)
    }
}

/// What `BandwidthProbe.measure` found. GB/s are decimal (10⁹ bytes per second), as STREAM reports them.
public struct BandwidthReport: Sendable, Codable, Equatable {
    public var threads: Int
    public var megabytesPerArray: Int
    public var repetitions: Int
    /// sum += a[i]: reads one array. The figure for the decode limit (see `decodeLimitGBps`).
    public var readGBps: Double
    /// c[i] = a[i]: one read, one write.
    public var copyGBps: Double
    /// b[i] = s·c[i]: one read, one write.
    public var scaleGBps: Double
    /// c[i] = a[i] + b[i]: two reads, one write.
    public var addGBps: Double
    /// a[i] = b[i] + s·c[i]: two reads, one write.
    public var triadGBps: Double
    /// The last read pass's sum: consumed so the read loop cannot be optimized away; finite unless the arrays
    /// overflowed (they grow 1.25× per pass, so only after ~390 repetitions).
    public var checksum: Double

    /// The bandwidth that bounds decoding (weights are only read): `readGBps`.
    public var decodeLimitGBps: Double { readGBps }

    enum CodingKeys: String, CodingKey {
        case threads, repetitions, checksum
        case megabytesPerArray = "megabytes_per_array"
        case readGBps = "read_gb_s", copyGBps = "copy_gb_s", scaleGBps = "scale_gb_s", addGBps = "add_gb_s"
        case triadGBps = "triad_gb_s"
    }
}
