#!/usr/bin/env python3
"""Batch invariance through the server: at temperature 0, each of 8 concurrent streaming chat requests gets exactly
the tokens it gets when sent alone.

Usage: python3 tools/serve_tests/batch_invariance.py URL [--max-tokens 24] [--vector NAME] [--strengths 1,2]
                                                      [--spec-layer 10] [--spec-strength 4]

The 8 requests mix steering (none, a registered vector at two strengths, an inline additive JSON spec
{"spec": {"method": "additive", "site": "resid_post", "layer": L, "s": S, "v": [576 floats]}}) and prompt lengths
(a few tokens, a sentence, and a prompt of well over 64 tokens, so that its prefill takes several chunks while the
others decode). All 8 are sent at once (the server needs 8 slots for them to share the batch), then each alone, one
after the other. Checks (exit 1 on any failure): every request answered 200 with a well-formed stream; the text and
the token sequence (from logprobs) of each concurrent answer equal its answer alone; the streams really overlapped
(at least 2 produced tokens at the same time); the vector and the spec change the answer of an unsteered request with
the same prompt (so that steering really reached its rows). The largest logprob difference is printed for information.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import httpx  # noqa: E402

from serve_client import PROMPTS, Checks, additive_spec, registered_vectors, run_main, send, stream_problems  # noqa: E402


def plan(vector: str | None, strengths: list[float], spec: dict, second: str | None) -> list[tuple[str, str, list]]:
    """The 8 requests: (label, prompt length, steering). Each steered request has an unsteered one with its prompt."""
    weak, strong = strengths
    steer = (lambda s: [{"vector": vector, "strength": s}]) if vector else (lambda s: [])
    return [
        ("none/short", "short", []),
        ("none/medium", "medium", []),
        ("none/long", "long", []),
        (f"{vector}@{weak}/short", "short", steer(weak)),
        (f"{vector}@{strong}/short", "short", steer(strong)),
        (f"{vector}@{strong}/long", "long", steer(strong)),
        (f"spec(additive@{spec['layer']},s={spec['s']})/medium", "medium", [{"spec": spec}]),
        (f"{second or vector}@{weak}/medium", "medium",
         [{"vector": second, "strength": weak}] if second else steer(weak)),
    ]


def body(prompt: str, steering: list, max_tokens: int) -> dict:
    return {"model": "veer", "messages": [{"role": "user", "content": PROMPTS[prompt]}], "stream": True,
            "temperature": 0, "seed": 1, "max_tokens": max_tokens, "logprobs": True, "steering": steering,
            "stream_options": {"include_usage": True}}


def first_difference(batched, single) -> str:
    """Where two answers part: the first differing token, and the lengths."""
    index = next((i for i, (a, b) in enumerate(zip(batched.tokens, single.tokens)) if a != b),
                 min(len(batched.tokens), len(single.tokens)))
    return (f"{len(batched.tokens)} vs {len(single.tokens)} tokens, first difference at token {index}: "
            f"concurrent {batched.tokens[index:index + 3]} vs alone {single.tokens[index:index + 3]}; "
            f"texts {batched.text[:40]!r} vs {single.text[:40]!r}")


def max_overlap(results) -> int:
    """The most streams that were between their first and last token at the same moment."""
    edges = []
    for result in results:
        if result.token_times:
            edges.append((result.sent_at + result.token_times[0], 1))
            edges.append((result.sent_at + result.token_times[-1], -1))
    edges.sort(key=lambda edge: (edge[0], edge[1]))
    most = running = 0
    for _, step in edges:
        running += step
        most = max(most, running)
    return most


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8080 (started with --slots 8 or more)")
    parser.add_argument("--max-tokens", type=int, default=24)
    parser.add_argument("--vector", help="the registered vector to steer with (default: the first listed)")
    parser.add_argument("--strengths", default="1,2", help="the vector's two strengths, WEAK,STRONG (default 1,2)")
    parser.add_argument("--spec-layer", type=int, default=10, help="the inline spec's block (default 10)")
    parser.add_argument("--spec-strength", type=float, default=4.0, help="the inline spec's s (default 4; v has norm 8)")
    parser.add_argument("--label", default="", help="a name for this run in the output (e.g. the backend)")
    options = parser.parse_args()
    base = options.url.rstrip("/")
    strengths = [float(text) for text in options.strengths.split(",")]
    if len(strengths) != 2:
        parser.error(f"--strengths {options.strengths!r}: expected two numbers, WEAK,STRONG")
    checks = Checks(f"batch_invariance{' ' + options.label if options.label else ''}")
    url = f"{base}/v1/chat/completions"

    async with httpx.AsyncClient(timeout=httpx.Timeout(600.0), limits=httpx.Limits(max_connections=16)) as client:
        names = [item["name"] for item in await registered_vectors(client, base)]
        vector = options.vector or (names[0] if names else None)
        print(f"{checks.title}: 8 concurrent streams against {base}, then each alone "
              f"(max_tokens {options.max_tokens}, temperature 0)", flush=True)
        checks.check(vector is not None, "a registered vector to steer with", ", ".join(names))
        second = next((name for name in names if name != vector), None)
        spec = additive_spec(options.spec_layer, options.spec_strength)
        requests = plan(vector, strengths, spec, second)

        together = await asyncio.gather(*(send(client, url, body(prompt, steering, options.max_tokens))
                                          for _, prompt, steering in requests))
        alone = [await send(client, url, body(prompt, steering, options.max_tokens)) for _, prompt, steering in requests]

    overlap = max_overlap(together)
    checks.check(overlap >= 2, "the concurrent streams overlapped", f"up to {overlap} streams decoding at once")
    worst_logprob = 0.0
    for (label, _, _), batched, single in zip(requests, together, alone):
        for phase, result in (("concurrent", batched), ("alone", single)):
            problems = ([f"HTTP {result.status}: {result.raw_body[:200]}"] if result.status != 200
                        else [result.transport_error] if result.transport_error else stream_problems(result))
            if result.error_events:
                problems.append(f"error event {result.error_events[0]}")
            checks.check(not problems, f"{label} {phase}: a well-formed stream", "; ".join(problems))
        same_tokens = batched.tokens == single.tokens and len(batched.tokens) > 0
        checks.check(batched.text == single.text and same_tokens, f"{label}: same tokens concurrent and alone",
                     f"{len(batched.tokens)} tokens {batched.text[:50]!r}" if same_tokens else
                     first_difference(batched, single))
        if same_tokens:
            for a, b in zip(batched.token_logprobs, single.token_logprobs):
                if a is not None and b is not None:
                    worst_logprob = max(worst_logprob, abs(a - b))
    checks.info(f"largest logprob difference concurrent vs alone: {worst_logprob:.3g}")

    by_label = {label: result for (label, _, _), result in zip(requests, alone)}
    unsteered = {prompt: by_label[label] for label, prompt, steering in requests if not steering}
    for label, prompt, steering in requests:
        if steering and label.startswith((f"{vector}@{strengths[1]}", "spec")):
            checks.check(by_label[label].text != unsteered[prompt].text,
                         f"{label}: steering changes the answer of none/{prompt}", repr(by_label[label].text[:60]))
    return checks.finish()


if __name__ == "__main__":
    run_main(main)
