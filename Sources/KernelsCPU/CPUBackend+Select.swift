import Foundation
import Kernels

extension CPUBackend {
    /// ids[r] = index of the row's largest value, lowest index on ties; -1 when the row holds NaN or ±inf.
    public func argmax(_ op: ArgmaxOp, x: CPUBuffer, ids: CPUBuffer) throws {
        try serialized("argmax") {
            try op.validate(x: x.byteCount, ids: ids.byteCount)
            let input = UnsafePointer(x.floats()), output = ids.int32s(), width = op.width
            pool.forEachRange(count: op.rows, itemsPerChunk: rowsPerChunk(width: width),
                              minimumItems: 2 * rowsPerChunk(width: width)) { rows, _ in
                for r in rows {
                    let row = input + r * width
                    guard VectorMath.allFinite(row, count: width) else {
                        output[r] = -1
                        continue
                    }
                    // The maximum first (vectorised), then its first occurrence: ties go to the lowest index.
                    let top = VectorMath.maximum(row, count: width)
                    var i = 0
                    while row[i] != top { i += 1 }
                    output[r] = Int32(i)
                }
            }
        }
    }

    /// Per row, the k largest values, descending, equal values by lower id first; a row holding NaN or ±inf gives
    /// ids -1 and NaN values. A k-entry min-heap ordered by (value, −id) keeps the best seen; one pass, then a sort.
    public func topk(_ op: TopKOp, x: CPUBuffer, ids: CPUBuffer, values: CPUBuffer) throws {
        try serialized("topk") {
            try op.validate(x: x.byteCount, ids: ids.byteCount, values: values.byteCount)
            let input = UnsafePointer(x.floats()), outIds = ids.int32s(), outValues = values.floats()
            let width = op.width, k = op.k
            let scratches = workerScratch
            for arena in scratches { _ = arena.floats(2 * k) }
            pool.forEachRange(count: op.rows, itemsPerChunk: rowsPerChunk(width: width),
                              minimumItems: 2 * rowsPerChunk(width: width)) { rows, worker in
                // [k] values then [k] ids (as Int32 bit patterns) of the heap.
                let heapStorage = scratches[worker].floats(2 * k)
                let heap = TopKHeap(values: heapStorage,
                                    ids: UnsafeMutableRawPointer(heapStorage + k).assumingMemoryBound(to: Int32.self),
                                    capacity: k)
                for r in rows {
                    let row = input + r * width
                    let ids = outIds + r * k, vals = outValues + r * k
                    guard VectorMath.allFinite(row, count: width) else {
                        ids.update(repeating: -1, count: k)
                        vals.update(repeating: .nan, count: k)
                        continue
                    }
                    heap.select(row, count: width)
                    heap.drainDescending(ids: ids, values: vals)
                }
            }
        }
    }

    /// out[r] = logits[r, targets[r]] − (max + log Σ exp(logits − max)), the sum in f64 in index order.
    public func tokenLogprobs(_ op: TokenLogprobsOp, logits: CPUBuffer, targets: CPUBuffer, out: CPUBuffer) throws {
        try serialized("token_logprobs") {
            try op.validate(logits: logits.byteCount, targets: targets.byteCount, out: out.byteCount)
            let input = UnsafePointer(logits.floats()), target = targets.int32s(), output = out.floats()
            let width = op.width
            for r in 0..<op.rows where target[r] < 0 || Int(target[r]) >= width {
                throw KernelError.invalidShape(op: "token_logprobs", detail: "target \(target[r]) of row \(r) is outside [0, \(width))")
            }
            pool.forEachRange(count: op.rows, itemsPerChunk: rowsPerChunk(width: width),
                              minimumItems: 2 * rowsPerChunk(width: width)) { rows, _ in
                for r in rows {
                    let row = input + r * width
                    let top = VectorMath.maximum(row, count: width)
                    var sum = 0.0
                    for i in 0..<width { sum += Double(Foundation.exp(row[i] - top)) }
                    output[r] = Float(Double(row[Int(target[r])]) - Double(top) - Foundation.log(sum))
                }
            }
        }
    }
}

/// A fixed-capacity min-heap of (value, id) over caller-provided storage: the root is the weakest kept entry,
/// "weaker" meaning a smaller value, or an equal value with a higher id (which loses ties).
struct TopKHeap {
    let values: UnsafeMutablePointer<Float>
    let ids: UnsafeMutablePointer<Int32>
    let capacity: Int

    @inline(__always)
    private func weaker(_ a: Int, _ b: Int) -> Bool {
        values[a] < values[b] || (values[a] == values[b] && ids[a] > ids[b])
    }

    /// Keeps the `capacity` strongest entries of row[0..<count] (count >= capacity, all finite).
    func select(_ row: UnsafePointer<Float>, count: Int) {
        for i in 0..<capacity {
            values[i] = row[i]
            ids[i] = Int32(i)
            siftUp(i)
        }
        // Later ids lose ties, so a candidate must beat the root strictly.
        for i in capacity..<count where row[i] > values[0] {
            values[0] = row[i]
            ids[0] = Int32(i)
            siftDown(0, size: capacity)
        }
    }

    /// Writes the kept entries strongest first, emptying the heap.
    func drainDescending(ids outIds: UnsafeMutablePointer<Int32>, values outValues: UnsafeMutablePointer<Float>) {
        var size = capacity
        while size > 0 {
            // The root is the weakest: it goes to the back.
            outValues[size - 1] = values[0]
            outIds[size - 1] = ids[0]
            size -= 1
            values[0] = values[size]
            ids[0] = ids[size]
            siftDown(0, size: size)
        }
    }

    private func swapAt(_ a: Int, _ b: Int) {
        (values[a], values[b]) = (values[b], values[a])
        (ids[a], ids[b]) = (ids[b], ids[a])
    }

    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard weaker(child, parent) else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int, size: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var weakest = parent
            if left < size, weaker(left, weakest) { weakest = left }
            if right < size, weaker(right, weakest) { weakest = right }
            if weakest == parent { return }
            swapAt(parent, weakest)
            parent = weakest
        }
    }
}
