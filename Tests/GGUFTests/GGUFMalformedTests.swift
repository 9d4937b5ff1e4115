import GGUF
import Testing

/// Each way a file can be broken gives the `GGUFError` that names it.
@Suite struct GGUFMalformedTests {
    func open(_ raw: RawGGUF) throws -> GGUFFile { try GGUFFile(bytes: raw.bytes, name: "bad.gguf") }

    func kind(_ raw: RawGGUF) -> GGUFError.Kind? {
        do {
            _ = try open(raw)
            return nil
        } catch let error as GGUFError {
            #expect(error.file == "bad.gguf")
            return error.kind
        } catch {
            Issue.record("not a GGUFError: \(error)")
            return nil
        }
    }

    /// One tensor of `type` with `shape`, data of `dataBytes` bytes.
    func oneTensor(type: UInt32, shape: [Int64] = [32, 2], offset: UInt64 = 0, dataBytes: Int) -> RawGGUF {
        var raw = RawGGUF.header(tensors: 1, keys: 0)
        raw.tensor("w", shape: shape, type: type, offset: offset)
        raw.data(count: dataBytes)
        return raw
    }

    @Test func headerErrors() {
        #expect(kind(RawGGUF()) == .truncated(what: "the magic number", offset: 0, needed: 4, available: 0))
        var notGGUF = RawGGUF()
        notGGUF.bytes = Array("PK\u{03}\u{04}rest of a zip".utf8)
        #expect(kind(notGGUF) == .badMagic(found: [0x50, 0x4B, 3, 4]))
        #expect(kind(RawGGUF.header(version: 1, tensors: 0, keys: 0)) == .unsupportedVersion(1))
        #expect(kind(RawGGUF.header(version: 3 << 24, tensors: 0, keys: 0)) == .unsupportedVersion(3 << 24))
        #expect("\(GGUFError.Kind.unsupportedVersion(3 << 24))".contains("big-endian"))
        var short = RawGGUF.header(tensors: 0, keys: 0)
        short.bytes.removeLast(3)
        #expect(kind(short) == .truncated(what: "the metadata entry count", offset: 16, needed: 8, available: 5))
    }

