import Foundation

/// llama.cpp's llama-bench, pinned to the tree inside the PyPI sdist llama-cpp-python==0.3.36.
///
/// `veer bench generate --compare llama.cpp` runs it beside Veer's own runs. It is either given (`--llama-bench
/// PATH`) or built once from the pinned source package and cached (`LlamaCppBuild`).
struct LlamaCppBench {
    static let pinnedPackage = "llama-cpp-python==0.3.36"
    /// The version part of `pinnedPackage`: names the cache directory, so a new pin builds anew.
    static let pinnedVersion = "0.3.36"

    let executable: URL

    /// explicit (--llama-bench PATH) if given (must exist and be executable, else an error naming it); else the
    /// cached build under ~/.cache/veer/llama.cpp/0.3.36/ (XDG_CACHE_HOME respected); else builds it there,
    /// printing progress through `log` (stderr), and returns it.
    static func locate(explicit: String?, log: (String) -> Void) throws -> LlamaCppBench {
        try locate(explicit: explicit, environment: ProcessInfo.processInfo.environment, log: log)
    }

    /// `locate` with the environment given (the cache directory and the PATH the build searches come from it).
    static func locate(explicit: String?, environment: [String: String], log: (String) -> Void) throws -> LlamaCppBench {
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw LlamaCppBenchError.explicitMissing(url.path)
            }
            guard !isDirectory.boolValue, FileManager.default.isExecutableFile(atPath: url.path) else {
                throw LlamaCppBenchError.explicitNotExecutable(url.path)
            }
            return LlamaCppBench(executable: url)
        }
        let build = LlamaCppBuild(environment: environment)
        if FileManager.default.isExecutableFile(atPath: build.cachedExecutable.path) {
            log("llama-bench: cached build \(build.cachedExecutable.path)")
            return LlamaCppBench(executable: build.cachedExecutable)
        }
        return LlamaCppBench(executable: try build.build(log: log))
    }

    /// One llama-bench process: `-m model -t threads -p <prompts joined by ,> -n <generate> -r repetitions -o json`;
    /// returns one result per test it ran.
    func run(model: String, threads: Int, prompts: [Int], generate: Int, repetitions: Int) throws -> [LlamaCppResult] {
        let arguments = Self.arguments(model: model, threads: threads, prompts: prompts, generate: generate,
                                       repetitions: repetitions)
        let run = try ToolProcess.run(executable, arguments)
        guard run.status == 0 else {
            throw LlamaCppBenchError.failed(command: ([executable.path] + arguments).joined(separator: " "),
                                            status: run.status, stderrTail: run.stderrTail)
        }
        return try LlamaCppResult.parse(run.stdout)
    }

    /// The command line of one run. An empty `prompts` is `-p 0` (no prompt test), as llama-bench spells it.
    static func arguments(model: String, threads: Int, prompts: [Int], generate: Int, repetitions: Int) -> [String] {
        let promptList = prompts.isEmpty ? "0" : prompts.map(String.init).joined(separator: ",")
        return ["-m", model, "-t", String(threads), "-p", promptList, "-n", String(generate),
                "-r", String(repetitions), "-o", "json"]
    }
}

enum LlamaCppBenchError: Error, CustomStringConvertible {
    case explicitMissing(String)
    case explicitNotExecutable(String)
    case failed(command: String, status: Int32, stderrTail: String)
    case badJSON(detail: String, quoted: String)

    var description: String {
        switch self {
        case let .explicitMissing(path):
            return "--llama-bench \(path): no such file (expected the path of a llama-bench executable)"
        case let .explicitNotExecutable(path):
            return "--llama-bench \(path): not an executable file (expected the path of a llama-bench executable)"
        case let .failed(command, status, stderrTail):
            return "llama-bench exited with status \(status): \(command)\n\(stderrTail)"
        case let .badJSON(detail, quoted):
            return "llama-bench printed JSON that Veer cannot read (\(detail)): \(quoted)"
        }
    }
}
