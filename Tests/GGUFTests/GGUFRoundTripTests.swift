import GGUF
import Kernels
import Testing

/// Files written by `GGUFWriter` read back with every value, type and tensor byte intact.
@Suite struct GGUFRoundTripTests {
    static let everyType: [(String, GGUFValue)] = [
        ("t.u8", .uint8(200)), ("t.i8", .int8(-100)), ("t.u16", .uint16(60_000)), ("t.i16", .int16(-30_000)),
        ("t.u32", .uint32(4_000_000_000)), ("t.i32", .int32(-2_000_000_000)),
        ("t.u64", .uint64(UInt64.max - 1)), ("t.i64", .int64(Int64.min + 1)),
        ("t.f32", .float32(-1.5e-5)), ("t.f64", .float64(3.141592653589793)), ("t.bool", .bool(true)),
        ("t.str", .string("héllo\nwörld")), ("t.empty", .string("")),
        ("t.a.u8", .array(.uint8([0, 255]))), ("t.a.i8", .array(.int8([-128, 127]))),
        ("t.a.u16", .array(.uint16([1, 65535]))), ("t.a.i16", .array(.int16([-1, 2]))),
        ("t.a.u32", .array(.uint32([7]))), ("t.a.i32", .array(.int32([-7, 0, 7]))),
        ("t.a.u64", .array(.uint64([UInt64.max]))), ("t.a.i64", .array(.int64([Int64.min]))),
        ("t.a.f32", .array(.float32([1, -2, .infinity]))), ("t.a.f64", .array(.float64([0.1]))),
        ("t.a.bool", .array(.bool([true, false]))), ("t.a.str", .array(.string(["a", "", "ü"]))),
        ("t.a.empty", .array(.int32([]))),
        ("t.a.nested", .array(.array([.string(["x"]), .float32([2, 3]), .array([.uint8([9])])]))),
    ]

    static func writer(alignment: UInt32? = nil) throws -> GGUFWriter {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("test"))
        if let alignment { writer.set("general.alignment", .uint32(alignment)) }
        for (key, value) in everyType { writer.set(key, value) }
        try writer.addTensor(name: "a", shape: [3], values: [1, 2, 3])
        try writer.addTensor(name: "b.weight", shape: [4, 2], values: (0..<8).map { Float($0) * 0.5 })
        try writer.addTensor(name: "c", shape: [1, 1, 1, 5], values: [5, 4, 3, 2, 1])
        return writer
    }

    @Test(arguments: [nil, 16, 64] as [UInt32?])
    func valuesAndTensorsRoundTrip(alignment: UInt32?) throws {
        let file = try GGUFFile(bytes: try Self.writer(alignment: alignment).serialize(), name: "roundtrip")
        #expect(file.version == 3)
        #expect(file.alignment == Int(alignment ?? 32))
        #expect(file.dataOffset % file.alignment == 0)
        for (key, value) in Self.everyType { #expect(file.metadata[key] == value, "\(key)") }
        #expect(file.metadata.keys.first == "general.architecture")
        #expect(file.tensors.map(\.name) == ["a", "b.weight", "c"])

        let b = try file.tensor(named: "b.weight")
        #expect(b.shape == [4, 2] && b.dtype == .f32 && b.byteCount == 32 && b.elementCount == 8)
        let floats = Array(file.bytes(of: b).bindMemory(to: Float.self))
        #expect(floats == (0..<8).map { Float($0) * 0.5 })
        #expect(Array(try file.tensorBytes(named: "c").bindMemory(to: Float.self)) == [5, 4, 3, 2, 1])
        for tensor in file.tensors {
            #expect(tensor.fileOffset % file.alignment == 0)
            #expect(tensor.fileOffset + tensor.byteCount <= file.fileSize)
        }
    }

    @Test func mappedFileReadsLikeMemory() throws {
        let path = TestFiles.temporaryPath("roundtrip")
        defer { _ = unlinkFile(path) }
        let writer = try Self.writer()
        try writer.write(to: path)
        let mapped = try GGUFFile(path: path)
        let inMemory = try GGUFFile(bytes: try writer.serialize(), name: "memory")
        #expect(mapped.name == path)
        #expect(mapped.fileSize == inMemory.fileSize)
        #expect(Array(mapped.fileBytes) == Array(inMemory.fileBytes))
        #expect(mapped.tensors == inMemory.tensors)
        #expect(Array(try mapped.tensorBytes(named: "a")) == Array(try inMemory.tensorBytes(named: "a")))
    }

    @Test func typedGettersThrowNamingKeyAndTypes() throws {
        let file = try GGUFFile(bytes: try Self.writer().serialize(), name: "typed.gguf")
        let m = file.metadata
        #expect(try m.uint32("t.u32") == 4_000_000_000)
        #expect(try m.string("t.str") == "héllo\nwörld")
        #expect(try m.float32("t.f32") == -1.5e-5)
        #expect(try m.int32Array("t.a.i32") == [-7, 0, 7])
        #expect(try m.stringArray("t.a.str") == ["a", "", "ü"])
        #expect(try m.integer("t.i16") == -30_000)
        #expect(try m.integer("t.u32") == 4_000_000_000)
        #expect(try m.floatingPoint("t.f32") == Double(Float(-1.5e-5)))
        #expect(try m.ifPresent("t.bool", m.bool) == true)
        #expect(try m.ifPresent("no.such.key", m.bool) == nil)

        #expect(throws: GGUFError(file: "typed.gguf", .typeMismatch(key: "t.u32", expected: "int32", found: "uint32"))) {
            try m.int32("t.u32")
        }
        #expect(throws: GGUFError(file: "typed.gguf", .typeMismatch(key: "t.a.str", expected: "array of int32",
                                                                    found: "array of 3 string"))) {
            try m.int32Array("t.a.str")
        }
        #expect(throws: GGUFError(file: "typed.gguf", .missingKey("llama.block_count"))) {
            try m.uint32("llama.block_count")
        }
        #expect(throws: GGUFError(file: "typed.gguf", .valueOutOfRange(key: "t.u64",
                                                                       detail: "18446744073709551614 does not fit in a signed 64-bit integer"))) {
            try m.integer("t.u64")
        }
        #expect(throws: GGUFError(file: "typed.gguf", .missingTensor("output.weight"))) {
            try file.tensor(named: "output.weight")
        }
        let message = "\(GGUFError(file: "typed.gguf", .typeMismatch(key: "k", expected: "int32", found: "uint32")))"
        #expect(message == "typed.gguf: metadata key 'k' is uint32, expected int32")
    }

    @Test func writerRejectsBadInput() throws {
        var writer = GGUFWriter()
        try writer.addTensor(name: "x", shape: [2], values: [1, 2])
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "x", shape: [1], values: [1]) }
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "y", shape: [3], values: [1, 2]) }
        #expect(throws: GGUFError.self) { try writer.addTensor(name: "z", shape: [1, 1, 1, 1, 1], values: [1]) }
        writer.set("general.alignment", .uint32(24))
        #expect(throws: GGUFError.self) { try writer.serialize() }
    }

    @Test func settingAKeyAgainReplacesIt() throws {
        var writer = GGUFWriter()
        writer.set("k", .uint32(1))
        writer.set("j", .string("x"))
        writer.set("k", .string("two"))
        let file = try GGUFFile(bytes: try writer.serialize(), name: "replace")
        #expect(file.metadata.keys == ["k", "j"])
        #expect(try file.metadata.string("k") == "two")
        #expect(file.tensors.isEmpty)
    }
}
