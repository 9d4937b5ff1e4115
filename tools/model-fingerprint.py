#!/usr/bin/env python3
"""Prints the Veer model fingerprint (veer-fingerprint-v1, docs/vector-format.md) of a GGUF model file.

Usage: python3 tools/model-fingerprint.py MODEL.gguf
Written from the layout in docs/vector-format.md with the `gguf` PyPI package (pip install gguf numpy), independently
of Sources/Steering/ModelFingerprint.swift, so a test can check that the Swift code implements the documented layout.
"""
import hashlib
import struct
import sys

import gguf
from gguf import GGUFValueType as V

INTEGERS = {V.UINT8, V.INT8, V.UINT16, V.INT16, V.UINT32, V.INT32, V.UINT64, V.INT64}
FLOATS = {V.FLOAT32, V.FLOAT64}


def u32(n): return struct.pack("<I", n)
def u64(n): return struct.pack("<Q", n)
def text(s: bytes): return u64(len(s)) + s


def scalar(kind, raw):
    """One encoded scalar; `raw` is the numpy array GGUFReader holds for it (or the string's bytes)."""
    if kind in INTEGERS:
        n = int(raw[0])
        return b"i" + struct.pack("<q", n) if n <= 2**63 - 1 else b"u" + u64(n)
    if kind in FLOATS:
        return b"f" + struct.pack("<d", float(raw[0]))
    if kind == V.BOOL:
        return b"b" + bytes([1 if raw[0] else 0])
    if kind == V.STRING:
        return b"s" + text(bytes(raw))
    raise SystemExit(f"unexpected value type {kind}")


def value(field):
    kind = field.types[0]
    if kind != V.ARRAY:
        return scalar(kind, field.parts[field.data[0]])
    if len(field.types) > 2 and field.types[1] == V.ARRAY:
        raise SystemExit(f"{field.name}: nested arrays are not handled by this script")
    element = field.types[1] if len(field.types) > 1 else V.UINT8
    return b"a" + u64(len(field.data)) + b"".join(scalar(element, field.parts[i]) for i in field.data)


def fingerprint(path):
    reader = gguf.GGUFReader(path)
    fields = reader.fields
    arch = bytes(fields["general.architecture"].parts[-1])
    out = [b"veer-fingerprint-v1\0", text(arch)]
    keys = sorted((k.encode() for k in fields if k.encode().startswith(arch + b".")))
    out.append(u64(len(keys)))
    for key in keys:
        out += [text(key), value(fields[key.decode()])]
    tensors = sorted(reader.tensors, key=lambda t: t.name.encode())
    out.append(u64(len(tensors)))
    for t in tensors:
        # GGUFReader keeps the stored dimensions (ne[0] first) in `shape`.
        out += [text(t.name.encode()), u32(len(t.shape))] + [u64(int(d)) for d in t.shape]
    tokens = fields.get("tokenizer.ggml.tokens")
    if tokens is None:
        out.append(b"\0")
    else:
        out += [b"\1", u64(len(tokens.data))] + [text(bytes(tokens.parts[i])) for i in tokens.data]
    pre = fields.get("tokenizer.ggml.pre")
    out.append(b"\0" if pre is None else b"\1" + text(bytes(pre.parts[-1])))
    return hashlib.sha256(b"".join(out)).hexdigest()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(fingerprint(sys.argv[1]))
