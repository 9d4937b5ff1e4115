import Testing
@testable import Steering

@Suite("Steering target") struct SteeringTargetTests {
    @Test func builds() { #expect(Bool(true)) }
}
