// Runs llama.cpp on token-id prompts and writes the reference numbers the architecture goldens hold.
//
// Built by make_goldens.py against a llama.cpp tree's static libraries (the stock build and the exact-GELU build), so
// the same program records both flavours. Prompts are token ids, not text, so the numbers do not depend on a
// tokenizer. Usage:
//   arch-goldens-dump MODEL.gguf PROMPTS.json OUT.json [--greedy N] [--top K] [--n-ctx N]
//                     [--cvec DATA.f32 IL_START IL_END] [--logits-dir DIR]
// PROMPTS.json: [{"id": "...", "tokens": [1, 2, ...]}, ...].
// --logits-dir writes each prompt's full last-position logits to DIR/<id>.f32 (for comparing runs over the whole
// vocabulary; the goldens keep only the top 20).
// DATA.f32: the float32 array llama_set_adapter_cvec takes (n_embd x (n_layer - 1), layer 1 first, already scaled).
#include "llama.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

using json = nlohmann::ordered_json;

namespace {

struct Options {
    std::string model_path, prompts_path, out_path, cvec_path, logits_dir;
    int greedy = 16, top = 20, n_ctx = 2048, n_threads = 2;
    int cvec_start = -1, cvec_end = -1;
};

[[noreturn]] void fail(const std::string & message) {
    fprintf(stderr, "arch-goldens-dump: %s\n", message.c_str());
    exit(1);
}

int parse_int(const char * text, const char * what) {
    char * end = nullptr;
    const long value = strtol(text, &end, 10);
    if (end == text || *end != '\0') fail(std::string(what) + ": expected an integer, got '" + text + "'");
    return (int) value;
}

Options parse_options(int argc, char ** argv) {
    Options o;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto need = [&](int n) { if (i + n >= argc) fail(arg + " needs " + std::to_string(n) + " value(s)"); };
        if (arg == "--greedy") { need(1); o.greedy = parse_int(argv[++i], "--greedy"); }
        else if (arg == "--top") { need(1); o.top = parse_int(argv[++i], "--top"); }
        else if (arg == "--n-ctx") { need(1); o.n_ctx = parse_int(argv[++i], "--n-ctx"); }
        else if (arg == "--logits-dir") { need(1); o.logits_dir = argv[++i]; }
        else if (arg == "--cvec") {
            need(3);
            o.cvec_path = argv[++i];
            o.cvec_start = parse_int(argv[++i], "--cvec IL_START");
            o.cvec_end = parse_int(argv[++i], "--cvec IL_END");
        } else if (arg.rfind("--", 0) == 0) fail("unknown option " + arg);
        else positional.push_back(arg);
    }
    if (positional.size() != 3) fail("usage: arch-goldens-dump MODEL.gguf PROMPTS.json OUT.json [options]");
    o.model_path = positional[0];
    o.prompts_path = positional[1];
    o.out_path = positional[2];
    return o;
}

std::vector<float> read_floats(const std::string & path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) fail("cannot open " + path);
    const auto size = (size_t) in.tellg();
    if (size % sizeof(float) != 0) fail(path + ": size " + std::to_string(size) + " is not a multiple of 4");
    std::vector<float> values(size / sizeof(float));
    in.seekg(0);
    in.read(reinterpret_cast<char *>(values.data()), (std::streamsize) size);
    return values;
}

// Ids of the k largest logits, descending; ties go to the lower id (stable sort on ascending ids).
std::vector<int> top_ids(const float * logits, int n_vocab, int k) {
    std::vector<int> ids(n_vocab);
    std::iota(ids.begin(), ids.end(), 0);
    std::partial_sort(ids.begin(), ids.begin() + k, ids.end(), [&](int a, int b) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    });
    ids.resize(k);
    return ids;
}

double logsumexp(const float * logits, int n_vocab) {
    double max = logits[0];
    for (int i = 1; i < n_vocab; ++i) max = std::max(max, (double) logits[i]);
    double sum = 0;
    for (int i = 0; i < n_vocab; ++i) sum += std::exp((double) logits[i] - max);
    return max + std::log(sum);
}

void decode(llama_context * ctx, const std::vector<llama_token> & tokens, int first_pos) {
    llama_batch batch = llama_batch_init((int32_t) tokens.size(), 0, 1);
    for (size_t i = 0; i < tokens.size(); ++i) {
        batch.token[i] = tokens[i];
        batch.pos[i] = first_pos + (llama_pos) i;
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = 0;
        batch.logits[i] = i + 1 == tokens.size();  // only the last position's logits are read
    }
    batch.n_tokens = (int32_t) tokens.size();
    const int rc = llama_decode(ctx, batch);
    llama_batch_free(batch);
    if (rc != 0) fail("llama_decode returned " + std::to_string(rc));
}

