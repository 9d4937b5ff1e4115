import GGUF
import Kernels
import Testing
import TestSupport

/// The default model (SmolLM2-135M-Instruct Q4_1) read through the mapping: its hyperparameters and tensor directory
/// as llama.cpp reports them.
@Suite struct GGUFModelTests {
    @Test func smolLM2MetadataAndTensors() throws {
        guard let path = try TestFileLocations.defaultModelOrSkip() else { return }
        let file = try GGUFFile(path: path)
        let m = file.metadata
        #expect(file.version == 3)
        #expect(file.alignment == 32)
        #expect(try m.string("general.architecture") == "llama")
        #expect(try m.uint32("llama.block_count") == 30)
        #expect(try m.uint32("llama.embedding_length") == 576)
        #expect(try m.uint32("llama.feed_forward_length") == 1536)
        #expect(try m.uint32("llama.attention.head_count") == 9)
        #expect(try m.uint32("llama.attention.head_count_kv") == 3)
        #expect(try m.uint32("llama.context_length") == 8192)
        #expect(try m.float32("llama.rope.freq_base") == 100_000)
        #expect(try m.float32("llama.attention.layer_norm_rms_epsilon") == 1e-5)
        #expect(try m.uint32("llama.vocab_size") == 49152)
        #expect(try m.stringArray("tokenizer.ggml.tokens").count == 49152)
        #expect(try m.stringArray("tokenizer.ggml.merges").count == 48900)
        #expect(try m.string("tokenizer.ggml.pre") == "smollm")
        #expect(try m.bool("tokenizer.ggml.add_bos_token") == false)
        #expect(throws: GGUFError.self) { try m.string("llama.block_count") }

        // 30 blocks of 9 tensors, the embedding table and the final norm; the output matrix is tied to the embedding.
        #expect(file.tensors.count == 272)
        #expect(!file.hasTensor("output.weight"))
        let embedding = try file.tensor(named: "token_embd.weight")
        #expect(embedding.dtype == .q8_0 && embedding.shape == [576, 49152])
        #expect(embedding.byteCount == 49152 * (576 / 32) * 34)
        for block in 0..<30 {
            for name in ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"] {
                let tensor = try file.tensor(named: "blk.\(block).\(name).weight")
                #expect(tensor.dtype == .q4_1, "blk.\(block).\(name).weight")
            }
            #expect(try file.tensor(named: "blk.\(block).attn_norm.weight").dtype == .f32)
            #expect(try file.tensor(named: "blk.\(block).ffn_norm.weight").dtype == .f32)
        }
        #expect(try file.tensor(named: "blk.0.attn_k.weight").shape == [576, 192])
        #expect(try file.tensor(named: "blk.0.ffn_down.weight").shape == [1536, 576])
        #expect(try file.tensor(named: "output_norm.weight").shape == [576])

        var end = 0
        for tensor in file.tensors {
            #expect(tensor.fileOffset >= file.dataOffset && tensor.fileOffset % 32 == 0)
            #expect(tensor.byteCount == tensor.dtype.rowBytes(tensor.shape[0]) * tensor.shape.dropFirst().reduce(1, *))
            #expect(tensor.fileOffset + tensor.byteCount <= file.fileSize)
            end = max(end, tensor.fileOffset + tensor.byteCount)
        }
        #expect(end == file.fileSize)

        // The first f32 norm weights are ordinary numbers read straight from the mapping.
        let norm = file.bytes(of: try file.tensor(named: "blk.0.attn_norm.weight")).bindMemory(to: Float.self)
        #expect(norm.count == 576 && norm.allSatisfy { $0.isFinite } && norm.contains { $0 != 0 })
    }
}