    @Test func absurdCountsAreRefusedBeforeAllocating() {
        #expect(kind(RawGGUF.header(tensors: 0, keys: UInt64.max))
                == .countTooLarge(what: "the metadata entry count", count: UInt64.max, offset: 16, limit: 0))
        #expect(kind(RawGGUF.header(tensors: 1 << 60, keys: 0))
                == .countTooLarge(what: "the tensor count", count: 1 << 60, offset: 8, limit: 0))
        var longKey = RawGGUF.header(tensors: 0, keys: 1)
        longKey.u64(1 << 40)
        longKey.bytes.append(contentsOf: repeatElement(0x61, count: 20))
        #expect(kind(longKey) == .countTooLarge(what: "the length of metadata key #0", count: 1 << 40, offset: 24, limit: 20))
        var hugeArray = RawGGUF.header(tensors: 0, keys: 1)
        hugeArray.string("tokens")
        hugeArray.u32(9)
        hugeArray.u32(8)
        hugeArray.u64(UInt64.max / 2)
        hugeArray.u64(0)
        guard case .countTooLarge(what: "the element count of 'tokens'", count: UInt64.max / 2, offset: _, limit: 1)? = kind(hugeArray) else {
            Issue.record("huge string array not refused: \(String(describing: kind(hugeArray)))")
            return
        }
    }

    @Test func metadataErrors() {
        var badType = RawGGUF.header(tensors: 0, keys: 1)
        badType.string("k")
        badType.u32(13)
        badType.u32(0)
        #expect(kind(badType) == .invalidValueType(key: "k", raw: 13))

        var duplicate = RawGGUF.header(tensors: 0, keys: 2)
        duplicate.keyU32("k", 1)
        duplicate.keyU32("k", 2)
        #expect(kind(duplicate) == .duplicateKey("k"))

        var deep = RawGGUF.header(tensors: 0, keys: 1)
        deep.string("deep")
        deep.u32(9)
        for _ in 0..<20 { deep.u32(9); deep.u64(1) }
        deep.u32(0); deep.u64(0)
        #expect(kind(deep) == .arrayTooDeep(key: "deep", depth: 9))

        for (value, text) in [(UInt32(24), "uint32 24"), (0, "uint32 0")] {
            var alignment = RawGGUF.header(tensors: 0, keys: 1)
            alignment.keyU32("general.alignment", value)
            #expect(kind(alignment) == .invalidAlignment(found: text))
        }
        var wrongType = RawGGUF.header(tensors: 0, keys: 1)
        wrongType.string("general.alignment"); wrongType.u32(10); wrongType.u64(32)
        #expect(kind(wrongType) == .invalidAlignment(found: "uint64 32"))
    }

    @Test func tensorDirectoryErrors() throws {
        #expect(kind(oneTensor(type: 11, shape: [256, 1], dataBytes: 110)) == .unsupportedTensorType(name: "w", type: GGMLType(rawValue: 11)))
        let message = "\(GGUFError(file: "m.gguf", .unsupportedTensorType(name: "blk.0.ffn_down.weight", type: GGMLType(rawValue: 11))))"
        #expect(message.contains("'blk.0.ffn_down.weight' has type Q3_K (11)"))
        #expect(message.contains("Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K, Q8_K"))
        // The K types read: Q6_K is 210 bytes per 256 weights, and a row must be whole super-blocks.
        let q6k = try open(oneTensor(type: 14, shape: [256, 1], dataBytes: 210)).tensors[0]
        #expect(q6k.dtype == .q6_k && q6k.byteCount == 210)
        if case .invalidTensor(name: "w", let detail) = kind(oneTensor(type: 12, shape: [640, 1], dataBytes: 360)) {
            #expect(detail.contains("not a whole number of q4_k blocks of 256"))
        } else {
            Issue.record("a 640-wide q4_k row was accepted")
        }
        #expect(GGMLType(rawValue: 99).description == "unknown (99)")

        // Q4_1: 20 bytes per block of 32; two rows need 40 bytes.
        #expect(try open(oneTensor(type: 3, dataBytes: 40)).tensors[0].byteCount == 40)
        #expect(kind(oneTensor(type: 3, dataBytes: 39)) == .tensorOutOfBounds(name: "w", start: 96, byteCount: 40, fileSize: 135))
        #expect(kind(oneTensor(type: 3, offset: 1 << 62, dataBytes: 40))
                == .tensorOutOfBounds(name: "w", start: 96 + (1 << 62), byteCount: 40, fileSize: 136))
        #expect(kind(oneTensor(type: 3, offset: UInt64.max - 31, dataBytes: 40))
                == .tensorOutOfBounds(name: "w", start: .max, byteCount: 40, fileSize: 136))
        #expect(kind(oneTensor(type: 3, offset: 8, dataBytes: 40))
                == .invalidTensor(name: "w", detail: "data offset 8 is not a multiple of the alignment 32"))
        #expect(kind(oneTensor(type: 3, shape: [33, 2], dataBytes: 40))
                == .invalidTensor(name: "w", detail: "rows of 33 values are not a whole number of q4_1 blocks of 32"))
        #expect(kind(oneTensor(type: 0, shape: [-1], dataBytes: 4))
                == .invalidTensor(name: "w", detail: "negative dimension in shape [-1]"))
        #expect(kind(oneTensor(type: 0, shape: [1 << 40, 1 << 40], dataBytes: 4))
                == .invalidTensor(name: "w", detail: "shape [1099511627776, 1099511627776] has more elements than fit in 64 bits"))
        #expect(kind(oneTensor(type: 0, shape: [1, 1, 1, 1, 1], dataBytes: 4))
                == .invalidTensor(name: "w", detail: "has 5 dimensions; ggml tensors have 1...4"))

        var twice = RawGGUF.header(tensors: 2, keys: 0)
        twice.tensor("w", shape: [4], type: 0, offset: 0)
        twice.tensor("w", shape: [4], type: 0, offset: 32)
        twice.data(count: 64)
        #expect(kind(twice) == .duplicateTensor("w"))
    }

    @Test func unreadablePaths() {
        #expect(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
        do {
            _ = try GGUFFile(path: "/tmp")
            Issue.record("a directory opened as a GGUF file")
        } catch let error as GGUFError {
            #expect(error.kind == .cannotOpen(reason: "not a regular file"))
        } catch {
            Issue.record("not a GGUFError: \(error)")
        }
    }
}
