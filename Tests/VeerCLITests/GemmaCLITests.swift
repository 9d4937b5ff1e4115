import Foundation
import GGUF
import Testing
import TestSupport

/// The model commands on Gemma 3 270M Q4_K_M as on the default model (release builds; the model is fetched with
/// `veer model fetch gemma3-270m`, which tools/test does): greedy generation follows llama.cpp, `extract
/// --method cvector-mean` reproduces llama-cvector-generator's Gemma vector, `eval mc` runs, and a vector made on
/// one model is refused on the other.
@Suite("veer on Gemma 3 270M", .serialized, .enabled(if: ModelFixture.isRelease))
struct GemmaCLITests {
    let scratch: ScratchDirectory
    init() throws { scratch = try ScratchDirectory() }

    /// The prompt G1 of arch/gemma3-270m.json as text: the tokenizer (SentencePiece, BOS added) gives llama.cpp's ids
    /// and greedy decoding follows llama.cpp's F32 run up to the first near-tie.
    @Test func greedyGenerationFollowsLlamaCpp() throws {
        guard try TestFileLocations.gemmaModelOrSkip() != nil else { return }
        let goldens = try ArchGoldens.load("gemma3-270m")
        let prompt = try #require(goldens.prompts.first { $0.id == "G1" })
        let text = "The capital of France is"
        let result = try VeerProcess.run(["generate", "--model", "gemma3-270m", "--backend", "cpu", "--temperature", "0",
                                          "--ignore-eos", "--max-tokens", "16", "--json", text])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let output = try JSONDecoder().decode(GenerateGoldenCLITests.Output.self, from: Data(result.stdout.utf8))
        #expect(output.prompt_tokens == prompt.tokens)
        let reference = try goldens.reference(prompt)
        let firstTie = reference.greedy_top1_margins.firstIndex { $0 < goldens.tolerances.near_tie_margin } ?? reference.greedy_tokens.count
        #expect(Array(output.tokens.prefix(firstTie)) == Array(reference.greedy_tokens.prefix(firstTie)),
                "diverged before the first near-tie at step \(firstTie): \(output.tokens)")
    }

    /// llama-cvector-generator's own prompt files for the Gemma vector, through Veer's cvector-mean.
    @Test func cvectorMeanReproducesLlamaCppsGemmaVector() throws {
        guard try TestFileLocations.gemmaModelOrSkip() != nil else { return }
        let prompts = try GoldenFile.decode(CVectorGoldens.TrainingPromptsFile.self, from: "arch/gemma3-270m-cvector.json")
            .training_prompts
        let out = scratch.url.appending(path: "gemma-happy.gguf").path
        let worst = try ExtractCLITests.cvectorMeanCosine(prompts, model: ["--model", "gemma3-270m"], in: scratch.url, out: out,
                                                          golden: "arch/cvector-gemma3-happy.gguf", blocks: 17)
        #expect(worst >= ModelTolerance.cvectorMeanCosine, "min cosine per block against cvector-gemma3-happy.gguf = \(worst)")
        print("veer extract --method cvector-mean on Gemma vs llama.cpp: min cosine per block = \(worst)")

        // The vector steers Gemma, and is refused on the default model (another width and fingerprint).
        let steered = try VeerProcess.run(["generate", "--model", "gemma3-270m", "--backend", "cpu", "--temperature", "0",
                                           "--max-tokens", "4", "--steer", out + ":8", "Today I went to the park and"])
        #expect(steered.status == 0, "stderr: \(steered.stderr)")
        let refused = try VeerProcess.run(["generate", "--backend", "cpu", "--max-tokens", "4", "--steer", out + ":8", "Hi"])
        #expect(refused.status != 0 && refused.stderr.contains("gemma-happy.gguf"), "stderr: \(refused.stderr)")
    }

    /// The default model's llama.cpp vector (576 wide) is refused on Gemma (640), naming the file.
    @Test func aVectorOfTheDefaultModelIsRefused() throws {
        guard try TestFileLocations.gemmaModelOrSkip() != nil else { return }
        let vector = try GoldenFile.vectorFile("cvector-happy.gguf")
        let result = try VeerProcess.run(["generate", "--model", "gemma3-270m", "--backend", "cpu", "--max-tokens", "4",
                                          "--steer", vector + ":4", "Hi"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cvector-happy.gguf"), "stderr: \(result.stderr)")
    }

    /// Multiple-choice evaluation on Gemma: three COPA items, unsteered, with finite scores.
    @Test func evalMultipleChoiceRuns() throws {
        guard try TestFileLocations.gemmaModelOrSkip() != nil else { return }
        let run = try VeerProcess.run(["eval", "mc", "--task", "copa", "--limit", "3", "--backend", "cpu", "--model", "gemma3-270m", "--json"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "stdout: \(run.stdout)")
        #expect(!run.stdout.contains("nan") && json.keys.count > 0)
        print("veer eval mc copa --limit 3 on Gemma: \(run.stdout.prefix(400))")
    }
}
