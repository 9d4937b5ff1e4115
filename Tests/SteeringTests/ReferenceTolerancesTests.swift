import Testing
import TestSupport

/// The model tolerances against what steering-reference.json's `tolerances` states: its top-20 bound (1e-3 for a
/// float32 implementation) holds ours, and every bound stays below the 0.01 at which it says a bug starts.
@Suite struct ReferenceTolerancesTests {
    @Test func modelTolerancesSitWithinTheReferencesStatedBounds() throws {
        let stated = try SteeringReference.shared.tolerances
        let top20 = try #require(stated["last_top20_logits"])
        #expect(top20.contains("<= 1e-3") && top20.contains("> 0.01 as a bug"), "the reference's top-20 bound changed: \(top20)")
        #expect(ModelTolerance.top20VersusF32 <= 1e-3)
        #expect(ModelTolerance.cpuVersusVulkanLogits < ModelTolerance.top20VersusF32)
        let greedy = try #require(stated["greedy_tokens"])
        #expect(greedy.contains("greedy_first_low_margin_step"), "SteeredChecks checks greedy tokens up to that step: \(greedy)")
        let spherical = try #require(stated["spherical_diagnostics"])
        #expect(spherical == "cos within 1e-5 absolute, t within 1e-4, norms within 1e-5 relative",
                "TraceChecks compares with ModelTolerance.spherical*: \(spherical)")
        #expect(ModelTolerance.sphericalCosine == 1e-5 && ModelTolerance.sphericalT == 1e-4
                && ModelTolerance.sphericalNormRelative == 1e-5)
    }
}
