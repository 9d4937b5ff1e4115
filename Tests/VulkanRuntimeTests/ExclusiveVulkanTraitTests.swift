import Synchronization
import Testing
import TestSupport

/// `.exclusiveVulkan`: bodies run through its scope never overlap, while the same bodies without it do (so the check
/// can fail), and it scopes each test case, never a whole test or suite (which would hold the gate its cases wait for).
@Suite struct ExclusiveVulkanTraitTests {
    /// How many bodies are inside at once, and the most seen.
    final class Overlap: Sendable {
        private let counts = Mutex((inside: 0, most: 0))
        var most: Int { counts.withLock { $0.most } }

        func visit() async throws {
            counts.withLock { $0.inside += 1; $0.most = max($0.most, $0.inside) }
            try await Task.sleep(for: .milliseconds(20))
            counts.withLock { $0.inside -= 1 }
        }
    }

    @Test func scopedBodiesNeverOverlap() async throws {
        let trait = ExclusiveVulkanTrait(), test = try #require(Test.current), testCase = Test.Case.current
        let scoped = Overlap(), unscoped = Overlap()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { try await trait.provideScope(for: test, testCase: testCase) { try await scoped.visit() } }
                group.addTask { try await unscoped.visit() }
            }
            try await group.waitForAll()
        }
        #expect(scoped.most == 1)
        #expect(unscoped.most > 1)
    }

    @Test func itScopesTestCasesOnly() throws {
        let trait = ExclusiveVulkanTrait(), test = try #require(Test.current)
        #expect(trait.isRecursive)
        #expect(trait.scopeProvider(for: test, testCase: try #require(Test.Case.current)) != nil)
        #expect(trait.scopeProvider(for: test, testCase: nil) == nil)
    }

    /// A body that throws releases the gate: the next scoped body still runs.
    @Test func aThrowingBodyReleasesTheGate() async throws {
        struct Expected: Error {}
        let trait = ExclusiveVulkanTrait(), test = try #require(Test.current)
        await #expect(throws: Expected.self) {
            try await trait.provideScope(for: test, testCase: nil) { throw Expected() }
        }
        let after = Overlap()
        try await trait.provideScope(for: test, testCase: nil) { try await after.visit() }
        #expect(after.most == 1)
    }
}
