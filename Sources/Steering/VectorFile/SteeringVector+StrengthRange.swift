import Foundation
import GGUF

extension SteeringVector {
    /// Records `range` as the file's `veer.strength_range` (the strengths S of `FILE:S` that worked, e.g. from a
    /// sweep), keeping everything else: every other metadata key and value in its order, and every tensor's name,
    /// shape, type and bytes, so llama.cpp and repeng read the file as before. Replaces a range already there. The
    /// file is rewritten through a temporary file and read back as a vector before it replaces the original.
    public static func recordStrengthRange(_ range: ClosedRange<Float>, inFileAt path: String) throws {
        guard range.lowerBound.isFinite, range.upperBound.isFinite else {
            throw SteeringVectorError(file: path, .invalidValue(key: VectorFileKey.strengthRange, value: "\(range)", expected: "finite bounds"))
        }
        let file = try GGUFFile(path: path)
        _ = try SteeringVector.load(file: file)
        var writer = GGUFWriter()
        for key in file.metadata.keys { writer.set(key, file.metadata[key]!) }
        writer.set(VectorFileKey.strengthRange, .array(.float32([range.lowerBound, range.upperBound])))
        for tensor in file.tensors {
            try writer.addTensor(name: tensor.name, shape: tensor.shape, type: tensor.dtype, bytes: Array(file.bytes(of: tensor)))
        }
        let image: [UInt8]
        do { image = try writer.serialize() } catch let error as GGUFError {
            throw SteeringVectorError(file: path, .cannotWrite(reason: error.kind.description))
        }
        let written = try SteeringVector.load(file: GGUFFile(bytes: image, name: path))
        guard written.info.strengthRange == range else {
            throw SteeringVectorError(file: path, .cannotWrite(reason: "the rewritten file does not read back the range \(range)"))
        }
        do { try Data(image).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw SteeringVectorError(file: path, .cannotWrite(reason: error.localizedDescription))
        }
    }
}
