import Foundation
import ModelStore
import Testing
@testable import VeerCLI

/// The real thing, by hand only (CI builds no llama.cpp): `VEER_LLAMACPP_BUILD=1 swift test --filter
/// LlamaCppRealBuildTests` finds or builds llama-bench from the pinned sdist into the cache (minutes on 2 cores), then
/// runs a short decode test on the default model.
@Suite("llama-bench real build", .enabled(if: ProcessInfo.processInfo.environment["VEER_LLAMACPP_BUILD"] == "1"))
struct LlamaCppRealBuildTests {
    @Test func buildsOrFindsLlamaBenchAndRunsItOnTheDefaultModel() throws {
        let bench = try LlamaCppBench.locate(explicit: nil) { print($0) }
        let model = try ModelStore().resolve(explicit: nil).path
        let results = try bench.run(model: model, threads: 2, prompts: [], generate: 16, repetitions: 1)
        #expect(results.map(\.test) == ["tg16"])
        #expect(results.first.map { $0.medianTokensPerSecond > 1 } == true, "\(results)")
        print("llama-bench \(bench.executable.path): \(results)")
    }
}
