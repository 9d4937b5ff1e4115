import GGUF
import Llama

extension SteeringVector {
    /// Reads a vector file written by Veer, llama.cpp (`cvector-generator`) or repeng. `controlvector.layer_count`
    /// and `controlvector.model_hint` are recorded but never trusted: the directions are what the tensors hold.
    public static func load(path: String) throws -> SteeringVector {
        try load(file: GGUFFile(path: path))
    }

    /// Reads an already opened vector file (the values are copied; the file may be closed afterwards).
    public static func load(file: GGUFFile) throws -> SteeringVector {
        func fail(_ kind: SteeringVectorError.Kind) -> SteeringVectorError { SteeringVectorError(file: file.name, kind) }
        let (info, version) = try VectorFileInfoReader(file: file).read()
        var directions: [Int: [Float]] = [:]
        var tensorNames: [Int: String] = [:]
        for tensor in file.tensors {
            let block = try dataBlock(of: tensor, operation: info.operation, in: file)
            if let first = tensorNames[block] {
                throw fail(.duplicateBlock(block: block, first: first, second: tensor.name))
            }
            directions[block] = readFloats(file.bytes(of: tensor))
            tensorNames[block] = tensor.name
        }
        let width = try validate(directions, name: file.name) { tensorNames[$0]! }
        let vector = SteeringVector(checked: directions, width: width, info: info, name: file.name)
        // A version-1 reader would take a rotate file's keys for extraction notes and apply it wrongly; a file that
        // holds version-2 content must say so.
        if version != VectorFileKey.methodsFormatVersion, let content = vector.formatVersion2Content {
            throw fail(.contentNeedsNewerVersion(version: version, content: content))
        }
        try vector.checkLayout(file: file.name)
        return vector
    }

    /// The block a tensor holds the data of, after checking its name against the file's operation, and its type and
    /// shape the way llama.cpp does.
    private static func dataBlock(of tensor: GGUFTensorInfo, operation: SteeringOperation, in file: GGUFFile) throws -> Int {
        func fail(_ kind: SteeringVectorError.Kind) -> SteeringVectorError { SteeringVectorError(file: file.name, kind) }
        let name = VectorTensorName(tensor.name)
        if name == .llamaCppBlockZero { throw fail(.llamaCppBlockZero) }
        guard let (block, tensorOperation) = name.dataBlock else { throw fail(.unknownTensor(name: tensor.name)) }
        guard tensorOperation == operation else {
            throw fail(.tensorOfOtherOperation(tensor: tensor.name, operation: operation.rawValue))
        }
        guard tensor.dtype == .f32 else { throw fail(.notF32(tensor: tensor.name, type: tensor.ggmlType.name)) }
        // ggml counts dimensions without trailing 1s (ggml_n_dims), so llama.cpp takes [width, 1] as 1-D; so does Veer.
        var shape = tensor.shape
        while shape.count > 1, shape.last == 1 { shape.removeLast() }
        guard shape.count == 1 else { throw fail(.notOneDimensional(tensor: tensor.name, shape: tensor.shape)) }
        return block
    }

    /// Little-endian f32 values; the bytes need not be aligned.
    private static func readFloats(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        (0..<bytes.count / 4).map { i in
            Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        }
    }
}
