"""Shared client helpers for the `veer serve` test scripts and tools/bench-serve.

One copy of what every script needs: an SSE reader that records what a stream sent and when, a Prometheus text
parser, the registered vectors, an inline additive spec, and a pass/fail recorder. The scripts import it by path
(`sys.path` gets this folder), so nothing needs installing besides httpx (and openai for openai_client.py).
"""
from __future__ import annotations

import asyncio
import json
import math
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

# SmolLM2-135M's residual width: an additive spec's `v` has this many floats (SteeringSpec checks the size).
DEFAULT_WIDTH = 576

# User messages of three lengths: a few tokens, a sentence, and well over 64 tokens (a prefill of several chunks).
PROMPTS = {
    "short": "Hi!",
    "medium": "Tell me about your day, and what you plan to do this evening.",
    "long": ("I am writing a short story about a lighthouse keeper who lives alone on a rocky island far from the "
             "coast. Every night she climbs the spiral stairs, polishes the great lens, and watches the beam sweep "
             "across the dark water. One stormy evening a small boat appears near the rocks, and she must decide "
             "whether to leave the light and row out to help, or to keep the lamp burning for the ships that still "
             "depend on it. Describe how she feels as the storm grows, and what she decides to do."),
}


@dataclass
class StreamResult:
    """Everything one request got back: the HTTP status, and for a 200 stream each SSE event in order."""
    status: int | None = None
    # The parsed JSON of a non-200 answer or of a non-streamed 200 answer.
    body: Any = None
    raw_body: str = ""
    chunks: list[dict] = field(default_factory=list)
    text: str = ""
    # Token strings from the logprobs (chat: logprobs.content[].token; completions: logprobs.tokens).
    tokens: list[str] = field(default_factory=list)
    token_logprobs: list[float] = field(default_factory=list)
    finish_reasons: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    error_events: list[dict] = field(default_factory=list)
    done_count: int = 0
    events_after_done: int = 0
    usage: dict | None = None
    veer: dict | None = None
    # Seconds since the request was sent: first token text, every token text, end of the answer.
    ttft: float | None = None
    token_times: list[float] = field(default_factory=list)
    total: float | None = None
    sent_at: float = 0.0
    transport_error: str | None = None

    @property
    def completion_tokens(self) -> int:
        """The server's usage count when it sent one, else the number of tokens seen."""
        if self.usage and isinstance(self.usage.get("completion_tokens"), int):
            return self.usage["completion_tokens"]
        return len(self.tokens) if self.tokens else len(self.token_times)


def _absorb_choice(result: StreamResult, choice: dict, elapsed: float) -> None:
    """Adds one choice of a chunk (chat delta or completion text) to the result."""
    piece = None
    if isinstance(choice.get("delta"), dict):
        piece = choice["delta"].get("content")
    elif "text" in choice:
        piece = choice.get("text")
    elif isinstance(choice.get("message"), dict):
        piece = choice["message"].get("content")
    logprobs = choice.get("logprobs")
    if isinstance(logprobs, dict):
        if isinstance(logprobs.get("content"), list):
            for item in logprobs["content"]:
                result.tokens.append(item.get("token"))
                result.token_logprobs.append(item.get("logprob"))
        elif isinstance(logprobs.get("tokens"), list):
            result.tokens.extend(logprobs["tokens"])
            result.token_logprobs.extend(logprobs.get("token_logprobs") or [])
    if piece:
        result.text += piece
        result.token_times.append(elapsed)
        if result.ttft is None:
            result.ttft = elapsed
    if choice.get("finish_reason"):
        result.finish_reasons.append(choice["finish_reason"])


def _absorb_object(result: StreamResult, obj: dict, elapsed: float) -> None:
    """Adds one response object (a stream chunk or a whole answer) to the result."""
    if "error" in obj:
        result.error_events.append(obj["error"])
        return
    if obj.get("id"):
        result.ids.add(obj["id"])
    for choice in obj.get("choices") or []:
        _absorb_choice(result, choice, elapsed)
    if obj.get("usage"):
        result.usage = obj["usage"]
    if obj.get("veer"):
        result.veer = obj["veer"]


