import Foundation
import KernelCases

/// The text table of `veer bench kernels`: one line per case and backend, and on Vulkan lines the speed relative to
/// the CPU backend on the same case (cpu ms / vulkan ms: above 1 means Vulkan is faster).
struct BenchTable {
    var records: [BenchRecord]

    func render() -> String {
        let header = ["case", "backend", "NMSE", "max-abs", "ok", "median ms", "GFLOP/s", "GB/s", "vk/cpu"]
        let cpuMs = Dictionary(records.filter { $0.backend == "cpu" }.compactMap { record in
            record.medianMs.map { (record.name, $0) }
        }, uniquingKeysWith: { first, _ in first })
        var rows = [header]
        for record in groupedByCase {
            var ratio = ""
            if record.backend == "vulkan", let vk = record.medianMs, let cpu = cpuMs[record.name], vk > 0 {
                ratio = format(cpu / vk, digits: 3) + "x"
            }
            rows.append([
                record.name, record.backend, scientific(record.nmse), scientific(record.maxAbs),
                record.passed ? "yes" : "NO", record.medianMs.map { format($0, digits: 3) } ?? "-",
                record.gflops.map { format($0, digits: 2) } ?? "-", record.gbps.map { format($0, digits: 2) } ?? "-",
                ratio,
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.indices.map { column in
                let cell = row[column]
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column < 2 ? cell + padding : padding + cell   // names left, numbers right
            }.joined(separator: "  ")
        }
        lines.insert(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "), at: 1)
        for record in records where !record.passed {
            lines.append("FAILED \(record.name) on \(record.backend): \(record.error ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    /// Each case's rows together (cpu, then vulkan), cases in the order they ran.
    private var groupedByCase: [BenchRecord] {
        var order: [String] = []
        var byName: [String: [BenchRecord]] = [:]
        for record in records {
            if byName[record.name] == nil { order.append(record.name) }
            byName[record.name, default: []].append(record)
        }
        return order.flatMap { byName[$0] ?? [] }
    }

    private func scientific(_ value: Double) -> String {
        guard value.isFinite else { return "inf" }
        if value == 0 { return "0" }
        return formatted(value, "%.1e")
    }

    private func format(_ value: Double, digits: Int) -> String {
        formatted(value, "%.\(digits)g")
    }
}

private func formatted(_ value: Double, _ format: String) -> String { String(format: format, value) }
