import Foundation
import Testing
@testable import Evaluation

/// What each task name pins: its data file, its scoring and a summary for results.
@Suite("Multiple-choice task names") struct MCTaskNameTests {
    @Test func namesDataFilesAndScoring() {
        #expect(MCTaskName.allCases.map(\.rawValue) == [
            "truthfulqa-mc", "copa", "copa-cloze", "arc-easy", "arc-challenge", "hellaswag", "boolq", "winogrande", "caa-ab",
        ])
        #expect(MCTaskName.truthfulqaMC.dataFile == "truthfulqa/data/v1/mc_task.json")
        #expect(MCTaskName.copaCloze.dataFile == MCTaskName.copa.dataFile)
        #expect(MCTaskName.caaAB.dataFile == "caa/caa_ab_mc.jsonl")
        #expect(MCTaskName.allCases.filter { $0.scoring == .mean } == [.copa, .arcEasy, .arcChallenge, .hellaswag])
        for task in MCTaskName.allCases {
            #expect(!task.protocolSummary.isEmpty && !task.protocolSummary.contains("\n"), "\(task)")
            #expect(FileManager.default.fileExists(atPath: MCDataDirectory.repository.appending(path: task.dataFile).path), "\(task)")
        }
    }

    @Test func dataDirectoryPrefersTheOptionThenTheEnvironment() {
        #expect(MCDataDirectory.resolve(option: "/a", environment: ["VEER_DATA": "/b"]).path == "/a")
        #expect(MCDataDirectory.resolve(option: nil, environment: ["VEER_DATA": "/b"]).path == "/b")
        #expect(MCDataDirectory.resolve(option: "", environment: ["VEER_DATA": ""]) == MCDataDirectory.repository)
        #expect(MCDataDirectory.resolve(option: nil, environment: [:]) == MCDataDirectory.repository)
        #expect(MCDataDirectory.repository.path.hasSuffix("/data"))
        #expect(FileManager.default.fileExists(atPath: MCDataDirectory.repository.appending(path: "README.md").path))
    }
}
