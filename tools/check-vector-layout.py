#!/usr/bin/env python3
"""Checks that a vector file has the layout docs/vector-format.md gives it, read with the `gguf` PyPI package (the
Python half of llama.cpp's gguf-py), independently of Veer's reader.

Usage: python3 tools/check-vector-layout.py FILE N_LAYER WIDTH

WIDTH is the width of the file's site in the model (d_model; heads x head_dim for heads_concat).

Always asserts: general.architecture == "controlvector"; controlvector.model_hint (string) and
controlvector.layer_count present; every tensor F32 with shape [WIDTH], one per block, blocks < N_LAYER; the
format-2 keys (veer.method, veer.positions, veer.strength, veer.spherical.*, veer.austeer.k) of their types and
ranges and consistent with veer.operation; veer.format_version 2 exactly when the file holds any of them or an
operation other than add.

A file llama.cpp applies exactly as Veer does (add at resid_post, strength 1, every position) must hold exactly the
tensors llama.cpp reads: direction.N with 1 <= N. Any other file must hold only Veer-only names that make llama.cpp
refuse it: veer.direction.N (add), veer.mu.N (rotate, each of unit L2 norm within 1e-3), veer.units.N (scale_units,
at most veer.austeer.k non-zero values in all).

Prints the veer.* keys with their values, one per line ("key<TAB>value"). Exits 1 with a message on the first failed
check.
"""
import math
import re
import sys

import gguf

METHOD_OPERATION = {"additive": "add", "iti": "add", "spherical": "rotate", "austeer": "scale_units"}
TENSOR_PATTERN = {"add": r"veer\.direction\.([0-9]+)", "rotate": r"veer\.mu\.([0-9]+)", "scale_units": r"veer\.units\.([0-9]+)"}
POSITIONS = re.compile(r"all|prompt|generated|last|from:prompt-end|from:answer-start|from:-?[0-9]+|[0-9]+(,[0-9]+)*")
VERSION_2_KEYS = ["veer.method", "veer.positions", "veer.strength", "veer.spherical.gated", "veer.spherical.kappa",
                  "veer.spherical.beta", "veer.austeer.k"]


def fail(message):
    print(f"check-vector-layout: {sys.argv[1]}: {message}", file=sys.stderr)
    sys.exit(1)


def field_value(field):
    """A metadata value as Python data: str, number, or list."""
    kind = field.types[0]
    if kind == gguf.GGUFValueType.STRING:
        return bytes(field.parts[-1]).decode("utf-8")
    if kind == gguf.GGUFValueType.ARRAY:
        if field.types[1] == gguf.GGUFValueType.STRING:
            return [bytes(field.parts[i]).decode("utf-8") for i in field.data]
        return [field.parts[i].tolist()[0] for i in field.data]
    return field.parts[field.data[0]].tolist()[0]


def typed(fields, key, kind):
    """The value of key, None when absent; fails unless it is of GGUF type kind."""
    field = fields.get(key)
    if field is None:
        return None
    if field.types[0] != kind:
        fail(f"{key} is {field.types[0].name}, expected {kind.name}")
    return field_value(field)


