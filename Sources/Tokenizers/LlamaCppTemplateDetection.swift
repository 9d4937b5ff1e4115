/// llama.cpp's `llm_chat_detect_template` (src/llama-chat.cpp, 0c1e570) up to its Llama 3 branch: a template is
/// classified by the first rule whose marker substrings it contains, so these rules must keep llama.cpp's order for
/// the gemma, llama3 and chatml results to be the ones llama.cpp reaches. A template matching no rule here is one
/// llama.cpp either does not know or classifies as a form Veer does not render: nil.
enum LlamaCppTemplateDetection {
    /// llama.cpp's name for the template form of `template` (a Jinja source or a built-in name), or nil.
    static func detect(_ template: String) -> String? {
        // A built-in name passed as the template (llm_chat_template_from_str).
        if builtInNames.contains(template) { return template }
        func has(_ marker: String) -> Bool { template.contains(marker) }
        if has("<|im_start|>") {
            return has("<|im_sep|>") ? "phi4" : has("<end_of_utterance>") ? "smolvlm" : "chatml"
        }
        if template.hasPrefix("mistral") || has("[INST]") { return "mistral/llama2 family" }
        if has("<|assistant|>") && has("<|end|>") { return "phi3" }
        if has("[gMASK]<sop>") { return "chatglm4" }
        if has("<|assistant|>") && has("<|user|>") {
            return has("<|tool_declare|>") ? "exaone-moe" : has("</s>") ? "falcon3" : "glmedge"
        }
        if has("<|{{ item['role'] }}|>") && has("<|begin_of_image|>") { return "glmedge" }
        if has("<|user|>") && has("<|endoftext|>") { return "zephyr" }
        if has("bos_token + message['role']") { return "monarch" }
        if has("<start_of_turn>") { return "gemma" }
        if has("'\\n\\nAssistant: ' + eos_token") { return "orion" }
        if has("GPT4 Correct ") { return "openchat" }
        if has("USER: ") && has("ASSISTANT: ") { return has("SYSTEM: ") ? "vicuna-orca" : "vicuna" }
        if has("### Instruction:") && has("<|EOT|>") { return "deepseek" }
        if has("<|START_OF_TURN_TOKEN|>") && has("<|USER_TOKEN|>") { return "command-r" }
        if has("<|start_header_id|>") && has("<|end_header_id|>") { return "llama3" }
        return nil
    }

    /// llama.cpp's `LLM_CHAT_TEMPLATES` names.
    static let builtInNames: Set<String> = [
        "chatml", "llama2", "llama2-sys", "llama2-sys-bos", "llama2-sys-strip", "mistral-v1", "mistral-v3",
        "mistral-v3-tekken", "mistral-v7", "mistral-v7-tekken", "phi3", "phi4", "falcon3", "zephyr", "monarch", "gemma",
        "orion", "openchat", "vicuna", "vicuna-orca", "deepseek", "deepseek2", "deepseek3", "deepseek-ocr",
        "command-r", "llama3", "chatglm3", "chatglm4", "glmedge", "minicpm", "exaone3", "exaone4", "exaone-moe",
        "rwkv-world", "granite", "granite-4.0", "granite-4.1", "gigachat", "megrez", "yandex", "bailing",
        "bailing-think", "bailing2", "llama4", "smolvlm", "hunyuan-moe", "gpt-oss", "hunyuan-dense", "hunyuan-vl",
        "kimi-k2", "seed_oss", "grok-2", "pangu-embedded", "solar-open",
    ]
}
