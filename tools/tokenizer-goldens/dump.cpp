// Asks llama.cpp (the pinned sdist tree, linked statically) what Veer's tokenizers and chat templates must
// reproduce. Built and driven by make-goldens.py; reads JSON on stdin, writes JSON on stdout. Byte strings that may
// not be valid UTF-8 are written as arrays of byte values, so JSON never has to carry them.
//
//   dump pieces MODEL.gguf   {"cases":[{"text":..., "ids":[...]}]} -> per case: the piece bytes of each id
//                            (llama_token_to_piece, special = true), llama_detokenize(remove_special = false,
//                            unparse_special = true) of the ids, and llama_tokenize(add_special = false,
//                            parse_special = true) of the text (a cross-check of llama-tokenize's ids)
//   dump templates           {"templates":[...], "conversations":[{"name":..., "messages":[{"role","content"}]}]}
//                            -> llama_chat_apply_template for each template x conversation x add_ass
//   dump words               {"strings":[...]} -> unicode_regex_split with the llama3 and qwen2 pre-tokenizer
//                            regexes of llama-vocab.cpp (raw UTF-8, no byte encoding)

#include "llama.h"
#include "unicode.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

using json = nlohmann::ordered_json;

static std::vector<int> bytes_of(const std::string & s) {
    std::vector<int> out;
    for (unsigned char c : s) out.push_back(c);
    return out;
}

static std::string piece(const llama_vocab * vocab, llama_token id) {
    std::string buf(64, '\0');
    int n = llama_token_to_piece(vocab, id, buf.data(), (int) buf.size(), 0, true);
    if (n < 0) {
        buf.resize(-n);
        n = llama_token_to_piece(vocab, id, buf.data(), (int) buf.size(), 0, true);
    }
    buf.resize(n);
    return buf;
}

static int dump_pieces(const char * path) {
    llama_backend_init();
    llama_model_params params = llama_model_default_params();
    params.vocab_only = true;
    llama_model * model = llama_model_load_from_file(path, params);
    if (!model) { fprintf(stderr, "cannot load %s\n", path); return 1; }
    const llama_vocab * vocab = llama_model_get_vocab(model);

    json input = json::parse(std::cin);
    json out = json::array();
    for (const auto & c : input["cases"]) {
        const std::string text = c["text"];
        std::vector<llama_token> ids = c["ids"].get<std::vector<llama_token>>();
        json pieces = json::array();
        for (llama_token id : ids) pieces.push_back(bytes_of(piece(vocab, id)));

        std::string detok(text.size() * 4 + 256, '\0');
        int n = llama_detokenize(vocab, ids.data(), (int) ids.size(), detok.data(), (int) detok.size(), false, true);
        if (n < 0) { fprintf(stderr, "detokenize buffer too small\n"); return 1; }
        detok.resize(n);

        std::vector<llama_token> own(text.size() + 8);
        int count = llama_tokenize(vocab, text.data(), (int) text.size(), own.data(), (int) own.size(), false, true);
        if (count < 0) { fprintf(stderr, "tokenize buffer too small\n"); return 1; }
        own.resize(count);

        out.push_back({{"pieces", pieces}, {"detokenized", bytes_of(detok)}, {"llama_tokenize_ids", own}});
    }
    std::cout << out.dump(1) << "\n";
    llama_model_free(model);
    return 0;
}

static int dump_templates() {
    json input = json::parse(std::cin);
    json out = json::array();
    for (const auto & t : input["templates"]) {
        const std::string tmpl = t;
        for (const auto & conversation : input["conversations"]) {
            std::vector<std::string> roles, contents;
            for (const auto & m : conversation["messages"]) {
                roles.push_back(m["role"]);
                contents.push_back(m["content"]);
            }
            std::vector<llama_chat_message> messages;
            for (size_t i = 0; i < roles.size(); i++) messages.push_back({roles[i].c_str(), contents[i].c_str()});
            for (bool add_ass : {false, true}) {
                int n = llama_chat_apply_template(tmpl.c_str(), messages.data(), messages.size(), add_ass, nullptr, 0);
                json entry = {{"template", tmpl}, {"conversation", conversation["name"]}, {"add_ass", add_ass}};
                if (n < 0) {
                    entry["result"] = n;
                } else {
                    std::string buf(n + 1, '\0');
                    llama_chat_apply_template(tmpl.c_str(), messages.data(), messages.size(), add_ass, buf.data(),
                                              (int) buf.size());
                    buf.resize(n);
                    entry["result"] = n;
                    entry["text"] = bytes_of(buf);
                }
                out.push_back(entry);
            }
        }
    }
    std::cout << out.dump(1) << "\n";
    return 0;
}

// llama-vocab.cpp, LLAMA_VOCAB_PRE_TYPE_LLAMA3 and LLAMA_VOCAB_PRE_TYPE_QWEN2 (the "adapted" forms it runs).
static const char * LLAMA3_REGEX =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
static const char * QWEN2_REGEX =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

static int dump_words() {
    json input = json::parse(std::cin);
    json out = json::array();
    for (const auto & s : input["strings"]) {
        const std::string text = s;
        json entry = json::object();
        for (auto [name, regex] : {std::pair{"llama-bpe", LLAMA3_REGEX}, std::pair{"qwen2", QWEN2_REGEX}}) {
            json words = json::array();
            for (const auto & w : unicode_regex_split(text, {regex}, false)) words.push_back(bytes_of(w));
            entry[name] = words;
        }
        out.push_back(entry);
    }
    std::cout << out.dump(1) << "\n";
    return 0;
}

int main(int argc, char ** argv) {
    llama_log_set([](ggml_log_level, const char *, void *) {}, nullptr);
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "pieces" && argc == 3) return dump_pieces(argv[2]);
    if (mode == "templates") return dump_templates();
    if (mode == "words") return dump_words();
    fprintf(stderr, "usage: dump pieces MODEL.gguf | dump templates | dump words (JSON on stdin)\n");
    return 2;
}
