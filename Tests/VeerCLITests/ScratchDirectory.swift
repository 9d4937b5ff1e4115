import Foundation

/// A directory for one test's files, removed when the last reference goes: a suite instance's property (released
/// after its test), or a local kept alive with `withExtendedLifetime` for as long as the test uses the directory.
final class ScratchDirectory {
    let url = FileManager.default.temporaryDirectory.appending(path: "veer-cli-test-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
}
