import ArgumentParser
import Foundation
import Steering

/// `--trace FILE.jsonl` on `veer generate` and `veer logits`: what the fused residual update did at every steered
/// position and block (`SteeringTrace`), one JSON object per line with the keys sequence, position, block, t,
/// rotated, cos, norm_before and norm_after, written whole or not at all after the run. Reading the trace waits
/// for each pass, so it costs time only when asked for.
struct TraceOption: ParsableArguments {
    @Option(name: .customLong("trace"), help: ArgumentHelp(
        "Write what steering did at every steered position and block (gate value t, rotated, cos(h, mu), norms before and after) to FILE, one JSON object per line.",
        valueName: "FILE.jsonl"))
    var path: String?

    /// A trace to record into, or nil without --trace.
    func makeTrace() -> SteeringTrace? { path.map { _ in SteeringTrace() } }

    /// --trace records steering: without any it is an error naming both options.
    func validate(steering: SteeringOptions) throws {
        if path != nil, !steering.isActive {
            throw ValidationError("--trace records what steering does; give at least one --steer FILE[:S]")
        }
    }

    /// Fails, naming the option and the path, when the file cannot be written: before the run, not after it.
    func checkWritable() throws {
        guard let path else { return }
        do { try OutputFile.checkWritable(URL(fileURLWithPath: path)) } catch { throw InvalidInput("--trace: \(error)") }
    }

    /// Writes the trace's rows (an empty file when no position was steered). Where no row is at a block that
    /// rotates, says on stderr that t is 0 and cos null throughout: the norms are still ‖resid_post‖ after the
    /// block's edits.
    func write(_ trace: SteeringTrace?) throws {
        guard let path, let trace else { return }
        if trace.rows.isEmpty {
            Console.note("note: --trace \(path): no position was steered, so the trace is empty")
        } else if !trace.rows.contains(where: { $0.cos != nil }) {
            Console.note("note: --trace \(path): no traced block rotates, so t is 0 and cos null on every line; the norms are those of resid_post after the block's steering")
        }
        do { try OutputFile.write(try trace.jsonLines(), to: URL(fileURLWithPath: path)) } catch {
            throw InvalidInput("--trace: \(error)")
        }
    }
}
