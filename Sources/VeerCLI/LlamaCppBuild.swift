import Foundation

/// Builds llama-bench from the llama.cpp tree vendored in the pinned PyPI sdist (`LlamaCppBench.pinnedPackage`) and
/// caches the binary under `<cache>/llama.cpp/<version>/llama-bench`.
///
/// The build happens in a scratch directory beside the cache and only a finished binary is moved in, so an
/// interrupted or failed build never leaves a cache entry that looks usable. Each step writes its output to a log
/// under `<cache>/llama.cpp/<version>-logs/`, which survives a failure for the error message to name.
struct LlamaCppBuild {
    /// A program the build runs, and the Debian package that provides it.
    struct Tool: Equatable {
        var command: String
        var debianPackage: String
    }

    /// What the build needs on PATH. CMake finds the compilers as `cc` and `c++` unless CC / CXX name others.
    static let requiredTools = [
        Tool(command: "python3", debianPackage: "python3"),
        Tool(command: "cmake", debianPackage: "cmake"),
        Tool(command: "cc", debianPackage: "gcc"),
        Tool(command: "c++", debianPackage: "g++"),
    ]

    /// llama.cpp's CMake options: the CPU backend only, tuned for this machine (GGML_NATIVE), linked statically so
    /// the one cached file is the whole tool, and nothing built or fetched that llama-bench does not need. (This
    /// tree has dropped CURL: LLAMA_CURL only draws a deprecation warning; its downloads now need LLAMA_OPENSSL.)
    static let cmakeOptions = [
        "-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=ON", "-DBUILD_SHARED_LIBS=OFF", "-DLLAMA_OPENSSL=OFF",
        "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=OFF", "-DLLAMA_BUILD_APP=OFF",
        "-DLLAMA_BUILD_TOOLS=ON", "-DLLAMA_BUILD_COMMON=ON",
    ]

    let environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// `$VEER_CACHE` (as for models), else `$XDG_CACHE_HOME/veer`, else `~/.cache/veer`.
    var cacheRoot: URL {
        if let veer = environment["VEER_CACHE"], !veer.isEmpty { return URL(fileURLWithPath: veer) }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appending(path: "veer")
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appending(path: ".cache/veer")
    }

    var cacheDirectory: URL { cacheRoot.appending(path: "llama.cpp/\(LlamaCppBench.pinnedVersion)") }
    var cachedExecutable: URL { cacheDirectory.appending(path: "llama-bench") }
    var logDirectory: URL { cacheRoot.appending(path: "llama.cpp/\(LlamaCppBench.pinnedVersion)-logs") }

