import Kernels
import Llama
import Testing

/// Metadata only (no tensors): enough for `LlamaConfig(from:)` when `<arch>.vocab_size` is given.
final class MetadataSource: ModelSource {
    var values: [String: Any]
    init(_ values: [String: Any]) { self.values = values }
    var sourceName: String { "test.gguf" }
    func integer(_ key: String) throws -> Int? { values[key] as? Int }
    func float(_ key: String) throws -> Float? { values[key] as? Float }
    func string(_ key: String) throws -> String? { values[key] as? String }
    func hasTensor(_ name: String) -> Bool { false }
    func tensor(_ name: String) throws -> StoredTensor { throw ModelError.missingTensor(source: sourceName, name: name) }
}

/// The hyperparameters of each architecture as llama.cpp reads them, and the errors for metadata Veer does not run.
@Suite struct ArchitectureConfigTests {
    /// Gemma 3 270M's metadata (its GGUF's values).
    static func gemma3(_ extra: [String: Any] = [:]) -> MetadataSource {
        var v: [String: Any] = [
            "general.architecture": "gemma3", "gemma3.block_count": 18, "gemma3.embedding_length": 640,
            "gemma3.feed_forward_length": 2048, "gemma3.attention.head_count": 4, "gemma3.attention.head_count_kv": 1,
            "gemma3.attention.key_length": 256, "gemma3.attention.value_length": 256, "gemma3.context_length": 32768,
            "gemma3.attention.layer_norm_rms_epsilon": Float(1e-6), "gemma3.rope.freq_base": Float(1e6),
            "gemma3.attention.sliding_window": 512, "gemma3.vocab_size": 262144]
        v.merge(extra) { $1 }
        return MetadataSource(v)
    }

    static func llama(_ arch: String = "llama", _ extra: [String: Any] = [:]) -> MetadataSource {
        var v: [String: Any] = [
            "general.architecture": arch, "\(arch).block_count": 4, "\(arch).embedding_length": 64,
            "\(arch).feed_forward_length": 128, "\(arch).attention.head_count": 4, "\(arch).attention.head_count_kv": 2,
            "\(arch).context_length": 256, "\(arch).attention.layer_norm_rms_epsilon": Float(1e-5), "\(arch).vocab_size": 300]
        v.merge(extra) { $1 }
        return MetadataSource(v)
    }

    @Test func gemma3LayersAlternateLocalAndGlobal() throws {
        let c = try LlamaConfig(from: Self.gemma3())
        #expect(c.architecture == .gemma3 && c.headDim == 256 && c.qWidth == 1024 && c.kvWidth == 256)
        // llama.cpp's pattern 6: blocks 5, 11 and 17 are global, the rest local.
        #expect((0..<18).filter { !c.isLocal(layer: $0) } == [5, 11, 17])
        #expect(c.attentionWindow(layer: 0) == 512 && c.attentionWindow(layer: 5) == 0)
        #expect(c.rope(layer: 0) == (10000, 1) && c.rope(layer: 5) == (1e6, 1))
        #expect(c.embeddingScale == Float(640).squareRoot())
        #expect(c.ropeStyle == .neox && c.activation == .geluTanh)
        let custom = try LlamaConfig(from: Self.gemma3(["gemma3.attention.sliding_window_pattern": 2,
                                                        "gemma3.rope.freq_base_swa": Float(5000),
                                                        "gemma3.rope.scaling.factor": Float(8)]))
        #expect((0..<6).filter { !custom.isLocal(layer: $0) } == [1, 3, 5])
        #expect(custom.rope(layer: 0) == (5000, 1) && custom.rope(layer: 1) == (1e6, 0.125))
    }

    @Test func llamaAndQwen2() throws {
        let llama = try LlamaConfig(from: Self.llama())
        #expect(llama.architecture == .llama && llama.ropeStyle == .adjacent && llama.activation == .silu)
        #expect(llama.embeddingScale == 1 && !llama.isLocal(layer: 0) && llama.rope(layer: 3) == (10000, 1))
        let qwen = try LlamaConfig(from: Self.llama("qwen2", ["qwen2.rope.freq_base": Float(1e6)]))
        #expect(qwen.architecture == .qwen2 && qwen.ropeStyle == .neox && qwen.ropeBase == 1e6)
        #expect(ModelArchitecture.qwen2.hasQKVBias && !ModelArchitecture.llama.hasQKVBias)
        let linear = try LlamaConfig(from: Self.llama("llama", ["llama.rope.scaling.type": "linear", "llama.rope.scaling.factor": Float(4)]))
        #expect(linear.ropeScale == 0.25)
    }

    @Test func unsupportedMetadataIsAnErrorNamingTheKey() {
        func message(_ source: MetadataSource) -> String {
            do { _ = try LlamaConfig(from: source); return "loaded" } catch { return "\(error)" }
        }
        let unknown = message(Self.llama("phi3"))
        #expect(unknown.contains("architecture 'phi3'") && unknown.contains("'gemma3'"), "\(unknown)")
        let yarn = message(Self.llama("llama", ["llama.rope.scaling.type": "yarn"]))
        #expect(yarn.contains("llama.rope.scaling.type") && yarn.contains("yarn"), "\(yarn)")
        let softcap = message(Self.gemma3(["gemma3.final_logit_softcapping": Float(30)]))
        #expect(softcap.contains("gemma3.final_logit_softcapping"), "\(softcap)")
        let window = message(Self.llama("llama", ["llama.attention.sliding_window": 16]))
        #expect(window.contains("llama.attention.sliding_window"), "\(window)")
        let values = message(Self.gemma3(["gemma3.attention.value_length": 128]))
        #expect(values.contains("gemma3.attention.value_length"), "\(values)")
        let missing = message(MetadataSource(["general.architecture": "qwen2"]))
        #expect(missing.contains("qwen2.block_count"), "\(missing)")
    }
}
