#!/usr/bin/env python3
"""Writes two vector files into Tests/SteeringTests/Fixtures with the `gguf` PyPI package, independently of Veer:

repeng-tiny.gguf: a control vector written the way repeng's
ControlVector.export_gguf writes one (repeng/extract.py), with the `gguf` PyPI package:
general.architecture "controlvector", controlvector.model_hint "llama", controlvector.layer_count as uint32 = the
number of directions, and tensors direction.N in repeng's default layer order (n_layers - 1 down to 1).

veer-block0-tiny.gguf: a Veer file (docs/vector-format.md, format version 1) with a block-0 direction, which only
Veer applies: veer.direction.0 and direction.1, with veer.* keys. llama.cpp refuses it.

Usage: pip install gguf numpy && python3 tools/vector-fixtures.py
Model shape: 4 blocks of width 8. Direction N (both files) holds (N + 1) * 0.125 * [1, -1, 2, -2, 3, -3, 4, -4], exactly
representable in f32, so the test can state the expected values.
"""
import os

import gguf
import numpy as np

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "Tests", "SteeringTests", "Fixtures")
PATTERN = np.array([1, -1, 2, -2, 3, -3, 4, -4], dtype=np.float32)
N_LAYERS = 4


def direction(layer):
    return ((layer + 1) * 0.125 * PATTERN).astype(np.float32)


def write(name, keys, tensors):
    """keys: (add_* method name, key, value) in file order; tensors: (name, values)."""
    path = os.path.join(FIXTURES, name)
    writer = gguf.GGUFWriter(path, "controlvector")
    for method, key, value in keys:
        getattr(writer, method)(key, value)
    for tensor, values in tensors:
        writer.add_tensor(tensor, values)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(os.path.normpath(path))


# repeng's export_gguf: uint32 layer_count = len(directions), layers in its default order.
repeng_layers = list(range(N_LAYERS - 1, 0, -1))
write("repeng-tiny.gguf",
      [("add_string", "controlvector.model_hint", "llama"), ("add_uint32", "controlvector.layer_count", len(repeng_layers))],
      [(f"direction.{layer}", direction(layer)) for layer in repeng_layers])

write("veer-block0-tiny.gguf",
      [("add_string", "controlvector.model_hint", "llama"), ("add_int32", "controlvector.layer_count", 1),
       ("add_uint32", "veer.format_version", 1), ("add_string", "veer.operation", "add"),
       ("add_string", "veer.site", "resid_post"), ("add_string", "veer.extraction.method", "mean-diff")],
      [("veer.direction.0", direction(0)), ("direction.1", direction(1))])
