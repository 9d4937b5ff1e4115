#!/usr/bin/env python3
"""Rebuilds the tokenizer and chat-template goldens from llama.cpp (see Tests/Goldens/SOURCE.md).

    tools/tokenizer-goldens/make-goldens.py [--llama-cpp DIR] [--build DIR] [--model GEMMA.gguf] [--work DIR]

DIR defaults are the pinned tree this project uses: the llama.cpp tree inside the llama-cpp-python 0.3.36 sdist
(--llama-cpp) and its static CPU build (--build, holding bin/llama-tokenize and the static libraries). The script
compiles dump.cpp against them into --work (never into the repository), then writes

    Tests/Goldens/gemma3-tokenizer.json      llama-tokenize ids for strings.json on Gemma 3 270M's vocabulary
    Tests/Goldens/pretokenizer-words.json    llama.cpp's llama-bpe and qwen2 regex splits of the same strings
    Tests/Goldens/chat-templates.json        llama_chat_apply_template for gemma, llama3, chatml and Jinja sources
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tools"))
from llama_cpp_build import dumper_command, sha256  # noqa: E402
GOLDENS = os.path.join(REPO, "Tests", "Goldens")

CONVERSATIONS = [
    {"name": "system-user-assistant-user", "messages": [
        {"role": "system", "content": "You are a terse assistant.  "},
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": " Paris.\n"},
        {"role": "user", "content": "And of Italy? <b>bold</b>"},
    ]},
    {"name": "user-assistant-user", "messages": [
        {"role": "user", "content": "Hi there!"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "Tell me a joke.\n\n"},
    ]},
    {"name": "two-system-messages", "messages": [
        {"role": "system", "content": "Rule one."},
        {"role": "system", "content": " Rule two."},
        {"role": "user", "content": "Go."},
    ]},
    {"name": "system-then-assistant", "messages": [
        {"role": "system", "content": "Be kind."},
        {"role": "assistant", "content": "I start."},
        {"role": "user", "content": "Fine."},
    ]},
]

# Jinja sources whose detection (llm_chat_detect_template) the golden records: llama.cpp's copy of Qwen2.5's template
# (models/templates/, Apache-2.0) and Gemma and Llama 3 style sources written for this golden (Google's and Meta's own
# templates are not copied, to keep the Gemma and Llama licences' redistribution terms out of the repository).
JINJA_FILES = [
    "Qwen-Qwen2.5-7B-Instruct.jinja",
]
WRITTEN_SOURCES = {
    "gemma-style (written for this golden)":
        "{{ bos_token }}{% for message in messages %}{% set role = 'model' if message['role'] == 'assistant' "
        "else message['role'] %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + "
        "'<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}",
    "llama3-style (written for this golden)":
        "{{- bos_token }}{%- for message in messages %}{{- '<|start_header_id|>' + message['role'] + "
        "'<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{%- endfor %}"
        "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}",
}


def run(cmd, stdin=None):
    result = subprocess.run(cmd, input=stdin, capture_output=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.decode(errors='replace')[-2000:]}")
    return result.stdout


def build_dumper(tree, build, work):
    os.makedirs(work, exist_ok=True)
    exe = os.path.join(work, "dump")
    run(dumper_command(os.path.join(HERE, "dump.cpp"), tree, build, exe, optimization="-O1"))
    return exe


def piece_text(data):
    """A piece as smollm2-tokenizer.json writes it: the text if valid UTF-8, else <0xHH> per byte."""
    raw = bytes(data)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "".join(f"<0x{b:02X}>" for b in raw)


def tokenize(tool, model, text, work, *flags):
    path = os.path.join(work, "input.txt")
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))
    out = run([tool, "-m", model, "-f", path, "--ids", "--no-escape", "--log-disable", *flags])
    return json.loads(out.decode().strip().splitlines()[-1])


def tokenizer_golden(args, dumper, strings):
    tool = os.path.join(args.build, "bin", "llama-tokenize")
    cases = []
    for i, text in enumerate(strings):
        case = {"text": text, "ids": tokenize(tool, args.model, text, args.work, "--no-bos")}
        case["ids_default"] = tokenize(tool, args.model, text, args.work)
        if any(c in text for c in "<[") :
            case["ids_no_parse_special"] = tokenize(tool, args.model, text, args.work, "--no-bos",
                                                    "--no-parse-special")
        cases.append(case)
        print(f"\r{i + 1}/{len(strings)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    dumped = json.loads(run([dumper, "pieces", args.model],
                            json.dumps({"cases": [{"text": c["text"], "ids": c["ids"]} for c in cases]}).encode()))
    for case, extra in zip(cases, dumped):
        if extra["llama_tokenize_ids"] != case["ids"]:
            sys.exit(f"llama_tokenize and llama-tokenize disagree on {case['text']!r}")
        case["pieces"] = [piece_text(p) for p in extra["pieces"]]
        case["roundtrip_ok"] = bytes(extra["detokenized"]) == case["text"].encode("utf-8")
    ordered = [{k: c[k] for k in ["text", "ids", "pieces", "roundtrip_ok", "ids_default", "ids_no_parse_special"]
                if k in c} for c in cases]
    return {
        "model": os.path.basename(args.model),
        "model_sha256": sha256(args.model),
        "oracle": "llama.cpp 0c1e570 llama-tokenize (tokenizer.ggml.model=llama, SentencePiece; add_space_prefix=false)",
        "add_special": False,
        "parse_special": True,
        "notes": "ids: llama-tokenize -f FILE --ids --no-escape --no-bos (parse_special on, its default), checked equal "
                 "to llama_tokenize(add_special=false, parse_special=true); ids_default: the same without --no-bos "
                 "(BOS added as the model's add_bos_token says); ids_no_parse_special (strings with '<' or '['): "
                 "--no-bos --no-parse-special; pieces: llama_token_to_piece(special=true), invalid UTF-8 pieces as "
                 "<0xHH>; roundtrip_ok: llama_detokenize(remove_special=false, unparse_special=true) == text",
        "cases": ordered,
    }


def words_golden(dumper, strings):
    dumped = json.loads(run([dumper, "words"], json.dumps({"strings": strings}).encode()))
    cases = []
    for text, entry in zip(strings, dumped):
        case = {"text": text}
        for name in ["llama-bpe", "qwen2"]:
            words = [bytes(w) for w in entry[name]]
            if b"".join(words) != text.encode("utf-8"):
                sys.exit(f"{name} split of {text!r} does not cover the text")
            case[name] = [w.decode("utf-8") for w in words]
        cases.append(case)
    return {
        "oracle": "llama.cpp 0c1e570 unicode_regex_split(text, {regex}, byte_encode=false) with the regexes "
                  "llama-vocab.cpp runs for LLAMA_VOCAB_PRE_TYPE_LLAMA3 (tokenizer.ggml.pre llama-bpe) and "
                  "LLAMA_VOCAB_PRE_TYPE_QWEN2 (qwen2)",
        "notes": "words: the pre-tokenizer split, each as UTF-8 text (every split of these strings falls on "
                 "character boundaries); special tokens are not split out (that happens before the regex)",
        "cases": cases,
    }


def templates_golden(args, dumper):
    sources = {}
    for name in JINJA_FILES:
        with open(os.path.join(args.llama_cpp, "models", "templates", name), encoding="utf-8") as f:
            sources[name] = f.read()
    sources.update(WRITTEN_SOURCES)
    names = ["gemma", "llama3", "chatml"]
    dumped = json.loads(run([dumper, "templates"], json.dumps(
        {"templates": names + list(sources.values()), "conversations": CONVERSATIONS}).encode()))
    by_source = {v: k for k, v in sources.items()}
    renders = []
    for entry in dumped:
        template = entry["template"]
        item = {"template": template if template in names else None,
                "jinja_file": by_source.get(template), "conversation": entry["conversation"],
                "add_ass": entry["add_ass"]}
        if "text" not in entry:
            sys.exit(f"llama_chat_apply_template failed ({entry['result']}) for {item}")
        item["text"] = bytes(entry["text"]).decode("utf-8")
        renders.append({k: v for k, v in item.items() if v is not None})
    return {
        "oracle": "llama.cpp 0c1e570 llama_chat_apply_template(tmpl, messages, n, add_ass, buf, len): tmpl is a "
                  "built-in name (template) or the Jinja source of jinja_file, which llm_chat_detect_template "
                  "recognises by substrings; llama.cpp renders its built-in form either way",
        "jinja_sources": sources,
        "conversations": CONVERSATIONS,
        "renders": renders,
    }


def main():
    tree = "/tmp/llb/llama_cpp_python-0.3.36/vendor/llama.cpp"
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llama-cpp", default=tree)
    parser.add_argument("--build", default="/tmp/llb/build")
    parser.add_argument("--model", default="/tmp/g3/gemma-3-270m-q4_k_m.gguf")
    parser.add_argument("--work", default="/tmp/tokenizer-goldens")
    parser.add_argument("--only", choices=["tokenizer", "words", "templates"], action="append")
    args = parser.parse_args()
    only = set(args.only or ["tokenizer", "words", "templates"])

    dumper = build_dumper(args.llama_cpp, args.build, args.work)
    with open(os.path.join(HERE, "strings.json"), encoding="utf-8") as f:
        strings = json.load(f)["strings"]
    outputs = []
    if "templates" in only:
        outputs.append(("chat-templates.json", templates_golden(args, dumper)))
    if "words" in only:
        outputs.append(("pretokenizer-words.json", words_golden(dumper, strings)))
    if "tokenizer" in only:
        outputs.append(("gemma3-tokenizer.json", tokenizer_golden(args, dumper, strings)))
    for name, data in outputs:
        with open(os.path.join(GOLDENS, name), "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.write("\n")
        print(f"wrote Tests/Goldens/{name}", file=sys.stderr)


if __name__ == "__main__":
    main()
