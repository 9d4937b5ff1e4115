import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `veer capture` output that cannot be written: refused before the model runs when that can be known, a plain
/// message naming the path otherwise, and never a truncated file left behind.
@Suite("veer capture: unwritable output")
struct CaptureOutputCLITests {
    static func textsFile(in directory: URL) throws -> String {
        let texts = directory.appending(path: "texts.txt")
        try "The capital of France is\n".write(to: texts, atomically: true, encoding: .utf8)
        return texts.path
    }

    /// Where even root gets EACCES: sysfs refuses new files. Before: "could not create the file (does the
    /// directory exist?)", after the whole capture ran.
    static let deniedDirectory: String? = {
        let probe = "/sys/veer-probe-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT, 0o644)
        if descriptor >= 0 { close(descriptor); unlink(probe); return nil }
        return errno == EACCES ? "/sys" : nil
    }()

    @Test(.enabled(if: deniedDirectory != nil && ModelFixture.path != nil))
    func permissionDeniedIsPlainAndComesBeforeTheModel() throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let texts = try Self.textsFile(in: scratch.url)
        let out = Self.deniedDirectory! + "/veer-capture.safetensors"
        let result = try VeerProcess.run(["capture", "--backend", "cpu", "--texts", texts, "--out", out])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(out): cannot write: permission denied"), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("backend:"), "the model loaded before the check: \(result.stderr)")
        let directory = try VeerProcess.run(["capture", "--backend", "cpu", "--texts", texts, "--out", Self.deniedDirectory! + "/veer-capture/"])
        #expect(directory.status != 0)
        #expect(directory.stderr.contains("/sys/veer-capture: cannot write: permission denied"), "stderr: \(directory.stderr)")
    }

    /// A full disk (a 64 KiB tmpfs; 30 blocks of last-token states take 69 KiB) gives a plain message and leaves
    /// no file: before, a truncated 65536-byte .safetensors (or 16 of 30 .npy files) stayed behind.
    @Test(.enabled(if: TinyFilesystem.available && ModelFixture.enabled))
    func fullDiskLeavesNothingBehind() throws {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let texts = try Self.textsFile(in: scratch.url)
        let disk = try #require(TinyFilesystem())
        for out in [disk.url.appending(path: "capture.safetensors").path, disk.url.appending(path: "npy").path + "/"] {
            let result = try VeerProcess.run(["capture", "--backend", "cpu", "--texts", texts, "--out", out])
            #expect(result.status != 0)
            #expect(result.stderr.contains(": cannot write: no space left on the device"), "stderr: \(result.stderr)")
            let left = FileManager.default.enumerator(atPath: disk.url.path)?.allObjects as? [String] ?? []
            #expect(left.allSatisfy { $0 == "npy" }, "left behind: \(left)")
        }
    }
}

/// A 64 KiB tmpfs mounted for one test, unmounted when released (needs root and a kernel that lets this machine
/// mount; `available` says whether it can).
final class TinyFilesystem {
    let url = FileManager.default.temporaryDirectory.appending(path: "veer-tiny-fs-\(UUID().uuidString)")

    static let available: Bool = TinyFilesystem() != nil

    init?() {
        guard (try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)) != nil,
              Self.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", url.path]) else {
            try? FileManager.default.removeItem(at: url)
            return nil
        }
    }

    deinit {
        _ = Self.run(["umount", url.path])
        try? FileManager.default.removeItem(at: url)
    }

    private static func run(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