json run_prompt(llama_context * ctx, int n_vocab, const json & prompt, const Options & o) {
    std::vector<llama_token> tokens = prompt.at("tokens").get<std::vector<llama_token>>();
    if (tokens.empty()) fail("prompt " + prompt.at("id").get<std::string>() + " has no tokens");
    if ((int) tokens.size() + o.greedy > o.n_ctx) fail("prompt " + prompt.at("id").get<std::string>() + " exceeds n_ctx");
    for (llama_token t : tokens) {
        if (t < 0 || t >= n_vocab) fail("token id " + std::to_string(t) + " is outside the vocabulary");
    }
    llama_memory_clear(llama_get_memory(ctx), true);
    decode(ctx, tokens, 0);

    json out;
    out["id"] = prompt.at("id");
    out["tokens"] = tokens;
    const float * logits = llama_get_logits_ith(ctx, -1);
    if (!o.logits_dir.empty()) {
        const std::string path = o.logits_dir + "/" + prompt.at("id").get<std::string>() + ".f32";
        std::ofstream file(path, std::ios::binary);
        if (!file) fail("cannot write " + path);
        file.write(reinterpret_cast<const char *>(logits), (std::streamsize) (sizeof(float) * n_vocab));
    }
    json top = json::array();
    for (int id : top_ids(logits, n_vocab, o.top)) top.push_back(json::array({id, logits[id]}));
    out["last_top20"] = top;
    out["last_logsumexp"] = logsumexp(logits, n_vocab);

    json greedy = json::array(), margins = json::array(), top1 = json::array();
    int pos = (int) tokens.size();
    for (int step = 0; step < o.greedy; ++step) {
        if (step > 0) {
            decode(ctx, {greedy.back().get<llama_token>()}, pos++);
            logits = llama_get_logits_ith(ctx, -1);
        }
        const std::vector<int> best = top_ids(logits, n_vocab, 2);
        greedy.push_back(best[0]);
        top1.push_back(logits[best[0]]);
        margins.push_back(logits[best[0]] - logits[best[1]]);
    }
    out["greedy_tokens"] = greedy;
    out["greedy_top1_logits"] = top1;
    out["greedy_top1_margins"] = margins;
    return out;
}

}  // namespace

int main(int argc, char ** argv) {
    const Options o = parse_options(argc, argv);
    json prompts;
    {
        std::ifstream in(o.prompts_path);
        if (!in) fail("cannot open " + o.prompts_path);
        try { prompts = json::parse(in); } catch (const std::exception & e) { fail(o.prompts_path + ": " + e.what()); }
    }

    llama_backend_init();
    llama_model_params mparams = llama_model_default_params();
    mparams.n_gpu_layers = 0;
    llama_model * model = llama_model_load_from_file(o.model_path.c_str(), mparams);
    if (!model) fail("cannot load model " + o.model_path);

    llama_context_params cparams = llama_context_default_params();
    cparams.n_ctx = cparams.n_batch = cparams.n_ubatch = (uint32_t) o.n_ctx;
    cparams.n_seq_max = 1;
    cparams.n_threads = cparams.n_threads_batch = o.n_threads;
    cparams.type_k = cparams.type_v = GGML_TYPE_F32;
    cparams.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    llama_context * ctx = llama_init_from_model(model, cparams);
    if (!ctx) fail("cannot create a context for " + o.model_path);

    const int n_embd = llama_model_n_embd(model);
    const int n_layer = llama_model_n_layer(model);
    const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    json control = nullptr;
    std::vector<float> cvec;
    if (!o.cvec_path.empty()) {
        cvec = read_floats(o.cvec_path);
        if (cvec.size() != (size_t) n_embd * (n_layer - 1)) {
            fail(o.cvec_path + ": " + std::to_string(cvec.size()) + " floats, expected n_embd * (n_layer - 1) = " +
                 std::to_string((size_t) n_embd * (n_layer - 1)));
        }
        if (llama_set_adapter_cvec(ctx, cvec.data(), cvec.size(), n_embd, o.cvec_start, o.cvec_end) != 0) {
            fail("llama_set_adapter_cvec failed");
        }
        control = {{"il_start", o.cvec_start}, {"il_end", o.cvec_end}};
    }

    json out;
    out["settings"] = {
        {"n_ctx", o.n_ctx}, {"n_batch", o.n_ctx}, {"n_ubatch", o.n_ctx}, {"n_threads", o.n_threads},
        {"n_gpu_layers", 0}, {"kv_cache_type", "f32"}, {"flash_attn", "off"}, {"swa_full", cparams.swa_full},
        {"greedy_n", o.greedy}, {"top_k_recorded", o.top},
        {"system_info", llama_print_system_info()}, {"control_vector", control},
    };
    out["model_info"] = {{"n_vocab", n_vocab}, {"n_embd", n_embd}, {"n_layer", n_layer}};
    json results = json::array();
    for (const json & prompt : prompts) results.push_back(run_prompt(ctx, n_vocab, prompt, o));
    out["prompts"] = results;

    std::ofstream file(o.out_path);
    if (!file) fail("cannot write " + o.out_path);
    file << out.dump(1) << "\n";

    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
