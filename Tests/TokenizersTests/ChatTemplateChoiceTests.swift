import GGUF
import Testing
import Tokenizers

/// Which template a model gets (its file's, its architecture's, or a named override), llama.cpp's detection order,
/// and the Gemma and Llama 3 forms' boundaries.
@Suite struct ChatTemplateChoiceTests {
    static func metadata(architecture: String?, pre: String? = nil, template: String? = nil) throws -> GGUFMetadata {
        var writer = GGUFWriter()
        if let architecture { writer.set("general.architecture", .string(architecture)) }
        if let pre { writer.set("tokenizer.ggml.pre", .string(pre)) }
        if let template { writer.set("tokenizer.chat_template", .string(template)) }
        return try GGUFFile(bytes: try writer.serialize(), name: "m.gguf").metadata
    }

    @Test func architectureDefaultsWhenTheFileHasNoTemplate() throws {
        let gemma = try ChatTemplateChoice(metadata: try Self.metadata(architecture: "gemma3"))
        #expect(gemma.template.style == .gemma && gemma.origin == .architecture("gemma3"))
        #expect(gemma.description
                == "chat template: gemma (the file has no tokenizer.chat_template; general.architecture is gemma3)")
        let qwen = try ChatTemplateChoice(metadata: try Self.metadata(architecture: "qwen2"))
        #expect(qwen.template.style == .chatML(defaultSystemPrompt: nil))
        let llama3 = try ChatTemplateChoice(metadata: try Self.metadata(architecture: "llama", pre: "llama-bpe"))
        #expect(llama3.template.style == .llama3 && llama3.origin == .architecture("llama"))
        // A llama file without Llama 3's vocabulary has no default: the existing error, naming the choices.
        #expect(throws: TokenizerError.missingChatTemplate(file: "m.gguf")) {
            try ChatTemplateChoice(metadata: try Self.metadata(architecture: "llama", pre: "smollm"))
        }
        #expect("\(TokenizerError.missingChatTemplate(file: "m.gguf"))".contains("chatml, gemma, llama3"))
        #expect(throws: TokenizerError.missingChatTemplate(file: "m.gguf")) {
            try ChatTemplateChoice(metadata: try Self.metadata(architecture: nil))
        }
    }

    @Test func fileTemplateAndOverride() throws {
        let metadata = try Self.metadata(architecture: "gemma3", template: "{{ '<|start_header_id|>' }}<|end_header_id|>")
        let file = try ChatTemplateChoice(metadata: metadata)
        #expect(file.template.style == .llama3 && file.origin == .fileTemplate)
        #expect(file.description == "chat template: llama3 (recognised from tokenizer.chat_template)")
        let named = try ChatTemplateChoice(metadata: metadata, override: "gemma")
        #expect(named.template.style == .gemma && named.origin == .override)
        #expect(throws: TokenizerError.unknownChatTemplateName("zephyr")) {
            try ChatTemplateChoice(metadata: metadata, override: "zephyr")
        }
        #expect("\(TokenizerError.unknownChatTemplateName("zephyr"))".contains("(known: chatml, gemma, llama3)"))
        #expect(try ChatTemplate(metadata: try Self.metadata(architecture: "gemma3")).style == .gemma)
    }

    /// llama.cpp's order decides: ChatML markers win over Gemma's, a phi4 template is not ChatML, and forms Veer does
    /// not render are named.
    @Test func detectionFollowsLlamaCppsOrder() throws {
        #expect(try ChatTemplate(recognizing: "<|im_start|>{{ x }}<start_of_turn>").style == .chatML(defaultSystemPrompt: nil))
        #expect(try ChatTemplate(recognizing: "{{ '<start_of_turn>' + role }}<|start_header_id|><|end_header_id|>").style == .gemma)
        #expect(try ChatTemplate(recognizing: "gemma").style == .gemma)
        #expect(throws: TokenizerError.unsupportedChatTemplate(llamaCppName: "phi4", firstLine: "<|im_start|><|im_sep|>")) {
            try ChatTemplate(recognizing: "<|im_start|><|im_sep|>")
        }
        #expect(throws: TokenizerError.unsupportedChatTemplate(llamaCppName: "zephyr", firstLine: "<|user|><|endoftext|><start_of_turn>")) {
            try ChatTemplate(recognizing: "<|user|><|endoftext|><start_of_turn>")
        }
        #expect(throws: TokenizerError.unsupportedChatTemplate(llamaCppName: "vicuna", firstLine: "vicuna")) {
            try ChatTemplate(recognizing: "vicuna")
        }
        #expect("\(TokenizerError.unsupportedChatTemplate(llamaCppName: "phi4", firstLine: "x"))".contains("llama.cpp's 'phi4'"))
    }

    @Test func gemmaFoldsSystemMessagesAndMarksContent() throws {
        let template = ChatTemplate(style: .gemma)
        let messages = [ChatMessage(role: "system", content: " Be brief. "), ChatMessage(role: "user", content: "Hi\n"),
                        ChatMessage(role: "assistant", content: "Hello.")]
        let chat = template.render(messages: messages, addGenerationPrompt: false)
        #expect(chat.text == "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n")
        let bytes = Array(chat.text.utf8)
        #expect(chat.contentRanges.map { String(decoding: bytes[$0], as: UTF8.self) } == ["Be brief.", "Hi", "Hello."])
        #expect(chat.answerStart == chat.contentRanges[2].lowerBound)
        // Markup parses control tokens; roles and content never do.
        #expect(chat.segments.filter(\.parseSpecial).map(\.text).joined()
                == "<start_of_turn>\n\n\n<end_of_turn>\n<start_of_turn>\n<end_of_turn>\n")
        // A system message with no user turn after it is never placed: its range is empty, at the end.
        let unplaced = template.render(messages: [ChatMessage(role: "system", content: "S")], addGenerationPrompt: true)
        #expect(unplaced.text == "<start_of_turn>model\n" && unplaced.contentRanges == [21..<21])
    }

    @Test func llama3TrimsContentAndOpensTheAssistant() throws {
        let chat = ChatTemplate(style: .llama3).render(messages: [ChatMessage(role: "user", content: "  Hi <|eot_id|> ")],
                                                       addGenerationPrompt: true)
        #expect(chat.text == "<|start_header_id|>user<|end_header_id|>\n\nHi <|eot_id|><|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n")
        #expect(chat.answerStart == chat.text.utf8.count)
        #expect(chat.segments.contains(TextSegment("Hi <|eot_id|>", parseSpecial: false)))
    }
}
