import Foundation

/// The process's peak resident memory (Linux `VmHWM`), which can be reset so each backend's figure is its own.
enum PeakMemory {
    /// Peak resident set since the process started or the last `reset`, in MiB; nil where /proc is unavailable.
    static func residentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, let kilobytes = Double(fields[1]) { return kilobytes / 1024 }
        }
        return nil
    }

    /// Starts a new peak at the current resident set (Linux: writing 5 to /proc/self/clear_refs). Returns whether it
    /// could; without it the next reading covers the process so far.
    @discardableResult
    static func reset() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// The largest peak resident set among the child processes waited for so far, in MiB (`RUSAGE_CHILDREN`).
    static func childrenMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
