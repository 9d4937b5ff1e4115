import Foundation

extension ModelStore {
    /// SHA-256 of a model file, remembered by path, size, inode and modification time in
    /// `<cache>/sha256-cache.json`, so starting a run does not read the whole file to name it in the manifest. A file
    /// changed in place gets a new modification time (or size) and is hashed again. The cache is a convenience: when
    /// it cannot be read or written the file is simply hashed.
    public func cachedSHA256(of url: URL) throws -> String {
        let key = try Self.identity(of: url)
        let cacheFile = cacheDirectory.appending(path: "sha256-cache.json")
        var entries = (try? JSONDecoder().decode([String: String].self, from: Data(contentsOf: cacheFile))) ?? [:]
        if let digest = entries[key] { return digest }
        let digest = try Self.sha256(of: url)
        // A small cache: a handful of models per machine; past 64 entries start again.
        if entries.count >= 64 { entries = [:] }
        entries[key] = digest
        if let data = try? JSONEncoder().encode(entries) {
            try? FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
            try? data.write(to: cacheFile, options: .atomic)
        }
        return digest
    }

    /// "path|size|inode|mtime in ns" of the file the path resolves to.
    static func identity(of url: URL) throws -> String {
        let path = url.resolvingSymlinksInPath().path
        var info = stat()
        guard stat(path, &info) == 0 else { throw ModelStoreError.missing(path, hint: "cannot stat it to hash it") }
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return "\(path)|\(info.st_size)|\(info.st_ino)|\(mtime)"
    }
}
