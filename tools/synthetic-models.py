#!/usr/bin/env python3
"""Writes the small synthetic F32 GGUF models the architecture goldens were made on (Tests/Goldens/arch).

Usage: tools/synthetic-models.py OUT_DIR
Writes OUT_DIR/synthetic-qwen2.gguf, synthetic-llama3.gguf, synthetic-gemma3.gguf and synthetic-llama3-kquant.gguf.
Every weight comes from a NumPy generator seeded per model and tensor, so the files are byte for byte the same on every
run (the goldens record their SHA-256; a test regenerates the models and checks those before comparing logits).

synthetic-llama3-kquant.gguf is the Llama 3 shape with its matrices stored as K-quants (Q4_K, Q5_K, Q6_K), written
here block by block from seeded codes and scales, so that a test can regenerate a K-quant model without llama.cpp
(gguf-py only dequantizes K-quants; llama-quantize's Q4_K_M copy of synthetic-llama3.gguf is made by make_goldens.py).

Each model exercises what its architecture adds to the llama layout:
- qwen2: Q/K/V biases, NEOX RoPE, an untied output matrix, ChatML-style special tokens, pre-tokenizer "qwen2".
- llama3: Llama 3 RoPE frequency scaling (rope_freqs.weight from the Llama 3 formula, with a small original context
  so that the factors matter at the prompts' positions), tied output, pre-tokenizer "llama-bpe"; width 256 so that
  llama-quantize can make every matrix a K-quant (K-quant blocks hold 256 values).
- gemma3: 7 layers (the default pattern 6 makes layer 5 global, the others local), sliding window 8,
  rope.freq_base_swa != rope.freq_base, key_length 32 with 4 heads (query width 128 != width 64), Q/K norms,
  post-attention and post-FFN norms with weights around 2 and the other norms around 1 (GGUF stores 1 + w), GeGLU,
  tied output, SentencePiece vocabulary with byte-fallback tokens.
"""
import hashlib, math, os, sys
import numpy as np
import gguf
from gguf import GGMLQuantizationType as QType

QK_K = 256  # values per K-quant block

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
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
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

    def __init__(self, name, arch, path, file_type=gguf.LlamaFileType.ALL_F32):
        self.name = name
        self.writer = gguf.GGUFWriter(path, arch)
        self.writer.add_name(name)
        self.writer.add_file_type(file_type)

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


def kquant_codes(rng, rows, cols, levels, scale_range, target_std):
    """Seeded K-quant content for a (rows, cols) matrix: per 256-value block an f16 super-scale `d`, 6- or 8-bit
    sub-block scales in scale_range and codes in [0, levels); the super-scale makes the dequantized std target_std."""
    blocks = rows * cols // QK_K
    codes = rng.integers(0, levels, size=(blocks, QK_K), dtype=np.int64)
    code_std = math.sqrt((levels * levels - 1) / 12)
    mean_scale = (scale_range[0] + scale_range[1]) / 2
    d = np.float16(target_std / (mean_scale * code_std))
    return blocks, codes, d


def pack_q4_k_scales(sc, m):
    """The 12-byte 6-bit packing of eight scales and eight mins (ggml's get_scale_min_k4, inverted)."""
    out = np.zeros((sc.shape[0], 12), dtype=np.uint8)
    out[:, 0:4] = (sc[:, 0:4] & 0x3F) | ((sc[:, 4:8] >> 4) << 6)
    out[:, 4:8] = (m[:, 0:4] & 0x3F) | ((m[:, 4:8] >> 4) << 6)
    out[:, 8:12] = (sc[:, 4:8] & 0x0F) | ((m[:, 4:8] & 0x0F) << 4)
    return out


def q4_k_or_q5_k(rng, rows, cols, target_std, bits):
    """Q4_K (bits 4) or Q5_K (bits 5) blocks. Each sub-block's min is its scale times (levels - 1) / 2 (dmin is d
    times that), so every sub-block is centred on 0: value = d * sc * (q - (levels - 1) / 2)."""
    levels = 1 << bits
    blocks, codes, d = kquant_codes(rng, rows, cols, levels, (32, 63), target_std)
    sc = rng.integers(32, 64, size=(blocks, 8), dtype=np.int64).astype(np.uint8)
    dmin = np.float16(float(d) * (levels - 1) / 2)
    sub = codes.reshape(blocks, 8, 32)
    low = (sub & 0x0F).astype(np.uint8)
    qs = (low[:, 0::2, :] | (low[:, 1::2, :] << 4)).reshape(blocks, 128)  # sub-blocks 2c, 2c+1 share 32 bytes
    parts = [np.full((blocks, 1), d).view(np.uint8), np.full((blocks, 1), dmin).view(np.uint8),
             pack_q4_k_scales(sc, sc)]
    if bits == 5:
        high = ((sub >> 4) & 1).astype(np.uint8)  # bit i of qh[l] is the fifth bit of sub-block i's value l
        parts.append(np.bitwise_or.reduce(high << np.arange(8, dtype=np.uint8).reshape(1, 8, 1), axis=1))
    parts.append(qs)
    return np.concatenate(parts, axis=1).reshape(rows, -1)


