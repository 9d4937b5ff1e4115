#!/usr/bin/env python3
"""Writes the small synthetic F32 GGUF models the architecture goldens were made on (Tests/Goldens/arch).

Usage: tools/synthetic-models.py OUT_DIR
Writes OUT_DIR/synthetic-qwen2.gguf, synthetic-llama3.gguf and synthetic-gemma3.gguf. Every weight comes from a NumPy
generator seeded per model and tensor, so the files are byte for byte the same on every run (the goldens record their
SHA-256; a test regenerates the models and checks those before comparing logits). The K-quant variant
(synthetic-llama3-q4_k_m.gguf) is made from synthetic-llama3.gguf by llama.cpp's llama-quantize (make_goldens.py), not
here: the goldens' SOURCE.md says how.

Each model exercises what its architecture adds to the llama layout:
- qwen2: Q/K/V biases, NEOX RoPE, an untied output matrix, ChatML-style special tokens, pre-tokenizer "qwen2".
- llama3: Llama 3 RoPE frequency scaling (rope_freqs.weight from the Llama 3 formula, with a small original context
  so that the factors matter at the prompts' positions), tied output, pre-tokenizer "llama-bpe"; width 256 so that
  llama-quantize can make every matrix a K-quant (K-quant blocks hold 256 values).
- gemma3: 7 layers (the default pattern 6 makes layer 5 global, the others local), sliding window 8,
  rope.freq_base_swa != rope.freq_base, key_length 32 with 4 heads (query width 128 != width 64), Q/K norms,
  post-attention and post-FFN norms with weights around 2 and the other norms around 1 (GGUF stores 1 + w), GeGLU, tied output, SentencePiece
  vocabulary with byte-fallback tokens.
"""
import hashlib, math, os, sys
import numpy as np
import gguf

SEED = 14


def generator(model_name, tensor_name):
    """One generator per tensor, keyed by names, so adding a tensor never shifts another tensor's values."""
    key = int.from_bytes(hashlib.sha256(f"{SEED}/{model_name}/{tensor_name}".encode()).digest()[:8], "little")
    return np.random.default_rng(key)


def gaussian(model_name, tensor_name, shape, std):
    return (generator(model_name, tensor_name).standard_normal(shape) * std).astype(np.float32)


def norm_weight(model_name, tensor_name, width, center=1.0):
    """Norm weights around `center` (for gemma3 this is the stored 1 + w)."""
    return (center + generator(model_name, tensor_name).standard_normal(width) * 0.1).astype(np.float32)


