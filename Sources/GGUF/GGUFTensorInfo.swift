import Kernels

/// One entry of the tensor directory, checked when the file was opened: a supported type, a whole number of blocks
/// per row, an aligned offset and data that lies inside the file.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name, unique in its file (`blk.0.attn_q.weight`).
    public let name: String
    /// GGUF order: `shape[0]` (ne0) is the innermost, contiguous dimension, so a weight matrix [n, k] is [k, n].
    public let shape: [Int]
    /// How the elements are stored.
    public let dtype: DType
    /// Offset of the data from the start of the tensor data section, as stored in the file.
    public let relativeOffset: Int
    /// Offset of the data from the start of the file.
    public let fileOffset: Int
    /// Bytes of data: whole blocks of `dtype` for every row.
    public let byteCount: Int

    /// The ggml type id of `dtype`.
    public var ggmlType: GGMLType { GGMLType(dtype) }
    /// The number of elements: the product of `shape`.
    public var elementCount: Int { shape.reduce(1, *) }
}

extension GGUFTensorInfo {
    /// Checks one directory entry and computes its size. `dataOffset` is where the data section starts.
    init(name: String, shape: [Int64], type: GGMLType, offset: UInt64, alignment: Int, dataOffset: Int,
         fileSize: Int, file: String) throws {
        func invalid(_ detail: String) -> GGUFError { GGUFError(file: file, .invalidTensor(name: name, detail: detail)) }
        guard let dtype = type.dtype else { throw GGUFError(file: file, .unsupportedTensorType(name: name, type: type)) }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw invalid("negative dimension in shape \(shape)") }

        // Element count and byte size with overflow checks: the numbers come from the file.
        var elements: Int64 = 1
        for dim in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw invalid("shape \(shape) has more elements than fit in 64 bits") }
            elements = product
        }
        let rowLength = shape[0]
        guard rowLength % Int64(dtype.blockSize) == 0 else {
            throw invalid("rows of \(rowLength) values are not a whole number of \(dtype) blocks of \(dtype.blockSize)")
        }
        let blocks = elements / Int64(dtype.blockSize)
        let (bytes, overflow) = blocks.multipliedReportingOverflow(by: Int64(dtype.blockBytes))
        guard !overflow else { throw invalid("shape \(shape) needs more bytes than fit in 64 bits") }

        guard offset % UInt64(alignment) == 0 else {
            throw invalid("data offset \(offset) is not a multiple of the alignment \(alignment)")
        }
        let start = UInt64(dataOffset).addingReportingOverflow(offset)
        let end = start.partialValue.addingReportingOverflow(UInt64(bytes))
        guard !start.overflow, !end.overflow, end.partialValue <= UInt64(fileSize) else {
            // A start past 2^64 is reported as UInt64.max rather than wrapped around.
            throw GGUFError(file: file, .tensorOutOfBounds(name: name, start: start.overflow ? .max : start.partialValue,
                                                           byteCount: UInt64(bytes), fileSize: fileSize))
        }
        self.name = name
        self.shape = shape.map { Int($0) }
        self.dtype = dtype
        self.relativeOffset = Int(offset)
        self.fileOffset = Int(start.partialValue)
        self.byteCount = Int(bytes)
    }
}
