import Foundation
import Steering

/// The steering files of a `--vectors` directory, each with the name requests use for it: its file name without
/// the extension. Vector files end in `.gguf`, JSON specs in `.json` (any case); anything else in the directory is
/// reported, not registered.
struct VectorDirectory {
    /// (name, path) of every steering file, in name order.
    var files: [(name: String, path: String)]
    /// One line for each entry that is not a steering file.
    var skipped: [String]

    static let extensions: Set<String> = ["gguf", "json"]

    /// Lists `path`. A directory that does not exist, is a file or cannot be read, and two files with one name
    /// (`a.gguf`, `a.json`), are errors naming them.
    init(path: String) throws(VectorRegistryError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw VectorRegistryError("--vectors \(path): no such directory")
        }
        guard isDirectory.boolValue else { throw VectorRegistryError("--vectors \(path): not a directory") }
        let names: [String]
        do { names = try manager.contentsOfDirectory(atPath: path) } catch {
            throw VectorRegistryError("--vectors \(path): cannot read the directory (\((error as NSError).localizedDescription))")
        }
        var byName: [String: String] = [:]
        var skipped: [String] = []
        for fileName in names.sorted() {
            let url = URL(fileURLWithPath: path).appending(path: fileName)
            var entryIsDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: url.path, isDirectory: &entryIsDirectory)
            let name = url.deletingPathExtension().lastPathComponent
            guard !entryIsDirectory.boolValue, Self.extensions.contains(url.pathExtension.lowercased()), !name.isEmpty else {
                skipped.append("--vectors \(path): skipping \(fileName): not a vector file (.gguf) or JSON spec (.json)")
                continue
            }
            if let other = byName[name] {
                throw VectorRegistryError("--vectors \(path): \(other) and \(fileName) both register the name '\(name)'; rename one")
            }
            byName[name] = fileName
        }
        files = byName.keys.sorted().map { ($0, URL(fileURLWithPath: path).appending(path: byName[$0]!).path) }
        self.skipped = skipped
    }
}