def gpt2_byte_symbols():
    """GPT-2's byte-to-unicode table: the printable symbol byte-level BPE vocabularies use for each byte."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    symbols, extra = {}, 0
    for b in range(256):
        if b in printable:
            symbols[b] = chr(b)
        else:
            symbols[b] = chr(256 + extra)
            extra += 1
    return [symbols[b] for b in range(256)]


WORDS = ["the", "of", "and", "to", "in", "is", "that", "it", "was", "for", "on", "are", "with", "as", "his", "they",
         "be", "at", "one", "have", "this", "from", "capital", "France", "Paris", "happy", "sad", "weather", "today"]


def bpe_vocab(specials):
    """Byte tokens, then merges spelling WORDS (with and without the leading-space symbol), then the special tokens."""
    bytes_ = gpt2_byte_symbols()
    tokens, merges = list(bytes_), []
    space = bytes_[ord(" ")]
    for word in WORDS:
        for spelled in (word, space + word):
            current = spelled[0]
            for ch in spelled[1:]:
                merged = current + ch
                if merged not in tokens:
                    merges.append(f"{current} {ch}")
                    tokens.append(merged)
                current = merged
    types = [gguf.TokenType.NORMAL] * len(tokens) + [gguf.TokenType.CONTROL] * len(specials)
    return tokens + specials, types, merges


def spm_vocab():
    """Gemma-style SentencePiece vocabulary: control tokens, the 256 byte-fallback tokens, then scored pieces."""
    tokens = ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>"]
    types = [gguf.TokenType.CONTROL] * 4 + [gguf.TokenType.USER_DEFINED] * 2
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [gguf.TokenType.BYTE] * 256
    pieces = ["▁"] + [chr(c) for c in range(ord("a"), ord("z") + 1)] + [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    for word in WORDS:
        for spelled in (word, "▁" + word):
            for end in range(2, len(spelled) + 1):
                if spelled[:end] not in pieces:
                    pieces.append(spelled[:end])
    scores = [0.0] * len(tokens) + [-float(rank) for rank in range(len(pieces))]
    types += [gguf.TokenType.NORMAL] * len(pieces)
    return tokens + pieces, types, scores


def llama3_rope_factors(head_dim, base, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_context=64):
    """Llama 3's frequency factors as llama.cpp's converter computes them (conversion/llama.py)."""
    low_freq_wavelen = original_context / low_freq_factor
    high_freq_wavelen = original_context / high_freq_factor
    freqs = 1.0 / (base ** (np.arange(0, head_dim, 2, dtype=np.float32) / head_dim))
    out = []
    for freq in freqs:
        wavelen = 2 * math.pi / freq
        if wavelen < high_freq_wavelen:
            out.append(1.0)
        elif wavelen > low_freq_wavelen:
            out.append(factor)
        else:
            smooth = (original_context / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
            out.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(out, dtype=np.float32)


class ModelWriter:
    """Collects tensors for one model; matrices are N(0, gain / fan_in) so activations keep their scale."""

    def __init__(self, name, arch, path):
        self.name = name
        self.writer = gguf.GGUFWriter(path, arch)
        self.writer.add_name(name)
        self.writer.add_file_type(gguf.LlamaFileType.ALL_F32)

    def matrix(self, tensor_name, rows, cols, gain=1.0):
        """GGUF shape [cols, rows]: NumPy shape (rows, cols), rows = output width, cols = input width."""
        self.writer.add_tensor(tensor_name, gaussian(self.name, tensor_name, (rows, cols), gain / math.sqrt(cols)))

    def vector(self, tensor_name, values):
        self.writer.add_tensor(tensor_name, values)

    def close(self):
        self.writer.write_header_to_file()
        self.writer.write_kv_data_to_file()
        self.writer.write_tensors_to_file()
        self.writer.close()


def write_common(w, hp):
    g = w.writer
    g.add_context_length(2048)
    g.add_embedding_length(hp["width"])
    g.add_block_count(hp["layers"])
    g.add_feed_forward_length(hp["ff"])
    g.add_head_count(hp["heads"])
    g.add_head_count_kv(hp["kv_heads"])
    g.add_layer_norm_rms_eps(hp["eps"])
    g.add_rope_freq_base(hp["rope_base"])
    g.add_rope_dimension_count(hp["head_dim"])


def write_bpe_tokenizer(w, pre, specials, bos, eos, add_bos):
    tokens, types, merges = bpe_vocab(specials)
    g = w.writer
    g.add_tokenizer_model("gpt2")
    g.add_tokenizer_pre(pre)
    g.add_token_list(tokens)
    g.add_token_types(types)
    g.add_token_merges(merges)
    g.add_bos_token_id(tokens.index(bos))
    g.add_eos_token_id(tokens.index(eos))
    g.add_add_bos_token(add_bos)
    return len(tokens)


def write_blocks(w, hp, biases=False, gemma=False):
    width, head_dim = hp["width"], hp["head_dim"]
    q_width, kv_width = hp["heads"] * head_dim, hp["kv_heads"] * head_dim
    for i in range(hp["layers"]):
        p = f"blk.{i}."
        w.vector(p + "attn_norm.weight", norm_weight(w.name, p + "attn_norm.weight", width))
        w.matrix(p + "attn_q.weight", q_width, width)
        w.matrix(p + "attn_k.weight", kv_width, width)
        w.matrix(p + "attn_v.weight", kv_width, width)
        if biases:
            for t, n in (("attn_q", q_width), ("attn_k", kv_width), ("attn_v", kv_width)):
                w.vector(p + t + ".bias", gaussian(w.name, p + t + ".bias", n, 0.5))
        if gemma:
            w.vector(p + "attn_q_norm.weight", norm_weight(w.name, p + "attn_q_norm.weight", head_dim))
            w.vector(p + "attn_k_norm.weight", norm_weight(w.name, p + "attn_k_norm.weight", head_dim))
            # Post norms around 2 (1 + w with w around 1) so the blocks' outputs are not swamped by the scaled
            # embedding, which with a tied output otherwise makes every greedy step repeat the last token.
            for t in ("post_attention_norm", "post_ffw_norm"):
                w.vector(p + t + ".weight", norm_weight(w.name, p + t + ".weight", width, center=2.0))
        w.matrix(p + "attn_output.weight", width, q_width)
        w.vector(p + "ffn_norm.weight", norm_weight(w.name, p + "ffn_norm.weight", width))
        w.matrix(p + "ffn_gate.weight", hp["ff"], width, gain=2.0)
        w.matrix(p + "ffn_up.weight", hp["ff"], width)
        w.matrix(p + "ffn_down.weight", width, hp["ff"])


def qwen2(out_dir):
    hp = dict(width=128, layers=3, ff=256, heads=4, kv_heads=2, head_dim=32, eps=1e-6, rope_base=1e6)
    w = ModelWriter("synthetic-qwen2", "qwen2", os.path.join(out_dir, "synthetic-qwen2.gguf"))
    write_common(w, hp)
    vocab = write_bpe_tokenizer(w, "qwen2", ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                bos="<|endoftext|>", eos="<|im_end|>", add_bos=False)
    w.vector("token_embd.weight", gaussian(w.name, "token_embd.weight", (vocab, hp["width"]), 1.0))
    write_blocks(w, hp, biases=True)
    w.vector("output_norm.weight", norm_weight(w.name, "output_norm.weight", hp["width"]))
    w.matrix("output.weight", vocab, hp["width"], gain=3.0)
    w.close()


def llama3(out_dir):
    hp = dict(width=256, layers=3, ff=512, heads=8, kv_heads=2, head_dim=32, eps=1e-5, rope_base=500000.0)
    w = ModelWriter("synthetic-llama3", "llama", os.path.join(out_dir, "synthetic-llama3.gguf"))
    write_common(w, hp)
    vocab = write_bpe_tokenizer(w, "llama-bpe", ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                                                 "<|end_header_id|>", "<|eot_id|>"],
                                bos="<|begin_of_text|>", eos="<|eot_id|>", add_bos=True)
    w.vector("rope_freqs.weight", llama3_rope_factors(hp["head_dim"], hp["rope_base"]))
    w.vector("token_embd.weight", gaussian(w.name, "token_embd.weight", (vocab, hp["width"]), 0.25))
    write_blocks(w, hp)
    w.vector("output_norm.weight", norm_weight(w.name, "output_norm.weight", hp["width"]))
    w.close()


def gemma3(out_dir):
    hp = dict(width=64, layers=7, ff=192, heads=4, kv_heads=2, head_dim=32, eps=1e-6, rope_base=1e6)
    w = ModelWriter("synthetic-gemma3", "gemma3", os.path.join(out_dir, "synthetic-gemma3.gguf"))
    write_common(w, hp)
    g = w.writer
    g.add_key_length(hp["head_dim"])
    g.add_value_length(hp["head_dim"])
    g.add_sliding_window(8)
    g.add_rope_freq_base_swa(10000.0)
    tokens, types, scores = spm_vocab()
    g.add_tokenizer_model("llama")
    g.add_tokenizer_pre("default")
    g.add_token_list(tokens)
    g.add_token_types(types)
    g.add_token_scores(scores)
    g.add_bos_token_id(2)
    g.add_eos_token_id(1)
    g.add_unk_token_id(3)
    g.add_pad_token_id(0)
    g.add_add_bos_token(True)
    g.add_add_eos_token(False)
    g.add_add_space_prefix(False)
    w.vector("token_embd.weight", gaussian(w.name, "token_embd.weight", (len(tokens), hp["width"]), 0.25))
    write_blocks(w, hp, gemma=True)
    w.vector("output_norm.weight", norm_weight(w.name, "output_norm.weight", hp["width"]))
    w.close()


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for make in (qwen2, llama3, gemma3):
        make(out_dir)
    for name in ("synthetic-qwen2.gguf", "synthetic-llama3.gguf", "synthetic-gemma3.gguf"):
        path = os.path.join(out_dir, name)
        print(hashlib.sha256(open(path, "rb").read()).hexdigest(), name)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tools/synthetic-models.py OUT_DIR")
    main(sys.argv[1])
