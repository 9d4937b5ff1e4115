#!/usr/bin/env python3
"""Writes Tests/SteeringTests/Fixtures/repeng-tiny.gguf: a control vector written the way repeng's
ControlVector.export_gguf writes one (repeng/extract.py), with the `gguf` PyPI package:
general.architecture "controlvector", controlvector.model_hint "llama", controlvector.layer_count as uint32 = the
number of directions, and tensors direction.N in repeng's default layer order (n_layers - 1 down to 1).

Usage: pip install gguf numpy && python3 tools/vector-fixtures.py
Model shape: 4 blocks of width 8. Direction N holds (N + 1) * 0.125 * [1, -1, 2, -2, 3, -3, 4, -4], exactly
representable in f32, so the test can state the expected values.
"""
import os

import gguf
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "SteeringTests", "Fixtures", "repeng-tiny.gguf")
PATTERN = np.array([1, -1, 2, -2, 3, -3, 4, -4], dtype=np.float32)
N_LAYERS = 4

directions = {layer: (layer + 1) * 0.125 * PATTERN for layer in range(N_LAYERS - 1, 0, -1)}

arch = "controlvector"
writer = gguf.GGUFWriter(OUT, arch)
writer.add_string(f"{arch}.model_hint", "llama")
writer.add_uint32(f"{arch}.layer_count", len(directions))
for layer in directions:
    writer.add_tensor(f"direction.{layer}", directions[layer].astype(np.float32))
writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()
print(os.path.normpath(OUT))
