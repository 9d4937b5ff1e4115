import Foundation
import GGUF
import Testing
import TestSupport

/// Deterministic mutation fuzzing of a small valid file written by `GGUFWriter`: every prefix, every bit flip, every
/// count or length blown up, and seeded random edits. The reader must either accept a mutant (and then every tensor
/// it reports must lie inside the file) or throw `GGUFError`; any other error, crash or out-of-bounds read fails.
@Suite struct GGUFFuzzTests {
    /// The seed file: metadata of several types (strings, arrays, a nested array), two f32 tensors. A writer error
    /// fails the test that asked for the seed, not the whole test process.
    static func makeSeed() throws -> [UInt8] {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("general.alignment", .uint32(32))
        writer.set("llama.block_count", .uint32(2))
        writer.set("llama.rope.freq_base", .float32(10000))
        writer.set("tokenizer.ggml.tokens", .array(.string(["<s>", "a", "bc"])))
        writer.set("tokenizer.ggml.token_type", .array(.int32([3, 1, 1])))
        writer.set("nested", .array(.array([.uint8([1, 2]), .string(["x"])])))
        try writer.addTensor(name: "token_embd.weight", shape: [4, 3], values: (0..<12).map(Float.init))
        try writer.addTensor(name: "output_norm.weight", shape: [4], values: [1, 1, 1, 1])
        return try writer.serialize()
    }

    enum Outcome: Equatable { case accepted, rejected(String) }

    /// Opens a mutant; returns what happened. Records an issue for anything but success or `GGUFError`.
    static func outcome(_ bytes: [UInt8]) -> Outcome {
        do {
            let file = try GGUFFile(bytes: bytes, name: "mutant")
            // Touch everything an accepted file offers: all values and every tensor byte.
            for key in file.metadata.keys { _ = "\(try file.metadata.value(key))" }
            for tensor in file.tensors {
                let data = file.bytes(of: tensor)
                #expect(tensor.fileOffset >= file.dataOffset && tensor.fileOffset + tensor.byteCount <= bytes.count)
                _ = data.reduce(0) { $0 &+ $1 }
            }
            return .accepted
        } catch let error as GGUFError {
            #expect(error.file == "mutant")
            return .rejected(category(of: error.kind))
        } catch {
            Issue.record("a mutant threw \(type(of: error)) instead of GGUFError: \(error)")
            return .rejected("other")
        }
    }

    /// The error case's name: the corpus files are named after it.
    static func category(of kind: GGUFError.Kind) -> String {
        let text = "\(Mirror(reflecting: kind).children.first?.label ?? "\(kind)")"
        return text
    }

    @Test func seedFileIsValid() throws {
        let seed = try Self.makeSeed()
        let file = try GGUFFile(bytes: seed, name: "seed")
        #expect(file.tensors.count == 2 && file.metadata.count == 7)
        #expect(seed.count < 1024, "keep the seed small: every byte is mutated")
    }

    @Test func everyPrefixIsRejectedOrComplete() throws {
        let seed = try Self.makeSeed()
        let file = try GGUFFile(bytes: seed, name: "seed")
        // Everything up to the end of the last tensor's data is needed; only trailing padding may be cut.
        let needed = file.tensors.map { $0.fileOffset + $0.byteCount }.max() ?? file.dataOffset
        for length in 0..<seed.count {
            let result = Self.outcome(Array(seed[..<length]))
            if length < needed {
                #expect(result != .accepted, "prefix of \(length) bytes accepted")
            }
        }
    }

    @Test func everyBitFlip() throws {
        let seed = try Self.makeSeed()
        for offset in seed.indices {
            for bit in 0..<8 {
                var mutant = seed
                mutant[offset] ^= 1 << bit
                _ = Self.outcome(mutant)
            }
        }
    }

