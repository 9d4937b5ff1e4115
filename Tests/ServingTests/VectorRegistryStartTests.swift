import Foundation
import Serving
import Steering
import Testing

/// `--vectors DIR` and `--steer` at start: what is registered under which name, what the listing says, and the
/// start-up errors that name the option and the file.
@Suite("Vector registry at start")
struct VectorRegistryStartTests {
    typealias F = RegistryFixtures

    /// The registry's start-up error message (nil if `body` throws none or another error).
    func startError(_ body: () throws -> VectorRegistry) -> String? {
        do { _ = try body(); return nil } catch { return (error as? VectorRegistryError)?.message }
    }

    @Test func registersEveryFileByItsNameWithItsListing() throws {
        let directory = try F.standard()
        let registry = try VectorRegistry(directory: directory.path, defaults: [], model: F.model)
        #expect(registry.vectors.map(\.name) == ["happy", "joy", "sad", "sphere"])
        let listed = Dictionary(uniqueKeysWithValues: registry.vectors.map { ($0.name, $0) })
        #expect(listed["happy"] == RegisteredVector(name: "happy", method: "additive", site: "resid_post", blocks: [1, 2, 3],
                                                    fingerprintMatches: true, strengthRange: [0.5, 3]))
        #expect(listed["sad"] == RegisteredVector(name: "sad", method: "additive", site: "resid_post", blocks: [2],
                                                  fingerprintMatches: false, strengthRange: nil))
        #expect(listed["sphere"] == RegisteredVector(name: "sphere", method: "spherical", site: "resid_post", blocks: [2, 3],
                                                     fingerprintMatches: true, strengthRange: nil))
        #expect(listed["joy"] == RegisteredVector(name: "joy", method: "additive", site: "resid_post", blocks: [4],
                                                  fingerprintMatches: nil, strengthRange: nil))
        // Only sad.gguf was made for another model: one warning, naming it.
        #expect(registry.warnings.count == 1)
        #expect(registry.warnings[0].contains(directory.path("sad.gguf")) && registry.warnings[0].contains("fingerprint"))
        #expect(registry.defaults.isEmpty)
        withExtendedLifetime(directory) {}
    }

    @Test func aSpecOfSeveralMethodsListsThemAll() throws {
        let directory = try RegistryDirectory()
        let units: [String: Any] = ["method": "austeer", "site": "mlp_out", "alpha": 4, "units": [["layer": 1, "dim": 2, "b": 0.5]]]
        try directory.write(F.json([F.specEntry(layer: 3, s: 1), units, F.specEntry(layer: 5, s: 2)]), as: "mix.json")
        let registry = try VectorRegistry(directory: directory.path, defaults: [], model: F.model)
        #expect(registry.vectors == [RegisteredVector(name: "mix", method: "additive,austeer", site: "resid_post,mlp_out",
                                                      blocks: [1, 3, 5], fingerprintMatches: nil, strengthRange: nil)])
    }

    @Test func strictRefusesAnotherModelsFingerprintNamingTheFile() throws {
        let directory = try F.standard()
        let message = startError { try VectorRegistry(directory: directory.path, defaults: [], model: F.model, strict: true) }
        #expect(message?.hasPrefix("--vectors \(directory.path): \(directory.path("sad.gguf")):") == true)
    }

    @Test func otherEntriesOfTheDirectoryAreWarnedAboutNotRegistered() throws {
        let directory = try RegistryDirectory()
        try directory.write(F.additive(blocks: [1]), as: "calm.GGUF")
        try directory.write(Data("notes".utf8), as: "README.md")
        try FileManager.default.createDirectory(at: directory.url.appending(path: "old.gguf"), withIntermediateDirectories: false)
        let registry = try VectorRegistry(directory: directory.path, defaults: [], model: F.model)
        #expect(registry.vectors.map(\.name) == ["calm"])
        #expect(registry.warnings == [
            "--vectors \(directory.path): skipping README.md: not a vector file (.gguf) or JSON spec (.json)",
            "--vectors \(directory.path): skipping old.gguf: not a vector file (.gguf) or JSON spec (.json)",
        ])
    }

    @Test func twoFilesWithOneNameAreAnErrorNamingBoth() throws {
        let directory = try RegistryDirectory()
        try directory.write(F.additive(blocks: [1]), as: "happy.gguf")
        try directory.write(F.json(F.specEntry(layer: 1, s: 1)), as: "happy.json")
        let message = startError { try VectorRegistry(directory: directory.path, defaults: [], model: F.model) }
        #expect(message == "--vectors \(directory.path): happy.gguf and happy.json both register the name 'happy'; rename one")
    }

    @Test func aMissingDirectoryOrAFileIsAnErrorNamingIt() throws {
        let directory = try RegistryDirectory()
        let missing = directory.path("absent")
        #expect(startError { try VectorRegistry(directory: missing, defaults: [], model: F.model) }
                == "--vectors \(missing): no such directory")
        try directory.write(Data("x".utf8), as: "file")
        #expect(startError { try VectorRegistry(directory: directory.path("file"), defaults: [], model: F.model) }
                == "--vectors \(directory.path("file")): not a directory")
    }

    @Test func aVectorForAnotherWidthOrMoreBlocksRefusesToStartNamingTheFile() throws {
        let wide = try RegistryDirectory()
        try wide.write(F.additive(blocks: [1]), as: "good.gguf")
        try wide.write(F.additive(blocks: [1], width: 8), as: "wide.gguf")
        let message = startError { try VectorRegistry(directory: wide.path, defaults: [], model: F.model) }
        #expect(message?.hasPrefix("--vectors \(wide.path): \(wide.path("wide.gguf")):") == true)
        #expect(message?.contains("width 8") == true)

        let deep = try RegistryDirectory()
        try deep.write(F.additive(blocks: [7]), as: "deep.gguf")
        let deepMessage = startError { try VectorRegistry(directory: deep.path, defaults: [], model: F.model) }
        #expect(deepMessage?.hasPrefix("--vectors \(deep.path): \(deep.path("deep.gguf")):") == true)
        #expect(deepMessage?.contains("block 7") == true)
    }

    @Test func aSpecThatDoesNotFitTheModelRefusesToStartNamingTheFile() throws {
        let directory = try RegistryDirectory()
        try directory.write(F.json(F.specEntry(layer: 1, s: 1, v: [1, 2])), as: "short.json")
        let message = startError { try VectorRegistry(directory: directory.path, defaults: [], model: F.model) }
        #expect(message?.hasPrefix("--vectors \(directory.path): \(directory.path("short.json")) entry 0: key \"v\"") == true)
    }

    @Test func noDirectoryAndNoDefaultsRegistersNothingAndSteersNothing() throws {
        let registry = try VectorRegistry(directory: nil, defaults: [], model: F.model)
        #expect(registry.vectors.isEmpty && registry.defaults.isEmpty && registry.warnings.isEmpty)
        #expect(try registry.resolve(nil, promptLength: 5, answerStart: nil) == ResolvedSteering(sequence: nil, applied: []))
    }

    @Test func steerDefaultsAreListedWithTheirStrengthFoldedIn() throws {
        let directory = try F.standard()
        let registry = try VectorRegistry(directory: nil, defaults: [
            ScaledVectorPath(path: directory.path("happy.gguf"), strength: 0.5),
            ScaledVectorPath(path: directory.path("joy.json"), strength: -1),
        ], model: F.model)
        #expect(registry.vectors.isEmpty)
        #expect(registry.defaults == [
            AppliedSteering(name: "happy", method: "additive", strength: 1, blocks: [1, 2, 3], positions: "all"),
            AppliedSteering(name: "joy", method: "additive", strength: -3, blocks: [4], positions: "all"),
        ])
    }

    @Test func defaultsThatCannotBeAppliedTogetherOrAMissingFileRefuseToStart() throws {
        let directory = try F.standard()
        let sphere = ScaledVectorPath(path: directory.path("sphere.gguf"))
        let message = startError { try VectorRegistry(directory: nil, defaults: [sphere, sphere], model: F.model) }
        #expect(message?.hasPrefix("--steer: ") == true && message?.contains("both rotate resid_post of block 2") == true)
        let missing = directory.path("absent.gguf")
        let missingMessage = startError { try VectorRegistry(directory: nil, defaults: [ScaledVectorPath(path: missing)], model: F.model) }
        #expect(missingMessage?.hasPrefix("--steer: \(missing)") == true)
    }
}
