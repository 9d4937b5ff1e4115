import Testing
@testable import Evaluation

/// How requests are packed into waves of slots.
@Suite("Slot plans") struct SlotPlanTests {
    typealias P = SlotPlan.Placement

    @Test func wholeRequestsShareAWaveWhileTheyFit() {
        let plan = SlotPlan(continuationCounts: [2, 3, 4, 1], slots: 6)
        #expect(plan.waves == [
            [P(request: 0, continuations: 0..<2, baseSlot: 0, prefills: true), P(request: 1, continuations: 0..<3, baseSlot: 2, prefills: true)],
            [P(request: 2, continuations: 0..<4, baseSlot: 0, prefills: true), P(request: 3, continuations: 0..<1, baseSlot: 4, prefills: true)],
        ])
    }

    @Test func aRequestWithMoreContinuationsThanSlotsRunsAloneAndPrefillsOnce() {
        let plan = SlotPlan(continuationCounts: [1, 7, 2], slots: 3)
        #expect(plan.waves == [
            [P(request: 0, continuations: 0..<1, baseSlot: 0, prefills: true)],
            [P(request: 1, continuations: 0..<3, baseSlot: 0, prefills: true)],
            [P(request: 1, continuations: 3..<6, baseSlot: 0, prefills: false)],
            [P(request: 1, continuations: 6..<7, baseSlot: 0, prefills: false)],
            [P(request: 2, continuations: 0..<2, baseSlot: 0, prefills: true)],
        ])
    }

    @Test func oneSlotRunsOneContinuationPerWave() {
        let plan = SlotPlan(continuationCounts: [2], slots: 1)
        #expect(plan.waves == [[P(request: 0, continuations: 0..<1, baseSlot: 0, prefills: true)],
                               [P(request: 0, continuations: 1..<2, baseSlot: 0, prefills: false)]])
    }
}
