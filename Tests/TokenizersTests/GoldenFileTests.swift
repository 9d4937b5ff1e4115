import Foundation
import Testing
import TestSupport

/// The goldens are part of the repository, and a golden a test cannot use fails that test with the file's name
/// (before, a missing golden stopped the whole test process with a fatal error).
@Suite struct GoldenFileTests {
    @Test func goldensLiveInTheRepository() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        #expect(TestFileLocations.goldens.standardizedFileURL == repository.appending(path: "Tests/Goldens").standardizedFileURL)
        let listed = try String(contentsOfFile: GoldenFile.path("SOURCE.md"), encoding: .utf8)
        for name in ["smollm2-q4_1.json", "smollm2-tokenizer.json", "cvector-happy.json", "cvector-happy-pca.json",
                     "cvector-happy-generations.json", "steering-reference.json"] {
            #expect(listed.contains("`\(name)`"), "SOURCE.md does not say where \(name) comes from")
            _ = try GoldenFile.path(name)
        }
    }

    /// llama.cpp's control vectors, kept as text, rebuild to exactly the GGUF files llama.cpp wrote (the SHA-256s
    /// SOURCE.md lists); `vectorFile` refuses any other result.
    @Test(arguments: ["cvector-happy", "cvector-happy-pca"])
    func controlVectorsRebuildToLlamaCppsFiles(_ stem: String) throws {
        struct Recorded: Decodable { var sha256: String }
        let recorded = try GoldenFile.decode(Recorded.self, from: "\(stem).json").sha256
        let listed = try String(contentsOfFile: GoldenFile.path("SOURCE.md"), encoding: .utf8)
        #expect(listed.contains("\(recorded)  \(stem).gguf"))
        let path = try GoldenFile.vectorFile("\(stem).gguf")
        #expect(path.hasSuffix("\(recorded)/\(stem).gguf"))
    }

    @Test func aMissingGoldenNamesTheFile() {
        let error = #expect(throws: GoldenFileError.self) { try GoldenFile.path("no-such-golden.json") }
        #expect(error?.description.contains("Tests/Goldens/no-such-golden.json: no such file") == true, "\(String(describing: error))")
    }

    @Test func aGoldenThatDoesNotDecodeNamesTheFile() {
        struct Expected: Decodable { var prompts: [String] }
        let error = #expect(throws: GoldenFileError.self) { try GoldenFile.decode(Expected.self, from: "SOURCE.md") }
        #expect(error?.description.contains("Tests/Goldens/SOURCE.md: does not decode as Expected") == true, "\(String(describing: error))")
    }

    @Test func anUnknownEntryNamesTheFileAndEntry() {
        let error = #expect(throws: GoldenEntryMissing.self) { try ModelGoldens.prompt("P99") }
        #expect(error?.description == "golden smollm2-q4_1.json has no prompt P99")
    }
}