def check_method_keys(fields, operation, site):
    """The format-2 keys: types, ranges, and whether they fit the operation. Returns veer.austeer.k or None."""
    method = typed(fields, "veer.method", gguf.GGUFValueType.STRING)
    if method is not None:
        if method not in METHOD_OPERATION:
            fail(f"veer.method is {method!r}, expected one of {sorted(METHOD_OPERATION)}")
        if METHOD_OPERATION[method] != operation:
            fail(f"veer.method {method!r} does not fit veer.operation {operation!r}")
        if method == "iti" and site != "heads_concat":
            fail(f"veer.method 'iti' needs veer.site heads_concat, found {site!r}")
    positions = typed(fields, "veer.positions", gguf.GGUFValueType.STRING)
    if positions is not None and not POSITIONS.fullmatch(positions):
        fail(f"veer.positions {positions!r} is not a position policy")
    strength = typed(fields, "veer.strength", gguf.GGUFValueType.FLOAT32)
    if strength is not None and not math.isfinite(strength):
        fail(f"veer.strength {strength} is not finite")
    gated = typed(fields, "veer.spherical.gated", gguf.GGUFValueType.BOOL)
    kappa = typed(fields, "veer.spherical.kappa", gguf.GGUFValueType.FLOAT32)
    beta = typed(fields, "veer.spherical.beta", gguf.GGUFValueType.FLOAT32)
    if operation == "rotate":
        if site != "resid_post":
            fail(f"a rotate file must be at resid_post, found {site!r}")
        if gated is None:
            fail("veer.spherical.gated is missing in a rotate file")
        if gated:
            if kappa is None or not math.isfinite(kappa):
                fail(f"veer.spherical.kappa is {kappa}, expected a finite float32 when gated")
            if beta is None or not -1 <= beta < 1:
                fail(f"veer.spherical.beta is {beta}, expected a float32 in [-1, 1) when gated")
        elif kappa is not None or beta is not None:
            fail("veer.spherical.kappa and veer.spherical.beta must be absent when not gated")
    elif gated is not None or kappa is not None or beta is not None:
        fail(f"veer.spherical.* keys in a file whose operation is {operation!r}")
    k = typed(fields, "veer.austeer.k", gguf.GGUFValueType.UINT32)
    if k is not None and operation != "scale_units":
        fail(f"veer.austeer.k in a file whose operation is {operation!r}")
    return k


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    path, n_layer, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    reader = gguf.GGUFReader(path)
    fields = reader.fields

    arch = fields.get("general.architecture")
    if arch is None or field_value(arch) != "controlvector":
        fail(f"general.architecture is {arch and field_value(arch)!r}, expected 'controlvector'")
    hint = fields.get("controlvector.model_hint")
    if hint is None or hint.types[0] != gguf.GGUFValueType.STRING:
        fail("controlvector.model_hint (string) is missing")
    if "controlvector.layer_count" not in fields:
        fail("controlvector.layer_count is missing")

    operation = typed(fields, "veer.operation", gguf.GGUFValueType.STRING) or "add"
    if operation not in TENSOR_PATTERN:
        fail(f"veer.operation is {operation!r}, expected add, rotate or scale_units")
    site = typed(fields, "veer.site", gguf.GGUFValueType.STRING) or "resid_post"
    k = check_method_keys(fields, operation, site)
    version = typed(fields, "veer.format_version", gguf.GGUFValueType.UINT32)
    needs_2 = operation != "add" or any(key in fields for key in VERSION_2_KEYS)
    if version is not None and version != (2 if needs_2 else 1):
        fail(f"veer.format_version is {version}, expected {2 if needs_2 else 1}")

    strength = typed(fields, "veer.strength", gguf.GGUFValueType.FLOAT32)
    positions = typed(fields, "veer.positions", gguf.GGUFValueType.STRING)
    like_llama_cpp = (operation == "add" and site == "resid_post" and strength in (None, 1.0)
                      and positions in (None, "all"))
    pattern = r"direction\.([0-9]+)" if like_llama_cpp else TENSOR_PATTERN[operation]

    if not reader.tensors:
        fail("no tensors")
    seen = set()
    non_zero = 0
    for tensor in reader.tensors:
        match = re.fullmatch(pattern, tensor.name)
        if not match:
            if like_llama_cpp:
                fail(f"tensor {tensor.name!r} is not named direction.N: llama.cpp refuses the file")
            fail(f"tensor {tensor.name!r} is not named {pattern} as operation {operation!r} at {site!r} needs")
        layer = int(match.group(1))
        lowest = 1 if like_llama_cpp else 0
        if not lowest <= layer < n_layer:
            fail(f"tensor {tensor.name!r}: layer {layer} outside {lowest}..{n_layer - 1}")
        if layer in seen:
            fail(f"tensor {tensor.name!r} appears twice")
        seen.add(layer)
        if tensor.tensor_type != gguf.GGMLQuantizationType.F32:
            fail(f"tensor {tensor.name!r} is {tensor.tensor_type.name}, expected F32")
        shape = [int(d) for d in tensor.shape]
        if shape != [width]:
            fail(f"tensor {tensor.name!r} has shape {shape}, expected [{width}]")
        values = [float(v) for v in tensor.data]
        if not all(math.isfinite(v) for v in values):
            fail(f"tensor {tensor.name!r} holds non-finite values")
        if operation == "rotate":
            norm = math.sqrt(sum(v * v for v in values))
            if abs(norm - 1) > 1e-3:
                fail(f"tensor {tensor.name!r} has norm {norm}, expected a unit prototype")
        non_zero += sum(1 for v in values if v != 0)
    if k is not None and non_zero > k:
        fail(f"the veer.units tensors hold {non_zero} non-zero units, more than veer.austeer.k = {k}")

    for key, field in fields.items():
        if key.startswith("veer."):
            print(f"{key}\t{field_value(field)}")


if __name__ == "__main__":
    main()
