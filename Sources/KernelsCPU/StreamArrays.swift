import Foundation

/// The five loops `BandwidthProbe` times, in STREAM's order after the read-only sum.
enum StreamKernel: CaseIterable {
    case read, copy, scale, add, triad

    /// Arrays each pass reads or writes once, for STREAM's byte count.
    var arraysTouched: Int {
        switch self {
        case .read: return 1
        case .copy, .scale: return 2
        case .add, .triad: return 3
        }
    }
}

/// Three page-aligned Float arrays a, b, c and the loops over them, split into chunks over a `WorkerPool`.
/// Chunks are 64-byte-aligned runs of SIMD16 vectors so every load and store is a full cache line.
final class StreamArrays {
    typealias Vector = SIMD16<Float>
    /// STREAM's scalar is 3; 0.5 keeps the values finite for hundreds of passes (they grow 1.25× per pass).
    static let scalar: Float = 0.5

    let bytesPerArray: Int
    private let vectors: Int
    private let a: UnsafeMutablePointer<Vector>, b: UnsafeMutablePointer<Vector>, c: UnsafeMutablePointer<Vector>
    /// One partial sum per chunk of the read loop, added in chunk order (the same total for any thread count).
    private var partialSums: [Double] = []
    private(set) var checksum = 0.0

    init(megabytes: Int) {
        let bytes = megabytes << 20, count = bytes / MemoryLayout<Vector>.stride
        func allocate() -> UnsafeMutablePointer<Vector> {
            UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096).bindMemory(to: Vector.self, capacity: count)
        }
        (bytesPerArray, vectors) = (bytes, count)
        (a, b, c) = (allocate(), allocate(), allocate())
        // Written here on one thread only to give them values; the probe's untimed first pass touches them again
        // from the pool's threads.
        a.initialize(repeating: Vector(repeating: 1), count: vectors)
        b.initialize(repeating: Vector(repeating: 2), count: vectors)
        c.initialize(repeating: Vector(repeating: 0), count: vectors)
    }

    deinit {
        for array in [a, b, c] { array.deallocate() }
    }

    /// Seconds for one pass of `kernel` over the whole arrays.
    func time(_ kernel: StreamKernel, on pool: WorkerPool) -> Double {
        // Enough chunks that a core slowed by another process does not hold the others up, few enough that
        // handing them out costs nothing: 8 per thread, at least 64 KiB each.
        let perChunk = max(1024, vectors / (pool.threads * 8))
        let chunks = (vectors + perChunk - 1) / perChunk
        if kernel == .read { partialSums = Array(repeating: 0, count: chunks) }
        let clock = ContinuousClock()
        let start = clock.now
        let (a, b, c, s, vectors) = (a, b, c, Vector(repeating: Self.scalar), vectors)
        partialSums.withUnsafeMutableBufferPointer { sums in
            let sums = UncheckedSendable(sums)
            pool.run(chunks: chunks) { chunk, _ in
                let range = chunk * perChunk ..< min(vectors, (chunk + 1) * perChunk)
                switch kernel {
                case .read: sums.value[chunk] = Self.sum(a, range)
                case .copy: for i in range { c[i] = a[i] }
                case .scale: for i in range { b[i] = s * c[i] }
                case .add: for i in range { c[i] = a[i] + b[i] }
                case .triad: for i in range { a[i] = b[i] + s * c[i] }
                }
            }
        }
        let elapsed = clock.now - start
        if kernel == .read { checksum = partialSums.reduce(0, +) }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// The sum of a run of vectors with four independent accumulators, so the adds never wait on each other and
    /// memory, not the add latency, sets the pace.
    private static func sum(_ array: UnsafeMutablePointer<Vector>, _ range: Range<Int>) -> Double {
        var s0 = Vector(), s1 = Vector(), s2 = Vector(), s3 = Vector()
        var i = range.lowerBound
        while i + 4 <= range.upperBound {
            s0 += array[i]; s1 += array[i + 1]; s2 += array[i + 2]; s3 += array[i + 3]
            i += 4
        }
        while i < range.upperBound { s0 += array[i]; i += 1 }
        return Double(((s0 + s1) + (s2 + s3)).sum())
    }
}