    /// Each required tool's path on this environment's PATH. Every missing tool is named in one error, with the
    /// package that provides it.
    func resolveTools() throws -> [String: URL] {
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        var found: [String: URL] = [:], missing: [Tool] = []
        for tool in Self.requiredTools {
            let candidates = directories.map { URL(fileURLWithPath: $0).appending(path: tool.command) }
            if let hit = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
                found[tool.command] = hit
            } else {
                missing.append(tool)
            }
        }
        guard missing.isEmpty else { throw LlamaCppBuildError.missingTools(missing) }
        return found
    }

    /// Builds llama-bench and moves it into the cache; returns its path there.
    func build(log: (String) -> Void) throws -> URL {
        let tools = try resolveTools()
        let fileManager = FileManager.default
        let parent = cacheDirectory.deletingLastPathComponent()
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        try? fileManager.removeItem(at: logDirectory)
        try fileManager.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let work = parent.appending(path: "build-\(getpid())-\(UUID().uuidString.prefix(8))")
        try fileManager.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: work) }

        log("llama-bench: not cached; building it from \(LlamaCppBench.pinnedPackage) (several minutes, once)")
        let python = tools["python3"]!, cmake = tools["cmake"]!
        guard try ToolProcess.run(python, ["-m", "pip", "--version"], environment: environment).status == 0 else {
            throw LlamaCppBuildError.missingTools([Tool(command: "pip (python3 -m pip)", debianPackage: "python3-pip")])
        }
        let downloads = work.appending(path: "download")
        // Only llama-cpp-python itself must be the source package; its build tools (for pip's metadata step) may
        // come as wheels, which saves compiling them.
        try step("download", python, ["-m", "pip", "download", "--no-binary", "llama-cpp-python", "--no-deps",
                                      "--dest", downloads.path, LlamaCppBench.pinnedPackage], log: log)
        let archives = (try? fileManager.contentsOfDirectory(atPath: downloads.path))?.filter { $0.hasSuffix(".tar.gz") } ?? []
        guard let archive = archives.first else {
            throw LlamaCppBuildError.unexpected("pip downloaded no .tar.gz source package into \(downloads.path)")
        }
        let unpacked = work.appending(path: "source")
        try step("unpack", python, ["-c", """
            import sys, tarfile
            with tarfile.open(sys.argv[1]) as archive:
                if hasattr(tarfile, "data_filter"): archive.extractall(sys.argv[2], filter="data")
                else: archive.extractall(sys.argv[2])
            """, downloads.appending(path: archive).path, unpacked.path], log: log)
        let packageDirectory = archive.replacingOccurrences(of: ".tar.gz", with: "")
        let source = unpacked.appending(path: "\(packageDirectory)/vendor/llama.cpp")
        guard fileManager.fileExists(atPath: source.appending(path: "CMakeLists.txt").path) else {
            throw LlamaCppBuildError.unexpected("\(archive) has no vendor/llama.cpp/CMakeLists.txt")
        }
        let buildDirectory = work.appending(path: "build")
        try step("configure", cmake, ["-S", source.path, "-B", buildDirectory.path] + Self.cmakeOptions, log: log)
        let jobs = ProcessInfo.processInfo.activeProcessorCount
        try step("build", cmake, ["--build", buildDirectory.path, "--target", "llama-bench", "-j", String(jobs)],
                 log: log)
        let built = buildDirectory.appending(path: "bin/llama-bench")
        guard fileManager.isExecutableFile(atPath: built.path) else {
            throw LlamaCppBuildError.unexpected("the build finished but made no \(built.path)")
        }

        // Stage the finished entry beside the cache, then move it in with one rename.
        let staged = work.appending(path: "entry")
        try fileManager.createDirectory(at: staged, withIntermediateDirectories: true)
        try fileManager.copyItem(at: built, to: staged.appending(path: "llama-bench"))
        try Data("""
            llama-bench built by Veer from the llama.cpp tree in the PyPI source package \(LlamaCppBench.pinnedPackage).
            CMake options: \(Self.cmakeOptions.joined(separator: " "))
            """.utf8).write(to: staged.appending(path: "SOURCE.txt"))
        if fileManager.fileExists(atPath: cacheDirectory.path) {
            // Another build finished first; a half-made entry is never left, so whatever is there is complete
            // only if it has the binary.
            if !fileManager.isExecutableFile(atPath: cachedExecutable.path) { try fileManager.removeItem(at: cacheDirectory) }
        }
        if !fileManager.fileExists(atPath: cacheDirectory.path) {
            try fileManager.moveItem(at: staged, to: cacheDirectory)
        }
        log("llama-bench: built and cached at \(cachedExecutable.path)")
        return cachedExecutable
    }

    /// One build step, its output in `<logs>/<name>.log`; a non-zero exit is an error naming the step and the log.
    private func step(_ name: String, _ executable: URL, _ arguments: [String], log: (String) -> Void) throws {
        let logFile = logDirectory.appending(path: "\(name).log")
        log("llama-bench: \(name) (log: \(logFile.path))")
        let status = try ToolProcess.run(executable, arguments, environment: environment, log: logFile)
        guard status == 0 else {
            throw LlamaCppBuildError.stepFailed(step: name, status: status, log: logFile.path)
        }
    }
}

enum LlamaCppBuildError: Error, CustomStringConvertible {
    case missingTools([LlamaCppBuild.Tool])
    case stepFailed(step: String, status: Int32, log: String)
    case unexpected(String)

    var description: String {
        switch self {
        case let .missingTools(tools):
            let names = tools.map { "\($0.command) (Debian package \($0.debianPackage))" }.joined(separator: ", ")
            let packages = tools.map(\.debianPackage).joined(separator: " ")
            return "cannot build llama-bench: not found on PATH: \(names); install with `apt-get install \(packages)`, "
                + "or pass --llama-bench PATH"
        case let .stepFailed(step, status, log):
            return "building llama-bench failed at step '\(step)' (exit status \(status)); its output is in \(log)"
        case let .unexpected(detail):
            return "building llama-bench failed: \(detail)"
        }
    }
}
