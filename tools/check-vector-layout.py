#!/usr/bin/env python3
"""Checks that a vector file is one llama.cpp applies exactly as Veer does, read with the `gguf` PyPI package
(the Python half of llama.cpp's gguf-py), independently of Veer's reader.

Usage: python3 tools/check-vector-layout.py FILE N_LAYER WIDTH

Asserts: general.architecture == "controlvector"; controlvector.model_hint (string) and controlvector.layer_count
present; the tensor set is exactly direction.N with 1 <= N < N_LAYER, each F32 with shape [WIDTH]. Prints the
veer.* keys with their values, one per line ("key<TAB>value"). Exits 1 with a message on the first failed check.
"""
import re
import sys

import gguf


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

    if not reader.tensors:
        fail("no tensors")
    seen = set()
    for tensor in reader.tensors:
        match = re.fullmatch(r"direction\.([0-9]+)", tensor.name)
        if not match:
            fail(f"tensor {tensor.name!r} is not named direction.N: llama.cpp refuses the file")
        layer = int(match.group(1))
        if not 1 <= layer < n_layer:
            fail(f"tensor {tensor.name!r}: layer {layer} outside 1..{n_layer - 1}")
        if layer in seen:
            fail(f"tensor {tensor.name!r} appears twice")
        seen.add(layer)
        if tensor.tensor_type != gguf.GGMLQuantizationType.F32:
            fail(f"tensor {tensor.name!r} is {tensor.tensor_type.name}, expected F32")
        shape = [int(d) for d in tensor.shape]
        if shape != [width]:
            fail(f"tensor {tensor.name!r} has shape {shape}, expected [{width}]")

    for key, field in fields.items():
        if key.startswith("veer."):
            print(f"{key}\t{field_value(field)}")


if __name__ == "__main__":
    main()
