import Foundation
import Kernels
import KernelsCPU
import KernelsVulkan
import Llama
import Testing
import TestSupport
@testable import Steering

/// Captures golden tokens and checks them against llama.cpp's hidden states, then checks the capture machinery
/// (reducers, packing, blocks) against itself and against plain forward passes.
extension SteeringModelTests {
    @Suite("Capture on the CPU backend") struct CaptureModelTests {
        let model: LlamaModel<CPUBackend>
        let goldens: [ModelGoldens.Prompt]
        init() throws {
            model = try SteeringModelFixture.cpu
            goldens = try ModelGoldens.shared.prompts
        }

        /// All six golden prompts in one capture (one packed pass): resid_post and resid_mid at the last token of
        /// every block against llama.cpp F32 `l_out-L` and `ffn_inp-L`.
        @Test func lastTokenMatchesTheGoldenHiddenStates() throws {
            let texts = goldens.map(\.tokens)
            let blocks = Array(0..<model.config.layers)
            for (site, prefix) in [(HookSite.residPost, "l_out"), (.residMid, "ffn_inp")] {
                let captured = try ActivationCapture(model: model).capture(texts, CaptureRequest(site: site, layers: blocks, reduction: .last))
                #expect(captured.tokenCounts == texts.map(\.count))
                var worst = 0.0, worstFirst8 = 0.0
                for (t, prompt) in goldens.enumerated() {
                    for layer in blocks {
                        let golden = try #require(prompt.reference_f32_weights.last_pos_hidden?["\(prefix)-\(layer)"])
                        let (relative, bad, first8, _) = golden.compare(captured.rows(text: t, layer: layer))
                        worst = max(worst, relative)
                        worstFirst8 = max(worstFirst8, first8)
                        #expect(relative <= ModelTolerance.hiddenStateRelativeL2, "\(prompt.id) \(prefix)-\(layer): relative l2 error \(relative)")
                        #expect(bad.isEmpty, "\(prompt.id) \(prefix)-\(layer): first-8 values \(bad) differ")
                    }
                }
                print("[capture] \(site.rawValue)/last, 6 prompts x \(blocks.count) blocks: max relative l2 error vs F32 golden = \(worst), first-8 values = \(worstFirst8)")
            }
        }

        @Test func reducersAgreeWithEveryTokenRows() throws {
            let texts = [goldens[1].tokens, goldens[4].tokens]
            let layers = [0, 7, 29]
            func capture(_ reduction: TokenReduction) throws -> CapturedActivations {
                try ActivationCapture(model: model).capture(texts, CaptureRequest(site: .mlpOut, layers: layers, reduction: reduction))
            }
            let all = try capture(.none), mean = try capture(.mean), last = try capture(.last)
            let minusOne = try capture(.index(-1)), first = try capture(.index(0))
            #expect(all.layers[7]!.count == (texts[0].count + texts[1].count) * model.config.width)
            let w = model.config.width
            for layer in layers {
                expectBitIdentical(Array(minusOne.layers[layer]!), last.layers[layer]!, "index:-1 vs last at \(layer)")
                for t in texts.indices {
                    let rows = Array(all.rows(text: t, layer: layer)), n = texts[t].count
                    expectBitIdentical(Array(last.rows(text: t, layer: layer)), Array(rows[(n - 1) * w ..< n * w]), "last, text \(t)")
                    expectBitIdentical(Array(first.rows(text: t, layer: layer)), Array(rows[0..<w]), "index:0, text \(t)")
                    let average = (0..<w).map { i in Float(stride(from: i, to: rows.count, by: w).map { Double(rows[$0]) }.reduce(0, +) / Double(n)) }
                    expectClose(Array(mean.rows(text: t, layer: layer)), average, nmse: 1e-12, "mean, text \(t), layer \(layer)")
                }
            }
        }

        /// Six texts share one pass (one slot each); alone, each gives bit-identical rows.
        @Test func packedTextsEqualSingleTexts() throws {
            let texts = goldens.map(\.tokens)
            let request = CaptureRequest(site: .headsConcat, layers: [2, 20], reduction: .mean)
            let packed = try ActivationCapture(model: model).capture(texts, request)
            for (t, text) in texts.enumerated() {
                let single = try ActivationCapture(model: model).capture([text], request)
                for layer in request.layers {
                    expectBitIdentical(Array(packed.rows(text: t, layer: layer)), Array(single.rows(text: 0, layer: layer)), "text \(t), layer \(layer)")
                }
            }
        }

