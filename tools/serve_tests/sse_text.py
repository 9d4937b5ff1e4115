#!/usr/bin/env python3
"""Prints the text of an OpenAI chat-completion SSE stream read from stdin, then the `veer` field of its last chunk
(what steering was applied, time to first token). Used by tools/demo."""
import json
import sys

text, veer = "", None
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("data: ") or line == "data: [DONE]":
        continue
    chunk = json.loads(line[len("data: "):])
    if "error" in chunk:
        sys.exit(f"stream error: {chunk['error'].get('message')}")
    for choice in chunk.get("choices", []):
        text += (choice.get("delta") or {}).get("content") or ""
    veer = chunk.get("veer", veer)
print(text)
if veer:
    print(f"veer: steering {json.dumps(veer.get('steering'))}, ttft {veer.get('timings', {}).get('ttft_ms', 0):.0f} ms")
