import Foundation
import Synchronization

/// Where the time of a forward pass goes, per op class (`VEER_PROFILE=1`).
///
/// Callers mark phases ("prefill", "decode"); the backend adds each op's time to the current phase under its class
/// (e.g. "matmul q4_1 576→1536"). The report gives, per phase, the time of one step per class and the step's wall
/// time, so the gap between the two (host work between ops: encoding, staging, selection) is visible too. The CPU
/// backend times ops on the wall clock; the Vulkan backend with GPU timestamps.
public final class OpProfiler: Sendable {
    struct Phase {
        var steps = 0
        var wallNanoseconds: UInt64 = 0
        /// Per op class: total nanoseconds and calls.
        var ops: [String: (nanoseconds: UInt64, calls: Int)] = [:]
        var order: [String] = []
    }

    private struct State {
        var phases: [String: Phase] = [:]
        var phaseOrder: [String] = []
        var current: String?
    }
    private let state = Mutex(State())

    public init() {}

    /// A profiler when `VEER_PROFILE` is 1, else nil (profiling costs a clock read per op).
    public static func fromEnvironment() -> OpProfiler? {
        ProcessInfo.processInfo.environment["VEER_PROFILE"] == "1" ? OpProfiler() : nil
    }

    /// Runs `body` as one step of `phase`, timing its wall clock; ops recorded meanwhile count toward the phase.
    public func step<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let previous = state.withLock { s -> String? in
            let previous = s.current
            s.current = phase
            if s.phases[phase] == nil { s.phases[phase] = Phase(); s.phaseOrder.append(phase) }
            return previous
        }
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            state.withLock { s in
                s.phases[phase]!.steps += 1
                s.phases[phase]!.wallNanoseconds += elapsed
                s.current = previous
            }
        }
        return try body()
    }

    /// Adds one op's time to the current phase (ops outside any phase count under "other").
    public func record(_ opClass: String, nanoseconds: UInt64) {
        state.withLock { s in
            let phase = s.current ?? "other"
            if s.phases[phase] == nil { s.phases[phase] = Phase(); s.phaseOrder.append(phase) }
            if s.phases[phase]!.ops[opClass] == nil { s.phases[phase]!.order.append(opClass) }
            s.phases[phase]!.ops[opClass, default: (0, 0)].nanoseconds += nanoseconds
            s.phases[phase]!.ops[opClass, default: (0, 0)].calls += 1
        }
    }

    /// Times `body` as one op of `opClass`.
    @inline(__always)
    public func time<T>(_ opClass: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { record(opClass(), nanoseconds: DispatchTime.now().uptimeNanoseconds - start) }
        return try body()
    }

    /// One row per phase and op class: milliseconds per step, calls per step and share of the step's wall time;
    /// then the ops' total and the rest of the wall time (host work between ops).
    public func report() -> String {
        let s = state.withLock { $0 }
        var lines: [String] = []
        for name in s.phaseOrder {
            guard let phase = s.phases[name], phase.steps > 0 || name == "other" else { continue }
            let steps = max(1, phase.steps)
            let wall = Double(phase.wallNanoseconds) / 1e6 / Double(steps)
            lines.append(String(format: "profile: %@, %d step%@, %.3f ms wall per step", name, phase.steps,
                                phase.steps == 1 ? "" : "s", wall))
            var opsTotal = 0.0
            let rows = phase.order.map { ($0, phase.ops[$0]!) }.sorted { $0.1.nanoseconds > $1.1.nanoseconds }
            func line(_ label: String, _ ms: Double, calls: String) {
                let share = wall > 0 ? 100 * ms / wall : 0
                lines.append("  " + label.padding(toLength: 30, withPad: " ", startingAt: 0)
                             + String(format: " %9.3f ms", ms) + calls.leftPadded(to: 13) + String(format: " %6.1f%%", share))
            }
            for (opClass, entry) in rows {
                let ms = Double(entry.nanoseconds) / 1e6 / Double(steps)
                opsTotal += ms
                line(opClass, ms, calls: String(format: "%.1f calls", Double(entry.calls) / Double(steps)))
            }
            if phase.steps > 0 {
                line("ops, total", opsTotal, calls: "")
                line("host between ops", wall - opsTotal, calls: "")
            }
        }
        return lines.joined(separator: "\n")
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
