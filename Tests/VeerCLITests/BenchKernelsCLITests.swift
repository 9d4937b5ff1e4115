import Foundation
import TestSupport
import Testing

/// `veer bench kernels` through the built binary: one JSON document on stdout with the documented fields, cases that
/// pass, and non-zero exits with a message on stderr for bad input.
@Suite struct BenchKernelsCLITests {
    static let requiredFields = ["name", "backend", "nmse", "max_abs", "tolerance", "passed", "median_ms", "gflops", "gbps"]

    private func records(_ arguments: [String]) throws -> [[String: Any]] {
        let run = try VeerProcess.run(["bench", "kernels", "--json", "--iterations", "2", "--warmup", "1"] + arguments)
        #expect(run.status == 0, "veer exited \(run.status): \(run.stderr)")
        let parsed = try run.json()
        return try #require(parsed as? [[String: Any]], "stdout is not a JSON array of objects: \(run.stdout)")
    }

    private func expectWellFormed(_ records: [[String: Any]], backends: Set<String>) {
        #expect(!records.isEmpty)
        for record in records {
            let name = record["name"] as? String ?? "?"
            for field in Self.requiredFields {
                #expect(record.keys.contains(field), "\(name) lacks '\(field)'")
            }
            #expect(record["passed"] as? Bool == true, "\(name) on \(record["backend"] ?? "?"): \(record["error"] ?? "")")
            #expect((record["nmse"] as? Double).map { $0 <= (record["tolerance"] as? Double ?? -1) } == true, "\(name)")
            #expect((record["median_ms"] as? Double).map { $0 > 0 } == true, "\(name) median_ms")
            #expect(backends.contains(record["backend"] as? String ?? ""), "\(name) backend \(record["backend"] ?? "")")
            // Vulkan cases are timed by GPU timestamps, CPU cases on the wall clock.
            #expect(record["clock"] as? String == (record["backend"] as? String == "vulkan" ? "device" : "wall"), "\(name)")
        }
        #expect(Set(records.compactMap { $0["backend"] as? String }) == backends)
    }

    @Test func cpuJSONParsesHasEveryFieldAndPasses() throws {
        let records = try records(["--small", "--backend", "cpu", "--filter", "rmsnorm"])
        expectWellFormed(records, backends: ["cpu"])
        #expect(records.map { $0["name"] as? String } .contains("rmsnorm_577"))
    }

    @Test(.enabled(if: VulkanTestDevice.shouldRun, "needs a Vulkan device"))
    func allBackendsGiveOneRecordPerCaseAndBackend() throws {
        let records = try records(["--small", "--backend", "all", "--filter", "softmax_3x"])
        expectWellFormed(records, backends: ["cpu", "vulkan"])
        let names = records.compactMap { $0["name"] as? String }
        #expect(names.count == 2 * Set(names).count)
    }

    /// The steering-method cases at SmolLM2's shapes (AUSteer's unit scalings, ITI/AUSteer on the heads) validate
    /// against the reference and are timed, on every backend there is.
    @Test func steeringMethodCasesAtTheModelShapes() throws {
        let backends: Set<String> = VulkanTestDevice.shouldRun ? ["cpu", "vulkan"] : ["cpu"]
        let records = try records(["--backend", VulkanTestDevice.shouldRun ? "all" : "cpu", "--filter", "units_576x1"])
        expectWellFormed(records, backends: backends)
        #expect(Set(records.compactMap { $0["name"] as? String })
                    == ["residual_steer_units_576x1", "residual_steer_delta_units_576x1", "heads_edit_units_576x1"])
    }

    @Test func textTableGoesToStdoutAndProgressToStderr() throws {
        let run = try VeerProcess.run(["bench", "kernels", "--small", "--backend", "cpu", "--filter", "swiglu_1537",
                                       "--iterations", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("swiglu_1537") && run.stdout.contains("GFLOP/s"))
        #expect(run.stderr.contains("swiglu_1537"))
    }

    @Test(arguments: [["--backend", "gpu"], ["--backend"], ["--iterations", "0"], ["--filter", "no_such_case"]])
    func badInputExitsNonZeroWithAMessage(_ arguments: [String]) throws {
        let run = try VeerProcess.run(["bench", "kernels", "--small", "--json"] + arguments)
        #expect(run.status != 0)
        #expect(!run.stderr.isEmpty)
        #expect(run.stdout.isEmpty, "stdout must stay empty on an error: \(run.stdout)")
    }
}

@Suite struct InfoCLITests {
    @Test func jsonListsTheCPUBackendAndTheVulkanDevices() throws {
        let run = try VeerProcess.run(["info", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try run.json() as? [String: Any])
        let cpu = try #require(report["cpu"] as? [String: Any])
        #expect((cpu["name"] as? String)?.isEmpty == false)
        let vulkan = try #require(report["vulkan"] as? [String: Any])
        let devices = try #require(vulkan["devices"] as? [[String: Any]])
        if VulkanTestDevice.hasDevice {
            #expect(!devices.isEmpty)
            for field in ["name", "type", "driver", "api_version", "features", "max_storage_buffer_range", "subgroup_size"] {
                #expect(devices.allSatisfy { $0.keys.contains(field) }, "a device lacks '\(field)'")
            }
        }
    }

    @Test(.enabled(if: VulkanTestDevice.hasDevice, "needs a Vulkan device"))
    func disabledFeaturesAreReportedAsAbsent() throws {
        let run = try VeerProcess.run(["info", "--json"], environment: ["VEER_VK_DISABLE": "fp16,subgroups"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try run.json() as? [String: Any])
        let vulkan = try #require(report["vulkan"] as? [String: Any])
        let devices = try #require(vulkan["devices"] as? [[String: Any]])
        for device in devices {
            let features = device["features"] as? [String] ?? []
            #expect(!features.contains("fp16") && !features.contains("subgroups"), "\(features)")
        }
    }

    @Test func textNamesTheCPUBackend() throws {
        let run = try VeerProcess.run(["info"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("CPU backend:"))
    }
}
