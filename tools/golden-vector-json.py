#!/usr/bin/env python3
"""Writes a llama.cpp control-vector GGUF as the JSON golden the tests read (Tests/Goldens/<name>.json).

The tests rebuild the GGUF from this JSON with Veer's GGUFWriter and check that its SHA-256 equals the original's,
recorded here: the repository keeps text goldens, not GGUF files, and the rebuilt file is byte for byte llama.cpp's.
Usage: tools/golden-vector-json.py FILE.gguf OUT.json
"""
import hashlib, json, sys
import numpy as np
from gguf import GGUFReader, GGUFValueType

def main(path, out):
    reader = GGUFReader(path)
    metadata = []
    for field in reader.fields.values():
        if field.name.startswith("GGUF."):
            continue
        kind = field.types[0]
        if kind == GGUFValueType.STRING:
            metadata.append({"key": field.name, "type": "string", "value": bytes(field.parts[-1]).decode()})
        elif kind == GGUFValueType.INT32:
            metadata.append({"key": field.name, "type": "int32", "value": int(field.parts[-1][0])})
        else:
            sys.exit(f"{path}: key {field.name} has type {kind.name}, which this script does not write")
    tensors = [{"name": t.name, "shape": [int(n) for n in t.shape],
                "values": [float(v) for v in np.asarray(t.data, dtype=np.float32).reshape(-1)]} for t in reader.tensors]
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    json.dump({"source_file": path.split("/")[-1], "sha256": digest,
               "metadata": metadata, "tensors": tensors}, open(out, "w"), indent=None)

if __name__ == "__main__":
    main(*sys.argv[1:3])
