import Foundation
import Testing
import TestSupport
@testable import Steering

/// .safetensors and .npy files read back by an independent parser here, and by Python (json + struct, numpy) when
/// python3 with numpy is installed (required under CI=true).
@Suite("Tensor files") struct CaptureTensorFileTests {
    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appending(path: "veer-\(UUID().uuidString)-\(name)")
    }

    static func littleEndianFloats(_ bytes: ArraySlice<UInt8>) -> [Float] {
        let b = Array(bytes)
        return stride(from: 0, to: b.count, by: 4).map {
            Float(bitPattern: UInt32(b[$0]) | UInt32(b[$0 + 1]) << 8 | UInt32(b[$0 + 2]) << 16 | UInt32(b[$0 + 3]) << 24)
        }
    }

    static let a: [Float] = [1, -2.5, 3e-7, .greatestFiniteMagnitude, -0.0, 7]       // [2, 3]
    static let b: [Float] = (0..<8).map { Float($0) * 0.25 }                          // [2, 2, 2]

    @Test func safetensorsReadsBackPerTheSpec() throws {
        let url = Self.temporary("t.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafetensorsWriter.write([.init(name: "resid_post.3", shape: [2, 3], values: Self.a),
                                     .init(name: "resid_post.\"odd\"", shape: [2, 2, 2], values: Self.b)],
                                    metadata: ["token_counts": "[3,4]", "note": "line\nbreak"], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        #expect((8 + n) % 8 == 0, "data should start 8-byte aligned")
        let headerBytes = bytes[8 ..< 8 + n]
        #expect(headerBytes.first == UInt8(ascii: "{"))
        let header = try #require(try JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any])
        #expect(header["__metadata__"] as? [String: String] == ["token_counts": "[3,4]", "note": "line\nbreak"])
        let data = bytes[(8 + n)...]
        var covered = 0
        for (name, values, shape) in [("resid_post.3", Self.a, [2, 3]), ("resid_post.\"odd\"", Self.b, [2, 2, 2])] {
            let entry = try #require(header[name] as? [String: Any], "\(name) missing")
            #expect(entry["dtype"] as? String == "F32")
            #expect(entry["shape"] as? [Int] == shape)
            let offsets = try #require(entry["data_offsets"] as? [Int])
            #expect(offsets[0] == covered, "tensors must be contiguous in header order")
            covered = offsets[1]
            let read = Self.littleEndianFloats(data[data.startIndex + offsets[0] ..< data.startIndex + offsets[1]])
            #expect(read.map(\.bitPattern) == values.map(\.bitPattern))
        }
        #expect(covered == data.count, "the data must hold exactly the tensors")
    }

    @Test func npyReadsBackPerTheFormat() throws {
        let url = Self.temporary("t.npy")
        defer { try? FileManager.default.removeItem(at: url) }
        try NpyWriter.write(Self.a, shape: [2, 3], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + length) % 64 == 0)
        let header = String(decoding: bytes[10 ..< 10 + length], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(header.hasSuffix("\n"))
        #expect(Self.littleEndianFloats(bytes[(10 + length)...]).map(\.bitPattern) == Self.a.map(\.bitPattern))
        let oneD = try NpyWriter.headerBytes(shape: [5], values: 5, file: "x")
        #expect(String(decoding: oneD[10...], as: UTF8.self).contains("'shape': (5,)"))
    }

    @Test func badShapesAndNamesAreRejectedByName() throws {
        let url = Self.temporary("bad.safetensors")
        #expect(throws: TensorFileError.shapeMismatch(file: url.path, tensor: "x", shape: [2, 2], values: 3)) {
            try SafetensorsWriter.write([.init(name: "x", shape: [2, 2], values: [1, 2, 3])], to: url)
        }
        #expect(throws: TensorFileError.duplicateName(file: url.path, tensor: "x")) {
            try SafetensorsWriter.write([.init(name: "x", shape: [1], values: [1]), .init(name: "x", shape: [1], values: [2])], to: url)
        }
        #expect(throws: TensorFileError.reservedName(file: url.path, tensor: "__metadata__")) {
            try SafetensorsWriter.write([.init(name: "__metadata__", shape: [1], values: [1])], to: url)
        }
        #expect(throws: TensorFileError.shapeMismatch(file: url.path, tensor: "array", shape: [4], values: 3)) {
            try NpyWriter.write([1, 2, 3], shape: [4], to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path), "nothing is written when the input is bad")
    }

    /// numpy.load for the .npy; json + struct for the safetensors header and data (the safetensors package is not
    /// required).
    @Test func pythonReadsBothFiles() throws {
        if let reason = PythonNumpy.reason {
            if VulkanTestDevice.isCI { Issue.record("python3 with numpy is required under CI: \(reason)") }
            else { print("Python check skipped: \(reason)") }
            return
        }
        let npy = Self.temporary("p.npy"), st = Self.temporary("p.safetensors")
        defer { try? FileManager.default.removeItem(at: npy); try? FileManager.default.removeItem(at: st) }
        try NpyWriter.write(Self.b, shape: [2, 2, 2], to: npy)
        try SafetensorsWriter.write([.init(name: "first", shape: [2, 3], values: Self.a), .init(name: "second", shape: [8], values: Self.b)],
                                    metadata: ["k": "v"], to: st)
        let script = """
            import json, struct, sys, numpy as np
            a = np.load(sys.argv[1])
            assert a.dtype == np.dtype('<f4') and a.shape == (2, 2, 2) and a.flags['C_CONTIGUOUS'], (a.dtype, a.shape)
            assert a.ravel().tolist() == [i * 0.25 for i in range(8)], a
            raw = open(sys.argv[2], 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            h = json.loads(raw[8:8 + n])
            assert h['__metadata__'] == {'k': 'v'}, h
            data = raw[8 + n:]
            second = h['second']
            x = np.frombuffer(data[second['data_offsets'][0]:second['data_offsets'][1]], dtype='<f4').reshape(second['shape'])
            assert x.tolist() == [i * 0.25 for i in range(8)], x
            first = h['first']
            y = np.frombuffer(data[first['data_offsets'][0]:first['data_offsets'][1]], dtype='<f4').reshape(first['shape'])
            assert y.shape == (2, 3) and y[0, 1] == -2.5 and y[1, 2] == 7, y
            print('ok')
            """
        let result = try PythonNumpy.run(script: script, arguments: [npy.path, st.path])
        #expect(result.status == 0 && result.output.contains("ok"), "python: \(result.output)")
    }
}

/// python3 with numpy, when this machine has it.
enum PythonNumpy {
    static let reason: String? = {
        guard let result = try? run(script: "import numpy", arguments: []) else { return "python3 cannot be started" }
        return result.status == 0 ? nil : "python3 with numpy is not installed (\(result.output.prefix(200)))"
    }()

    /// Runs `python3 -c script arguments...` (found on PATH); stdout and stderr together.
    static func run(script: String, arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