async def send(client: httpx.AsyncClient, url: str, body: Any, *, raw: str | None = None,
               on_chunk=None) -> StreamResult:
    """POSTs `body` (or the literal text `raw`) to `url`; reads an SSE stream when the answer is one.

    `on_chunk(result)` is awaited after every SSE event (the disconnect test uses it to stop reading early: it returns
    True to close the connection)."""
    result = StreamResult()
    start = time.monotonic()
    result.sent_at = start
    content = raw.encode() if raw is not None else json.dumps(body, allow_nan=True).encode()
    headers = {"content-type": "application/json"}
    try:
        async with client.stream("POST", url, content=content, headers=headers) as response:
            result.status = response.status_code
            kind = response.headers.get("content-type", "")
            if response.status_code != 200 or "text/event-stream" not in kind:
                result.raw_body = (await response.aread()).decode(errors="replace")
                try:
                    result.body = json.loads(result.raw_body)
                except ValueError:
                    result.body = None
                if response.status_code == 200 and isinstance(result.body, dict):
                    _absorb_object(result, result.body, time.monotonic() - start)
                result.total = time.monotonic() - start
                return result
            async for line in response.aiter_lines():
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                elapsed = time.monotonic() - start
                if result.done_count:
                    result.events_after_done += 1
                if payload == "[DONE]":
                    result.done_count += 1
                    continue
                obj = json.loads(payload)
                result.chunks.append(obj)
                _absorb_object(result, obj, elapsed)
                if on_chunk is not None and await on_chunk(result):
                    break
    except (httpx.TransportError, httpx.StreamError) as error:
        result.transport_error = f"{type(error).__name__}: {error}"
    result.total = time.monotonic() - start
    return result


def stream_problems(result: StreamResult) -> list[str]:
    """What is wrong with a finished 200 stream: one id, one finish reason or one error event, one [DONE] last."""
    problems = []
    if len(result.ids) != 1:
        problems.append(f"{len(result.ids)} distinct ids across the chunks (expected 1)")
    if result.done_count != 1:
        problems.append(f"{result.done_count} [DONE] events (expected 1)")
    if result.events_after_done:
        problems.append(f"{result.events_after_done} events after [DONE]")
    ends = len(result.finish_reasons) + len(result.error_events)
    if ends != 1:
        problems.append(f"{len(result.finish_reasons)} finish reasons and {len(result.error_events)} error events "
                        f"(expected exactly one of them)")
    return problems


# Prometheus text: `name{label="value",...} number` per line.
_METRIC_LINE = re.compile(r'^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)')
_LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text: str) -> list[tuple[str, dict[str, str], float]]:
    """Parses Prometheus text exposition into (name, labels, value) samples."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _METRIC_LINE.match(line)
        if not match:
            continue
        labels = dict(_LABEL.findall(match.group(3) or ""))
        samples.append((match.group(1), labels, float(match.group(4))))
    return samples


def metric_sum(samples, name: str, **labels) -> float | None:
    """Sum of the samples named `name` whose labels include `labels`; None when there is no such sample."""
    values = [value for sample_name, sample_labels, value in samples
              if sample_name == name and all(sample_labels.get(k) == v for k, v in labels.items())]
    return sum(values) if values else None


async def fetch_metrics(client: httpx.AsyncClient, base: str):
    response = await client.get(f"{base}/metrics")
    response.raise_for_status()
    return parse_metrics(response.text)


async def registered_vectors(client: httpx.AsyncClient, base: str) -> list[dict]:
    """`GET /v1/steering/vectors`' data list."""
    response = await client.get(f"{base}/v1/steering/vectors")
    response.raise_for_status()
    return response.json()["data"]


def additive_spec(layer: int, s: float, *, width: int = DEFAULT_WIDTH, norm: float = 8.0, seed: int = 13) -> dict:
    """An inline additive spec (SteeringSpec's keys: method, site, layer, s, v): a fixed pseudo-random direction of
    the given norm added at resid_post of `layer`, scaled by s."""
    rng = random.Random(seed)
    v = [rng.gauss(0.0, 1.0) for _ in range(width)]
    scale = norm / math.sqrt(sum(x * x for x in v))
    return {"method": "additive", "site": "resid_post", "layer": layer, "s": s, "v": [x * scale for x in v]}


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0...100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


class Checks:
    """Records named pass/fail checks, prints each as it is decided, and gives the exit status."""

    def __init__(self, title: str):
        self.title = title
        self.failed: list[str] = []
        self.passed = 0

    def check(self, ok: bool, name: str, detail: str = "") -> bool:
        print(f"  {'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)
        return ok

    def info(self, text: str) -> None:
        print(f"       {text}", flush=True)

    def finish(self) -> int:
        if self.failed:
            print(f"{self.title}: FAILED {len(self.failed)} of {len(self.failed) + self.passed} checks: "
                  + "; ".join(self.failed), flush=True)
            return 1
        print(f"{self.title}: all {self.passed} checks passed", flush=True)
        return 0


def run_main(coroutine_factory) -> None:
    """Runs an async main that returns an exit status; a connection failure is a clear message and status 2."""
    try:
        status = asyncio.run(coroutine_factory())
    except httpx.ConnectError as error:
        print(f"error: cannot connect to the server ({error})", flush=True)
        status = 2
    raise SystemExit(status)
