import Foundation
import Testing
import TestSupport

/// Every configuration of steering-reference.json, written as a JSON spec from its params and method, through the
/// CLI: `veer logits --precision f32 --top 20 --steer spec.json` within `ModelTolerance.top20VersusF32` of the
/// reference's top-20, and `veer generate --temperature 0 --ignore-eos -n 16` (KV-cache decode) on its greedy tokens
/// up to `greedy_first_low_margin_step`. CPU: both prompts; Vulkan: P1.
@Suite("veer --steer spec.json against the steering reference", .enabled(if: ModelFixture.enabled))
struct SteerSpecGoldenCLITests {
    let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory() }

    /// The spec of configuration `id`: its params object exactly as the golden has it, plus its method and id.
    static func writeSpec(_ id: String, in directory: URL) throws -> String {
        let path = try GoldenFile.path(SteeringReference.fileName)
        let golden = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let configs = try #require(golden["configs"] as? [[String: Any]])
        let config = try #require(configs.first { $0["id"] as? String == id }, "no configuration \(id)")
        var params = try #require(config["params"] as? [String: Any])
        params["method"] = config["method"]
        params["id"] = id
        let spec = directory.appending(path: "\(id).json")
        try JSONSerialization.data(withJSONObject: params).write(to: spec)
        return spec.path
    }

    /// The steered top-20 against the reference's: at least 18 shared ids, all within the tolerance.
    static func expectTop20(_ top: [[Double]], _ reference: [[Double]], _ context: String) -> Double {
        let ours = Dictionary(uniqueKeysWithValues: top.map { (Int($0[0]), $0[1]) })
        let shared = reference.compactMap { pair in ours[Int(pair[0])].map { abs($0 - pair[1]) } }
        let worst = shared.max() ?? .infinity
        #expect(shared.count >= 18, "\(context): \(shared.count) shared ids")
        #expect(worst <= Double(ModelTolerance.top20VersusF32), "\(context): max |logit - reference| = \(worst)")
        return worst
    }

    /// `logits` and `generate` with the spec of `id` on `prompt`, checked against the reference.
    /// With `asVectorFile`, the spec is first converted to its vector file (`veer vector convert`), which then steers.
    func check(_ id: String, prompt: String, backend: String, asVectorFile: Bool = false) throws {
        var spec = try Self.writeSpec(id, in: scratch.url)
        if asVectorFile {
            let file = scratch.url.appending(path: "\(id).gguf").path
            let convert = try VeerProcess.run(["vector", "convert", spec, "--out", file])
            #expect(convert.status == 0, "\(id): convert stderr: \(convert.stderr)")
            spec = file
        }
        let result = try SteeringReference.config(id).result(prompt)
        let text = try ModelGoldens.prompt(prompt).text
        let tokens = try SteeringReference.tokens(prompt)
        let context = "\(id) \(prompt) \(backend)"

        let logits = try VeerProcess.run(["logits", "--backend", backend, "--precision", "f32", "--top", "20", "--json",
                                          "--steer", spec, text])
        #expect(logits.status == 0, "\(context) stderr: \(logits.stderr)")
        let json = try #require(try logits.json() as? [String: Any])
        #expect((json["tokens"] as? [Int])?.map(Int32.init) == tokens, "\(context): prompt tokens")
        let worst = Self.expectTop20(try #require(json["top"] as? [[Double]]), result.last_top20, context)
        let entry = try #require((VeerProcess.steeringManifest(json)?["entries"] as? [[String: Any]])?.first)
        #expect(entry["method"] as? String == (try SteeringReference.config(id).method), "\(context): manifest \(entry)")

        let generate = try VeerProcess.run(["generate", "--backend", backend, "--precision", "f32", "--temperature", "0",
                                            "--ignore-eos", "-n", "16", "--json", "--steer", spec, text])
        #expect(generate.status == 0, "\(context) stderr: \(generate.stderr)")
        let output = try JSONDecoder().decode(GenerateGoldenCLITests.Output.self, from: Data(generate.stdout.utf8))
        #expect(output.prompt_tokens == tokens, "\(context): prompt tokens")
        let agreed = result.greedy_first_low_margin_step < 0 ? result.greedy_tokens.count : result.greedy_first_low_margin_step
        #expect(Array(output.tokens.prefix(agreed)) == Array(result.greedy_tokens.prefix(agreed)),
                "\(context): greedy tokens differ before step \(agreed): \(output.tokens) vs \(result.greedy_tokens)")
        print("veer --steer \((spec as NSString).lastPathComponent) (\(prompt), \(backend)): max |logit - reference| = \(worst); greedy equal over \(agreed) steps")
    }

    static var configIDs: [String] { get throws { try SteeringReference.shared.configs.map(\.id) } }

    @Test(arguments: try configIDs)
    func cpuFollowsTheReference(_ id: String) throws {
        for prompt in ["P1", "P6"] { try check(id, prompt: prompt, backend: "cpu") }
    }

    @Test(.enabled(if: VulkanTestDevice.shouldRun), arguments: try configIDs)
    func vulkanFollowsTheReference(_ id: String) throws {
        try check(id, prompt: "P1", backend: "vulkan")
    }

    /// The methods' own vector files (rotate, scale_units, an add at heads_concat) on Vulkan; on the CPU
    /// `SteerSpecCLITests` shows each file steers exactly as its spec.
    @Test(.enabled(if: VulkanTestDevice.shouldRun), arguments: ["spherical_l15_k20_a0.6_b-0.05", "spherical_l15_ungated_t0.5",
                                                                "austeer_mlp_out_k16_seed1234_a60", "iti_l12_h1-4-7_seed99_a8"])
    func vulkanFollowsTheReferenceThroughVectorFiles(_ id: String) throws {
        try check(id, prompt: "P1", backend: "vulkan", asVectorFile: true)
    }
}
