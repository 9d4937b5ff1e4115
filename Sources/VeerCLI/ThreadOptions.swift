import ArgumentParser
import Foundation

/// `-t/--threads N` (llama.cpp's name) and `VEER_THREADS`: the CPU backend's worker threads. The option wins over the
/// variable; with neither, the CPU backend uses every active core. Both must be a whole number >= 1: a bad value is an
/// error naming where it came from, never a silent fallback to the default.
struct ThreadOptions: ParsableArguments {
    @Option(name: [.customShort("t"), .customLong("threads")],
            help: "CPU backend worker threads (default: $VEER_THREADS, else every core).")
    var threads: Int?

    /// Checks the option, or without it VEER_THREADS, before the command runs.
    func validate() throws {
        do {
            if try resolved() == nil { _ = try ThreadSetting.fromEnvironment() }
        } catch { throw ValidationError("\(error)") }
    }

    /// `--threads`, checked, or nil when it is not given (`BackendFactory.cpu(threads:)` then reads VEER_THREADS).
    func resolved() throws -> Int? {
        guard let threads else { return nil }
        guard threads >= 1 else {
            throw InvalidInput("--threads \(threads): expected a whole number of threads, at least 1")
        }
        return threads
    }
}

/// `VEER_THREADS`, checked: unset or empty means the default; anything else must be a whole number >= 1.
enum ThreadSetting {
    static let variable = "VEER_THREADS"

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 1 else {
            throw InvalidInput("\(variable)=\(text): expected a whole number of threads, at least 1 (unset it to use every core)")
        }
        return value
    }
}
