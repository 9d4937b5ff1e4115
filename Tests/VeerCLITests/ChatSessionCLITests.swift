import Foundation
import TestSupport
import Testing

/// `veer chat` sessions end only on end of input or /exit: empty lines are ignored, a conversation that outgrows the
/// context drops its oldest turns, and a message too long for the context is refused while the chat goes on.
@Suite("veer chat: session", .enabled(if: ModelFixture.enabled))
struct ChatSessionCLITests {
    /// Greedy, short answers, on the CPU backend.
    static func chat(_ input: String, _ options: [String] = []) throws -> VeerProcess {
        try VeerProcess.run(["chat", "--backend", "cpu", "--temperature", "0", "--max-tokens", "4"] + options, input: input)
    }

    /// The chat prints "> " on stderr before reading each line, so the count is the lines it asked for.
    static func promptsShown(_ result: VeerProcess) -> Int {
        result.stderr.components(separatedBy: "> ").count - 1
    }

    @Test func emptyLinesAreIgnored() throws {
        let result = try Self.chat("Hi\n\n   \nWhat is 2+2?\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(Self.promptsShown(result) == 5, "stderr: \(result.stderr)")   // 4 lines, then end of input
        #expect(result.stdout.split(separator: "\n").count >= 2, "stdout: \(result.stdout)")
    }

    @Test func exitEndsTheSession() throws {
        let result = try Self.chat("Hi\n/exit\nmore\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(Self.promptsShown(result) == 2, "stderr: \(result.stderr)")
    }

    /// Before: "the prompt has 143 tokens but the context holds 128 (raise --ctx-size)" ended the session.
    @Test func oldestTurnsAreDroppedWhenTheContextFills() throws {
        let lines = ["Tell me about Paris.", "And about Rome?", "And about Berlin?", "And about Madrid?", "And Lisbon?"]
        let result = try Self.chat(lines.joined(separator: "\n") + "\n", ["--max-tokens", "16", "--ctx-size", "128"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("note: dropped the oldest 1 turn of the conversation to fit the context of 128 tokens"),
                "stderr: \(result.stderr)")
        #expect(Self.promptsShown(result) == lines.count + 1, "stderr: \(result.stderr)")
    }

    /// Before: "the prompt has 331 tokens but the context holds 128 (raise --ctx-size)" ended the session.
    @Test func overLongMessageIsRefusedAndTheChatGoesOn() throws {
        let long = String(repeating: "word ", count: 300)
        let result = try Self.chat(long + "\nHi\n", ["--ctx-size", "128"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("message not sent: it takes "), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("the context of 128 tokens (--ctx-size) must also keep 4 for the answer"))
        #expect(Self.promptsShown(result) == 3, "stderr: \(result.stderr)")
        #expect(!result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "no answer to the next line")
    }
}