    /// Every position overwritten with huge or boundary values, as 8- and 4-byte little-endian numbers: this hits
    /// every count, length, dimension, type and offset field.
    @Test func countsAndLengthsBlownUp() throws {
        let seed = try Self.makeSeed()
        let values: [UInt64] = [.max, .max / 2, 1 << 63, 1 << 32, UInt64(seed.count), UInt64(seed.count) + 1,
                                0, 0xFFFF_FFFF, 0x7FFF_FFFF]
        for offset in seed.indices {
            for value in values {
                for width in [8, 4] where offset + width <= seed.count {
                    var mutant = seed
                    for i in 0..<width { mutant[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
                    _ = Self.outcome(mutant)
                }
            }
        }
    }

    @Test func seededRandomEdits() throws {
        let seed = try Self.makeSeed()
        var rng = SplitMix64(seed: 0x5EED_6667)
        var rejected = 0
        for _ in 0..<4000 {
            let mutant = Self.mutate(seed, rng: &rng)
            if case .rejected = Self.outcome(mutant) { rejected += 1 }
        }
        #expect(rejected > 1000, "the mutations should mostly break the file")
    }

    /// One to four random edits: set a byte, insert or delete a run, duplicate a chunk, write a huge number.
    static func mutate(_ input: [UInt8], rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.insert(contentsOf: (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &rng)))
            case 3:
                let end = min(bytes.count, at + Int.random(in: 1...64, using: &rng))
                bytes.insert(contentsOf: bytes[at..<end], at: Int.random(in: 0...bytes.count, using: &rng))
            default:
                let value = UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...40, using: &rng)
                for i in 0..<min(8, bytes.count - at) { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            }
        }
        return bytes
    }

    /// Regenerates Tests/GGUFTests/FuzzCorpus: for each error category, the first seeded mutant that produced it,
    /// the longest rejected prefix, and hand-made files for the paths random edits rarely reach (duplicates, deep
    /// nesting). Opt-in (VEER_WRITE_FUZZ_CORPUS=1) so a normal test run never writes into the source tree.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VEER_WRITE_FUZZ_CORPUS"] == "1"))
    func writeCorpus() throws {
        let seed = try Self.makeSeed()
        var corpus: [String: [UInt8]] = [:]
        func add(_ bytes: [UInt8], suffix: String = "") {
            guard case let .rejected(category) = Self.outcome(bytes) else { return }
            let name = suffix.isEmpty ? category : "\(category)-\(suffix)"
            if corpus[name] == nil { corpus[name] = bytes }
        }
        var rng = SplitMix64(seed: 0x5EED_6667)
        for _ in 0..<4000 { add(Self.mutate(seed, rng: &rng)) }
        for length in 0..<seed.count { add(Array(seed.prefix(length)), suffix: "prefix") }

        var duplicateKey = RawGGUF.header(tensors: 0, keys: 2)
        duplicateKey.keyU32("llama.block_count", 1)
        duplicateKey.keyU32("llama.block_count", 2)
        add(duplicateKey.bytes, suffix: "handmade")
        var duplicateTensor = RawGGUF.header(tensors: 2, keys: 0)
        duplicateTensor.tensor("blk.0.attn_q.weight", shape: [4], type: 0, offset: 0)
        duplicateTensor.tensor("blk.0.attn_q.weight", shape: [4], type: 0, offset: 32)
        duplicateTensor.data(count: 48)
        add(duplicateTensor.bytes, suffix: "handmade")
        var deep = RawGGUF.header(tensors: 0, keys: 1)
        deep.string("deep")
        deep.u32(9)
        for _ in 0..<64 { deep.u32(9); deep.u64(1) }
        deep.u32(0); deep.u64(0)
        add(deep.bytes, suffix: "handmade")

        for (name, bytes) in corpus {
            try Data(bytes).write(to: URL(fileURLWithPath: "\(TestFiles.fuzzCorpus)/\(name).bin"))
        }
    }
}

/// Replays the corpus: each file is a mutant that once exercised one rejection path, named after its error category.
@Suite struct GGUFFuzzCorpusTests {
    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: TestFiles.fuzzCorpus)) ?? []
        return names.filter { $0.hasSuffix(".bin") }.sorted()
    }()

    @Test func corpusIsPresent() {
        #expect(Self.files.count >= 8, "FuzzCorpus should hold the representative mutants")
    }

    @Test(arguments: files)
    func replay(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(TestFiles.fuzzCorpus)/\(name)")))
        let category = String(name.dropLast(".bin".count).split(separator: "-")[0])
        #expect(GGUFFuzzTests.outcome(bytes) == .rejected(category))
    }
}
