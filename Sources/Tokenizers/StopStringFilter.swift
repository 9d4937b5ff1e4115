/// Stops streamed text at the first occurrence of any stop string, as llama.cpp's `--reverse-prompt`/server `stop`
/// do: the stop string and everything after it are dropped. While the tail of the text could still grow into a stop
/// string, it is held back, so nothing is printed that a later token reveals to be part of one.
///
/// Matching is on Unicode scalars, exactly (no normalization), across token boundaries.
public struct StopStringFilter {
    private let stops: [[Unicode.Scalar]]
    private var pending: [Unicode.Scalar] = []
    /// Whether a stop string has appeared; once true, no more text comes out.
    public private(set) var stopped = false
    /// The stop string that ended the text, if one did.
    public private(set) var matched: String?

    /// Empty strings are ignored (they would stop before the first character).
    public init(_ stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }.map { Array($0.unicodeScalars) }
    }

    /// Adds newly decoded text; returns the part that can be emitted now. After a stop string appears it returns
    /// the text before it and then only empty strings.
    public mutating func feed(_ text: String) -> String {
        guard !stopped else { return "" }
        pending.append(contentsOf: text.unicodeScalars)
        if let (start, stop) = firstMatch() {
            stopped = true
            matched = String(String.UnicodeScalarView(stop))
            defer { pending.removeAll() }
            return String(String.UnicodeScalarView(pending[..<start]))
        }
        let keep = longestSuffixThatStartsAStop()
        let emit = String(String.UnicodeScalarView(pending[..<(pending.count - keep)]))
        pending.removeFirst(pending.count - keep)
        return emit
    }

    /// Ends the stream: the held-back tail (it never became a stop string).
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return stopped ? "" : String(String.UnicodeScalarView(pending))
    }

    /// The earliest start of any stop string in the pending text (the longest stop at that start on a tie).
    private func firstMatch() -> (Int, [Unicode.Scalar])? {
        var best: (Int, [Unicode.Scalar])?
        for stop in stops where stop.count <= pending.count {
            for start in 0...(pending.count - stop.count) where pending[start..<start + stop.count].elementsEqual(stop) {
                if best == nil || start < best!.0 || (start == best!.0 && stop.count > best!.1.count) { best = (start, stop) }
                break
            }
        }
        return best
    }

    /// How many trailing scalars are a proper prefix of some stop string (and so must wait for more text).
    private func longestSuffixThatStartsAStop() -> Int {
        var longest = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, pending.count), to: longest, by: -1)
            where pending[(pending.count - length)...].elementsEqual(stop[..<length]) {
                longest = length
                break
            }
        }
        return longest
    }
}
