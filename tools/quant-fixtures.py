#!/usr/bin/env python3
"""Writes Tests/KernelsReferenceTests/Fixtures/quants.json: GGUF quant blocks and their dequantized values,
both produced by the `gguf` PyPI package (the Python half of llama.cpp's gguf-py), so the Swift reference
dequantizer is checked against an outside implementation of the same block layouts (nibble order, scales, f16).

Usage: pip install gguf numpy && python3 tools/quant-fixtures.py
The output is deterministic for a given gguf/numpy version (fixed seed); the versions used are recorded in it.

Types gguf can quantize (q4_0, q4_1, q5_0, q5_1, q8_0, f16) are quantized from random and awkward floats. gguf has no
quantizer for the K types: q4_k, q5_k and q6_k blocks are random bytes with finite f16 scales (every code, scale and
min bit pattern appears), dequantized by gguf. gguf cannot dequantize q8_k either (ggml uses it for activations
only): its blocks are random too and its floats are ggml's dequantize_row_q8_K, d * q in f32, computed here.

JSON layout, per type name ("q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "f16", "q4_k", "q5_k", "q6_k", "q8_k"):
  { "count": number of weights,
    "bytes": hex of the quantized blocks (little-endian, exactly as stored in a GGUF file),
    "floats": hex of gguf.quants.dequantize(...) as little-endian IEEE f32 (hex keeps NaN/inf/-0 bit-exact) }
"""
import importlib.metadata
import json
import os
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T

BLOCK = 32
SEED = 20240611


def awkward_blocks(rng: np.random.Generator) -> list[np.ndarray]:
    """Blocks that stress the formats: equal values (d = 0 paths), zeros, huge and tiny ranges, one outlier."""
    return [
        np.full(BLOCK, 0.37, dtype=np.float32),                       # all equal, positive
        np.full(BLOCK, -2.5, dtype=np.float32),                       # all equal, negative
        np.zeros(BLOCK, dtype=np.float32),                            # all zero
        np.linspace(-30000, 30000, BLOCK, dtype=np.float32),          # large range, near the f16 maximum
        (rng.standard_normal(BLOCK) * 1e-6).astype(np.float32),       # tiny: f16 subnormals
        np.concatenate([np.zeros(BLOCK - 1), [1000.0]]).astype(np.float32),  # one outlier
        np.arange(BLOCK, dtype=np.float32) - 16,                       # exact small integers, both signs
    ]


def make_data(rng: np.random.Generator, random_blocks: int) -> np.ndarray:
    scales = rng.uniform(0.01, 4.0, size=(random_blocks, 1)).astype(np.float32)
    random = (rng.standard_normal((random_blocks, BLOCK)) * scales).astype(np.float32)
    return np.concatenate([random] + [b.reshape(1, BLOCK) for b in awkward_blocks(rng)]).reshape(-1)


K_BLOCKS = 12
K_SEED = 20261206


def random_k_blocks(rng: np.random.Generator, qtype: T) -> np.ndarray:
    """K_BLOCKS random blocks of a K type, their f16 scales finite (random magnitudes, both signs, and one zero)."""
    _, block_bytes = gguf.constants.GGML_QUANT_SIZES[qtype]
    raw = rng.integers(0, 256, size=(K_BLOCKS, block_bytes), dtype=np.uint8)

    def halves(count: int) -> np.ndarray:
        values = (rng.standard_normal(count) * rng.choice([1e-4, 1e-2, 1.0], size=count)).astype(np.float16)
        values[0] = 0   # a zero scale
        return values.view(np.uint8).reshape(count, 2)

    if qtype in (T.Q4_K, T.Q5_K):
        raw[:, 0:2] = halves(K_BLOCKS)    # d
        raw[:, 2:4] = halves(K_BLOCKS)    # dmin
    elif qtype == T.Q6_K:
        raw[:, 208:210] = halves(K_BLOCKS)
    else:  # Q8_K: f32 d; bsums are unused by dequantization (random here)
        d = (rng.standard_normal(K_BLOCKS) * 0.01).astype(np.float32)
        raw[:, 0:4] = d.view(np.uint8).reshape(K_BLOCKS, 4)
    return raw


def dequantize_q8_k(raw: np.ndarray) -> np.ndarray:
    """ggml's dequantize_row_q8_K (gguf has none): y = d * q, one f32 product per weight."""
    d = raw[:, 0:4].copy().view(np.float32)
    q = raw[:, 4:260].view(np.int8).astype(np.float32)
    return (d * q).reshape(-1)


def main() -> None:
    rng = np.random.default_rng(SEED)
    data = make_data(rng, random_blocks=25)
    # f16 also covers values past its range (-> inf) and a NaN, which only a float format can hold.
    f16_extra = np.array([70000.0, -70000.0, np.nan, -0.0, 6.1e-5, 5.96e-8, 65504.0, 1.0 / 3.0], dtype=np.float32)

    out = {"generator": "tools/quant-fixtures.py", "seed": SEED,
           "gguf": importlib.metadata.version("gguf"), "numpy": np.__version__, "types": {}}
    for name, qtype, values in [("q4_0", T.Q4_0, data), ("q4_1", T.Q4_1, data), ("q8_0", T.Q8_0, data),
                                ("f16", T.F16, np.concatenate([data, f16_extra])),
                                ("q5_0", T.Q5_0, data), ("q5_1", T.Q5_1, data)]:
        with np.errstate(over="ignore"):  # f16_extra overflows to inf on purpose
            raw = np.ascontiguousarray(gguf.quants.quantize(values, qtype)).view(np.uint8)
        floats = np.ascontiguousarray(gguf.quants.dequantize(raw, qtype), dtype=np.float32).reshape(-1)
        assert floats.size == values.size, (name, floats.size, values.size)
        out["types"][name] = {"count": int(values.size), "bytes": raw.tobytes().hex(),
                              "floats": floats.astype("<f4").tobytes().hex()}

    # The K types from their own generator, so the entries above stay as they were.
    k_rng = np.random.default_rng(K_SEED)
    for name, qtype in [("q4_k", T.Q4_K), ("q5_k", T.Q5_K), ("q6_k", T.Q6_K), ("q8_k", T.Q8_K)]:
        raw = random_k_blocks(k_rng, qtype)
        if qtype == T.Q8_K:
            floats = dequantize_q8_k(raw)
        else:
            floats = np.ascontiguousarray(gguf.quants.dequantize(raw, qtype), dtype=np.float32).reshape(-1)
        assert floats.size == 256 * K_BLOCKS and np.isfinite(floats).all(), name
        out["types"][name] = {"count": int(floats.size), "bytes": raw.tobytes().hex(),
                              "floats": floats.astype("<f4").tobytes().hex()}

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "Tests", "KernelsReferenceTests", "Fixtures", "quants.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
