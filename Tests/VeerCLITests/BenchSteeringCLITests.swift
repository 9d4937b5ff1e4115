import Foundation
import Testing
import TestSupport

/// `veer bench steering` through the built binary, kept small (2 tokens, 1 round): one row unsteered and one per
/// method on one block and on every block, with times measured in the run.
@Suite("veer bench steering", .enabled(if: GenerateGoldenCLITests.enabled))
struct BenchSteeringCLITests {
    static let methods = ["additive", "spherical", "austeer", "iti"]

    @Test func everyMethodOnOneBlockAndOnEveryBlock() throws {
        let run = try VeerProcess.run(["bench", "steering", "--backend", "cpu", "--json", "--tokens", "2", "--rounds", "1"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let json = try #require(try run.json() as? [String: Any])
        let rows = try #require(json["rows"] as? [[String: Any]])
        let layers = 30
        let expected = [["unsteered", "0"]] + Self.methods.flatMap { [[$0, "1"], [$0, "\(layers)"]] }
        #expect(rows.map { [$0["method"] as? String ?? "?", "\($0["steered_blocks"] as? Int ?? -1)"] } == expected)
        for row in rows {
            #expect((row["median_ms_per_token"] as? Double).map { $0 > 0 } == true, "\(row)")
            #expect((row["ratio_to_unsteered"] as? Double).map { $0 > 0 } == true, "\(row)")
        }
    }
}
