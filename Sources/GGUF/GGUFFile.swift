// GGUF, the file format of ggml and llama.cpp (versions 2 and 3; both lay out bytes identically, version 3 only
// added big-endian files, which this reader rejects). All numbers are little-endian.
//
//   header      magic      4 bytes  "GGUF"
//               version    u32      2 or 3 (version 1 used 32-bit counts and is not read)
//               n_tensors  u64      entries in the tensor directory
//               n_kv       u64      metadata entries
//   metadata    n_kv times:
//               key        string   (u64 byte length, then UTF-8 bytes, no terminator), unique
//               type       u32      gguf_type: 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool (1 byte),
//                                   8 string, 9 array, 10 u64, 11 i64, 12 f64
//               value               the value; an array is: element type u32, count u64, then the elements
//                                   back to back (arrays of strings and of arrays are allowed)
//   tensors     n_tensors times:
//               name       string   unique
//               n_dims     u32      1...4
//               ne         n_dims x i64, ne[0] first: the innermost, contiguous dimension
//               type       u32      ggml_type (0 F32, 1 F16, 2 Q4_0, 3 Q4_1, 8 Q8_0 are read here)
//               offset     u64      start of the data relative to the data section; a multiple of the alignment
//   padding     zero bytes up to the next multiple of the alignment
//   data        the tensor data section; each tensor's bytes: ne[0] / block_size blocks per row, rows = ne[1]*ne[2]*...
//
// The alignment is the metadata value `general.alignment` (a u32 power of two) or 32. Every count and length in
// the file is bounded by the bytes left before anything is allocated, so a corrupt or hostile file is an error
// (`GGUFError`, naming the file and what is wrong), never a crash or an out-of-bounds read.

import Kernels

/// A GGUF file, memory-mapped read-only: its metadata and tensor directory, checked when opened, and the tensors'
/// bytes as pointers into the mapping (no copy). Buffers from `bytes(of:)` are valid while the `GGUFFile` lives.
public final class GGUFFile: Sendable {
    /// The path, or the name given to an in-memory file; used in every error.
    public let name: String
    /// The format version from the header: 2 or 3.
    public let version: UInt32
    /// The key-value section.
    public let metadata: GGUFMetadata
    /// `general.alignment`, or 32.
    public let alignment: Int
    /// Byte offset of the tensor data section.
    public let dataOffset: Int
    /// The tensor directory, in file order.
    public let tensors: [GGUFTensorInfo]
    private let tensorIndex: [String: Int]
    private let storage: GGUFStorage

    /// Opens and maps the file at `path` and checks its header, metadata and tensor directory.
    public convenience init(path: String) throws {
        try self.init(storage: GGUFStorage(mapping: path), name: path)
    }

    /// Reads a GGUF image held in memory (a copy is kept); `name` stands for the file in errors.
    public convenience init(bytes: [UInt8], name: String) throws {
        try self.init(storage: GGUFStorage(copying: bytes), name: name)
    }

    private init(storage: GGUFStorage, name: String) throws {
        var parser = GGUFParser(bytes: storage.bytes, file: name)
        let parsed = try parser.parse()
        self.storage = storage
        self.name = name
        self.version = parsed.version
        self.metadata = parsed.metadata
        self.alignment = parsed.alignment
        self.dataOffset = parsed.dataOffset
        self.tensors = parsed.tensors
        self.tensorIndex = Dictionary(uniqueKeysWithValues: parsed.tensors.enumerated().map { ($1.name, $0) })
    }

    /// Size of the file in bytes.
    public var fileSize: Int { storage.bytes.count }

    /// Whether the tensor directory has an entry called `name`.
    public func hasTensor(_ name: String) -> Bool { tensorIndex[name] != nil }

    /// The directory entry for `name`, or `missingTensor`.
    public func tensor(named name: String) throws -> GGUFTensorInfo {
        guard let index = tensorIndex[name] else { throw GGUFError(file: self.name, .missingTensor(name)) }
        return tensors[index]
    }

    /// The tensor's bytes inside the mapping (checked to lie inside the file when it was opened).
    public func bytes(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        precondition(tensor.fileOffset + tensor.byteCount <= storage.bytes.count, "tensor from another file")
        return UnsafeRawBufferPointer(rebasing: storage.bytes[tensor.fileOffset..<tensor.fileOffset + tensor.byteCount])
    }

    /// The bytes of the tensor called `name`, or `missingTensor`.
    public func tensorBytes(named name: String) throws -> UnsafeRawBufferPointer {
        try bytes(of: tensor(named: name))
    }

    /// The whole file, for tools that need to look at raw bytes (checksums, dumps).
    public var fileBytes: UnsafeRawBufferPointer { storage.bytes }
}