        /// A 230-token text, more than the 160 rows a pass holds, runs in two blocks (160 + 70); it matches a plain
        /// prefill in blocks of 100 and, on its first 150 tokens, a capture of those tokens alone.
        @Test func textsLongerThanAPassRunInBlocks() throws {
            let text = Array(goldens.flatMap(\.tokens).prefix(119) + goldens.reversed().flatMap(\.tokens).prefix(111))
            #expect(text.count == 230 && text.count > model.maxRows)
            let layers = [0, 15, 29]
            let request = CaptureRequest(site: .residPost, layers: layers, reduction: .none)
            let captured = try ActivationCapture(model: model).capture([text], request)
            let prefix = try ActivationCapture(model: model).capture([Array(text.prefix(150))], request)
            let reference = RowRecorder(layers: layers)
            for start in stride(from: 0, to: text.count, by: 100) {
                let block = Array(text[start ..< min(start + 100, text.count)])
                try model.forward(ForwardBatch(tokens: block, slots: [Int32](repeating: 0, count: block.count),
                                               positions: (start ..< start + block.count).map { Int32($0) }, logitRows: []),
                                  observer: reference)
            }
            let w = model.config.width
            for layer in layers {
                expectClose(captured.layers[layer]!, reference.rows[layer]!, nmse: 1e-10, "layer \(layer) vs prefill in blocks of 100")
                expectBitIdentical(Array(captured.layers[layer]![..<(150 * w)]), prefix.layers[layer]!, "layer \(layer), first 150 tokens")
            }
        }

        @Test func aTextLongerThanTheContextIsNamed() throws {
            let long = [Int32](repeating: 28, count: 300)
            #expect(throws: CaptureError.textLongerThanContext(text: 1, tokens: 300, context: 256)) {
                try ActivationCapture(model: model).capture([goldens[0].tokens, long], CaptureRequest(site: .residPost, layers: [0], reduction: .last))
            }
            #expect(throws: CaptureError.indexOutsideText(text: 0, index: 5, tokens: 5)) {
                try ActivationCapture(model: model).capture([goldens[0].tokens], CaptureRequest(site: .residPost, layers: [0], reduction: .index(5)))
            }
        }
    }

    /// The same capture on the Vulkan backend (lavapipe in CI), with validation on.
    @Suite("Capture on the Vulkan backend", .enabled(if: VulkanModelFixture.enabled), .exclusiveVulkan)
    struct VulkanCaptureTests {
        @Test func lastTokenMatchesTheGoldenHiddenStates() throws {
            let backend = try ValidatedVulkan.makeBackend()
            try ValidatedVulkan.withValidation(of: backend) {
                let model = try LlamaModel(source: ModelFixture.file, backend: backend, slots: 2, contextSize: 64, maxRows: 32)
                let goldens = try Array(ModelGoldens.shared.prompts.prefix(2))
                let blocks = Array(0..<model.config.layers)
                let captured = try ActivationCapture(model: model).capture(goldens.map(\.tokens),
                                                                           CaptureRequest(site: .residPost, layers: blocks, reduction: .last))
                var worst = 0.0, worstFirst8 = 0.0
                for (t, prompt) in goldens.enumerated() {
                    for layer in blocks {
                        let golden = try #require(prompt.reference_f32_weights.last_pos_hidden?["l_out-\(layer)"])
                        let (relative, bad, first8, _) = golden.compare(captured.rows(text: t, layer: layer))
                        worst = max(worst, relative)
                        worstFirst8 = max(worstFirst8, first8)
                        #expect(relative <= ModelTolerance.hiddenStateRelativeL2 && bad.isEmpty,
                                "\(prompt.id) l_out-\(layer): relative l2 error \(relative), first-8 \(bad)")
                    }
                }
                print("[capture] vulkan resid_post/last, P1+P2 x \(blocks.count) blocks: max relative l2 error = \(worst), first-8 values = \(worstFirst8)")
            }
        }
    }
}

/// Appends every row of resid_post at some layers, pass after pass: [tokens so far, width] per layer.
final class RowRecorder: ActivationObserver {
    let layers: Set<Int>
    var rows: [Int: [Float]] = [:]
    init(layers: [Int]) { self.layers = Set(layers) }
    func wants(_ site: HookSite, layer: Int) -> Bool { site == .residPost && layers.contains(layer) }
    func observe<B: ComputeBackend>(_ site: HookSite, layer: Int, buffer: B.Buffer, rows: Int, width: Int, backend: B) throws {
        self.rows[layer, default: []] += try backend.read(buffer, count: rows * width)
    }
}