def q6_k(rng, rows, cols, target_std):
    """Q6_K blocks: value = d * scale * (q - 32), signed 8-bit scales per 16 values."""
    blocks, codes, d = kquant_codes(rng, rows, cols, 64, (16, 127), target_std)
    scales = (rng.integers(16, 128, size=(blocks, 16)) * rng.choice([-1, 1], size=(blocks, 16))).astype(np.int8)
    halves = codes.reshape(blocks, 2, 4, 32)  # value h*128 + k*32 + l
    low = (halves & 0x0F).astype(np.uint8)
    ql = (low[:, :, 0:2, :].reshape(blocks, 2, 64) | (low[:, :, 2:4, :].reshape(blocks, 2, 64) << 4))
    high = ((halves >> 4) & 0x03).astype(np.uint8)
    qh = np.bitwise_or.reduce(high << (2 * np.arange(4, dtype=np.uint8)).reshape(1, 1, 4, 1), axis=2)
    return np.concatenate([ql.reshape(blocks, 128), qh.reshape(blocks, 64), scales.view(np.uint8),
                           np.full((blocks, 1), d).view(np.uint8)], axis=1).reshape(rows, -1)


def kquant_matrix(w, tensor_name, rows, cols, qtype, gain=1.0):
    rng = generator(w.name, tensor_name)
    std = gain / math.sqrt(cols)
    data = {QType.Q4_K: lambda: q4_k_or_q5_k(rng, rows, cols, std, 4),
            QType.Q5_K: lambda: q4_k_or_q5_k(rng, rows, cols, std, 5),
            QType.Q6_K: lambda: q6_k(rng, rows, cols, std)}[qtype]()
    w.writer.add_tensor(tensor_name, data, raw_dtype=qtype)


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


LLAMA3_KQUANT_TYPES = {"attn_q": QType.Q4_K, "attn_k": QType.Q4_K, "attn_v": QType.Q5_K, "attn_output": QType.Q4_K,
                       "ffn_gate": QType.Q4_K, "ffn_up": QType.Q5_K, "ffn_down": QType.Q6_K}


def llama3_kquant(out_dir):
    """The synthetic Llama 3 shape with K-quant matrices (token_embd Q6_K; see LLAMA3_KQUANT_TYPES)."""
    hp = dict(width=256, layers=3, ff=512, heads=8, kv_heads=2, head_dim=32, eps=1e-5, rope_base=500000.0)
    w = ModelWriter("synthetic-llama3-kquant", "llama", os.path.join(out_dir, "synthetic-llama3-kquant.gguf"),
                    file_type=gguf.LlamaFileType.MOSTLY_Q4_K_M)
    write_common(w, hp)
    vocab = write_bpe_tokenizer(w, "llama-bpe", ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                                                 "<|end_header_id|>", "<|eot_id|>"],
                                bos="<|begin_of_text|>", eos="<|eot_id|>", add_bos=True)
    w.vector("rope_freqs.weight", llama3_rope_factors(hp["head_dim"], hp["rope_base"]))
    kquant_matrix(w, "token_embd.weight", vocab, hp["width"], QType.Q6_K, gain=0.25 * math.sqrt(hp["width"]))
    width, q_width, kv_width = hp["width"], hp["heads"] * hp["head_dim"], hp["kv_heads"] * hp["head_dim"]
    shapes = {"attn_q": (q_width, width), "attn_k": (kv_width, width), "attn_v": (kv_width, width),
              "attn_output": (width, q_width), "ffn_gate": (hp["ff"], width), "ffn_up": (hp["ff"], width),
              "ffn_down": (width, hp["ff"])}
    for i in range(hp["layers"]):
        p = f"blk.{i}."
        w.vector(p + "attn_norm.weight", norm_weight(w.name, p + "attn_norm.weight", width))
        w.vector(p + "ffn_norm.weight", norm_weight(w.name, p + "ffn_norm.weight", width))
        for t, (rows, cols) in shapes.items():
            gain = 2.0 if t == "ffn_gate" else 1.0
            kquant_matrix(w, p + t + ".weight", rows, cols, LLAMA3_KQUANT_TYPES[t], gain=gain)
    w.vector("output_norm.weight", norm_weight(w.name, "output_norm.weight", width))
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


MODEL_FILES = ["synthetic-qwen2.gguf", "synthetic-llama3.gguf", "synthetic-gemma3.gguf", "synthetic-llama3-kquant.gguf"]


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for make in (qwen2, llama3, gemma3, llama3_kquant):
        make(out_dir)
    for name in MODEL_FILES:
        path = os.path.join(out_dir, name)
        print(hashlib.sha256(open(path, "rb").read()).hexdigest(), name)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tools/synthetic-models.py OUT_DIR")
    main(sys.argv[1])
