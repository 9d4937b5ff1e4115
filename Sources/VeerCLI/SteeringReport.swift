import Foundation
import Kernels
import Llama
import Steering

/// What a steered run tells the user on stderr: one line saying what is steered (each entry with its method, its
/// strength and the blocks steered out of the entry's, the positions), and warnings when the options select nothing
/// or a strength lies outside the range the file records. A steering that does nothing is allowed, never silent.
extension LoadedSteering {
    /// The blocks `entry` edits in this run: its blocks that `--layers` keeps, none at strength 0.
    func steeredBlocks(_ entry: SteeringEntry) -> [Int] {
        guard entry.strength != 0 else { return [] }
        return entry.blocks.filter { layers?.contains($0) ?? true }
    }

    /// Everything a steered run says before it starts: the strength warnings (`warnAboutStrength`, which may run an
    /// unsteered pass over `prompt`), then the report line and its warnings (`report`).
    func announce<B: ComputeBackend>(_ model: LlamaModel<B>, prompt: [Int32], span: SequenceSpan, length: Int) throws {
        try warnAboutStrength(model, prompt: prompt)
        report(span: span, length: length)
    }

    /// The stderr line and warnings for a run whose sequence is `length` tokens long at most (prompt included).
    func report(span: SequenceSpan, length: Int) {
        let described = sources.flatMap { source in
            source.entries.map { entry in
                let steered = steeredBlocks(entry)
                let blocks = steered.isEmpty ? "no blocks"
                    : steered.count == 1 ? "block \(steered[0])" : "blocks \(BlockList.describe(steered))"
                return "\(entry.method.rawValue) \(source.label(entry)) at strength \(Self.format(entry.strength)) on \(blocks)"
                    + " of its \(BlockList.describe(entry.blocks))"
            }
        }
        Console.note("steering: \(described.joined(separator: "; ")); positions \(positions) (\(cacheMode.rawValue))")
        for source in sources {
            guard let range = source.vector?.info.strengthRange, let strength = source.entries.first?.strength,
                  !range.contains(strength) else { continue }
            Console.note("warning: strength \(Self.format(strength)) lies outside the strength range"
                         + " \(Self.format(range.lowerBound))...\(Self.format(range.upperBound)) that \(source.argument.path) records (veer.strength_range)")
        }
        if !entries.contains(where: { !steeredBlocks($0).isEmpty }) {
            let cause = entries.allSatisfy { $0.strength == 0 } || layers == nil
                ? "every strength is 0" : "--layers \(layers!) selects none of the vectors' blocks"
            Console.note("warning: \(cause): this run is not steered")
        } else if !positions.selectsAny(in: span, length: length) {
            Console.note("warning: --positions \(positions) selects none of this run's \(length) positions"
                         + " (\(span.promptLength) in the prompt): this run is not steered")
        }
    }

    /// A strength as typed: 1 rather than 1.0, 0.25 rather than 0.25000000.
    static func format(_ value: Float) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}

/// Block numbers as a reader writes them: runs of consecutive blocks as A-B, the rest listed (`1-5,9,12-14`).
enum BlockList {
    static func describe(_ blocks: [Int]) -> String {
        guard !blocks.isEmpty else { return "none" }
        var parts: [String] = [], start = blocks[0], end = blocks[0]
        func flush() { parts.append(start == end ? "\(start)" : "\(start)-\(end)") }
        for block in blocks.dropFirst() {
            if block == end + 1 { end = block } else { flush(); start = block; end = block }
        }
        flush()
        return parts.joined(separator: ",")
    }
}
