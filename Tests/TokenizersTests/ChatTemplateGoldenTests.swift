import Testing
import TestSupport
import Tokenizers

/// Tests/Goldens/chat-templates.json: what llama.cpp's `llama_chat_apply_template` renders for the built-in names
/// gemma, llama3 and chatml and for Jinja sources it recognises by their markers, on four conversations, with and
/// without the assistant prompt.
struct ChatTemplateGolden: Decodable {
    struct Message: Decodable {
        let role: String
        let content: String
    }
    struct Conversation: Decodable {
        let name: String
        let messages: [Message]
    }
    struct Render: Decodable, CustomTestStringConvertible {
        let template: String?
        let jinja_file: String?
        let conversation: String
        let add_ass: Bool
        let text: String
        var testDescription: String { "\(template ?? jinja_file ?? "?") \(conversation) add_ass=\(add_ass)" }
    }
    let jinja_sources: [String: String]
    let conversations: [Conversation]
    let renders: [Render]

    private static let loaded = Result { try GoldenFile.decode(ChatTemplateGolden.self, from: "chat-templates.json") }
    static var shared: ChatTemplateGolden { get throws { try loaded.get() } }
}

@Suite struct ChatTemplateGoldenTests {
    @Test func goldenCoversEveryTemplateAndConversation() throws {
        let golden = try ChatTemplateGolden.shared
        #expect(Set(golden.renders.compactMap(\.template)) == Set(ChatTemplate.names))
        #expect(Set(golden.renders.compactMap(\.jinja_file)) == Set(golden.jinja_sources.keys))
        #expect(golden.renders.count == (ChatTemplate.names.count + golden.jinja_sources.count)
                * golden.conversations.count * 2)
        #expect(golden.conversations.contains { $0.messages.map(\.role) == ["system", "user", "assistant", "user"] })
        #expect(golden.conversations.contains { $0.messages.map(\.role) == ["user", "assistant", "user"] })
    }

    @Test(arguments: try ChatTemplateGolden.shared.renders)
    func rendersAsLlamaCpp(_ render: ChatTemplateGolden.Render) throws {
        let golden = try ChatTemplateGolden.shared
        let template: ChatTemplate
        if let name = render.template {
            template = try ChatTemplate(named: name)
        } else {
            let file = try #require(render.jinja_file)
            template = try ChatTemplate(recognizing: try #require(golden.jinja_sources[file]))
        }
        let conversation = try #require(golden.conversations.first { $0.name == render.conversation })
        let messages = conversation.messages.map { ChatMessage(role: $0.role, content: $0.content) }
        let rendered = template.render(messages: messages, addGenerationPrompt: render.add_ass)
        #expect(rendered.text == render.text)
        #expect(rendered.segments.map(\.text).joined() == rendered.text)
    }

    @Test func jinjaSourcesAreRecognisedAsLlamaCppDoes() throws {
        let sources = try ChatTemplateGolden.shared.jinja_sources
        let gemma = try #require(sources.first { $0.key.hasPrefix("gemma-style") }?.value)
        #expect(try ChatTemplate(recognizing: gemma).style == .gemma)
        #expect(try ChatTemplate(recognizing: try #require(sources["Qwen-Qwen2.5-7B-Instruct.jinja"])).style
                == .chatML(defaultSystemPrompt: nil))
        let llama3 = try #require(sources.first { $0.key.hasPrefix("llama3-style") }?.value)
        #expect(try ChatTemplate(recognizing: llama3).style == .llama3)
    }
}
