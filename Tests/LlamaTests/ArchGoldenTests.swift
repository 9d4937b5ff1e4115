import Foundation
import GGUF
import Kernels
import KernelsCPU
import KernelsVulkan
import Llama
import Testing
import TestSupport

/// Veer against llama.cpp (exact-GELU build, F32 weights) on the architectures beyond the default model: small
/// synthetic qwen2, Llama 3 (RoPE frequency factors) and gemma3 (local and global layers, a window shorter than the
/// prompts) models, regenerated from their seed, and Gemma 3 270M Q4_K_M (Q5_0, Q4_K, Q6_K and Q8_0 weights).
@Suite("architecture goldens", .serialized)
struct ArchGoldenTests {
    /// The F32 synthetic models, and the Llama 3 shape stored as Q4_K/Q5_K/Q6_K blocks (its reference is llama.cpp
    /// on the exactly dequantized copy, which Veer's f32 path computes from the K-quant file).
    static let synthetic = ["synthetic-qwen2", "synthetic-llama3", "synthetic-gemma3", "synthetic-llama3-kquant"]

    static func syntheticModel(_ name: String) throws -> (GGUFFile, ArchGoldens) {
        let goldens = try ArchGoldens.load(name)
        let key = name.hasSuffix("-kquant") ? "kquant" : "f32"
        let file = try GoldenFile.entry(goldens.models[key], in: goldens.name, named: "model '\(key)'")
        return (try GGUFFile(path: try SyntheticArchModels.path(name, sha256: file.sha256)), goldens)
    }

    @Test(arguments: synthetic) func syntheticOnCPU(_ name: String) throws {
        let (file, goldens) = try Self.syntheticModel(name)
        let model = try LlamaModel(source: file, backend: CPUBackend(), contextSize: 128, maxRows: 64)
        for prompt in goldens.prompts {
            let worst = try ArchGoldenChecks.check(model, goldens, prompt: prompt, context: "\(name) \(prompt.id) cpu")
            print("[cpu] \(name) \(prompt.id): max |logit - llama.cpp| over the shared top-20 = \(worst)")
        }
    }

    @Test(.enabled(if: VulkanModelFixture.context != nil), .exclusiveVulkan, arguments: synthetic)
    func syntheticOnVulkan(_ name: String) throws {
        let (file, goldens) = try Self.syntheticModel(name)
        let context = try #require(VulkanModelFixture.context)
        let model = try LlamaModel(source: file, backend: VulkanBackend(context: context), contextSize: 128, maxRows: 64)
        for prompt in goldens.prompts {
            let worst = try ArchGoldenChecks.check(model, goldens, prompt: prompt, context: "\(name) \(prompt.id) vulkan")
            print("[vulkan] \(name) \(prompt.id): max |logit - llama.cpp| over the shared top-20 = \(worst)")
        }
    }

    /// Gemma 3 270M: release builds only (the whole network on a 262144-token vocabulary).
    @Test(.enabled(if: ModelFixture.isRelease)) func gemmaOnCPU() throws {
        guard let path = try TestFileLocations.gemmaModelOrSkip() else { return }
        let goldens = try ArchGoldens.load("gemma3-270m")
        let model = try LlamaModel(source: try GGUFFile(path: path), backend: CPUBackend(), contextSize: 128, maxRows: 64)
        for prompt in goldens.prompts {
            let worst = try ArchGoldenChecks.check(model, goldens, prompt: prompt, context: "gemma3-270m \(prompt.id) cpu")
            print("[cpu] gemma3-270m \(prompt.id): max |logit - llama.cpp F32| over the shared top-20 = \(worst)")
        }
    }

    /// On lavapipe one prompt: the 262144-row output matmul dominates.
    @Test(.enabled(if: ModelFixture.isRelease && VulkanModelFixture.context != nil), .exclusiveVulkan) func gemmaOnVulkan() throws {
        guard let path = try TestFileLocations.gemmaModelOrSkip() else { return }
        let goldens = try ArchGoldens.load("gemma3-270m")
        let context = try #require(VulkanModelFixture.context)
        let model = try LlamaModel(source: try GGUFFile(path: path), backend: VulkanBackend(context: context),
                                   contextSize: 64, maxRows: 48)
        let prompt = try #require(goldens.prompts.first)
        let worst = try ArchGoldenChecks.check(model, goldens, prompt: prompt, context: "gemma3-270m \(prompt.id) vulkan")
        print("[vulkan] gemma3-270m \(prompt.id): max |logit - llama.cpp F32| over the shared top-20 = \(worst)")
    }
}

/// The hook sites on Gemma's extra norms: `mlp_out` is the FFN's contribution after the post-FFN norm and
/// `resid_post` the block output after the residual add, so resid_post = resid_mid + mlp_out exactly, in every
/// block (local and global), as on Llama.
@Suite struct GemmaHookSiteTests {
    final class SiteRecorder: ActivationObserver {
        var rows: [String: [Float]] = [:]
        func wants(_ site: HookSite, layer: Int) -> Bool { [.residMid, .mlpOut, .residPost].contains(site) }
        func observe<B: ComputeBackend>(_ site: HookSite, layer: Int, buffer: B.Buffer, rows: Int, width: Int, backend: B) throws {
            self.rows["\(site.rawValue)-\(layer)"] = try backend.read(buffer, count: rows * width)
        }
    }

    @Test func residPostIsResidMidPlusThePostNormedFFNOutput() throws {
        let (file, goldens) = try ArchGoldenTests.syntheticModel("synthetic-gemma3")
        let model = try LlamaModel(source: file, backend: CPUBackend(), contextSize: 64, maxRows: 64)
        let recorder = SiteRecorder()
        let prompt = try #require(goldens.prompts.last).tokens
        try model.forward(.prefill(prompt), observer: recorder)
        for layer in 0..<model.config.layers {
            let mid = try #require(recorder.rows["resid_mid-\(layer)"]), out = try #require(recorder.rows["mlp_out-\(layer)"])
            let post = try #require(recorder.rows["resid_post-\(layer)"])
            #expect(zip(zip(mid, out), post).allSatisfy { $0.0 + $0.1 == $1 }, "block \(layer)")
            #expect(out.contains { $0 != 0 })
        }
    }
}
