#!/usr/bin/env python3
"""A client that disconnects in the middle of a stream frees its slot at once.

Usage: python3 tools/serve_tests/disconnect.py URL [--tokens 3] [--within 2] [--max-tokens 200]

Waits until the server is idle (veer_slots_busy 0 in /metrics), starts a long streaming chat request, reads
--tokens tokens, checks that /metrics shows the slot busy, closes the connection, then polls /metrics every 10 ms
until veer_slots_busy is back to 0. Passes when that takes at most --within seconds; prints the time, and the time in
decode steps (the stream's median time between tokens). Also checks that the server then completes a new request.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import asyncio  # noqa: E402

import httpx  # noqa: E402

from serve_client import Checks, fetch_metrics, metric_sum, run_main, send  # noqa: E402


async def busy_slots(client: httpx.AsyncClient, base: str) -> float | None:
    return metric_sum(await fetch_metrics(client, base), "veer_slots_busy")


async def wait_for_busy(client: httpx.AsyncClient, base: str, target: float, limit: float) -> float | None:
    """Seconds until veer_slots_busy equals target (polled every 10 ms), or None after `limit` seconds."""
    start = time.monotonic()
    while time.monotonic() - start <= limit:
        if await busy_slots(client, base) == target:
            return time.monotonic() - start
        await asyncio.sleep(0.01)
    return None


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8080 (idle: nothing else running)")
    parser.add_argument("--tokens", type=int, default=3, help="tokens to read before disconnecting (default 3)")
    parser.add_argument("--within", type=float, default=2.0, help="seconds the slot may take to free (default 2)")
    parser.add_argument("--max-tokens", type=int, default=200, help="the long request's max_tokens (default 200)")
    options = parser.parse_args()
    base = options.url.rstrip("/")
    checks = Checks("disconnect")
    print(f"disconnect: against {base}: read {options.tokens} tokens of a {options.max_tokens}-token stream, "
          f"then close", flush=True)

    async with httpx.AsyncClient(timeout=60) as monitor:
        idle = await wait_for_busy(monitor, base, 0, 30)
        if not checks.check(idle is not None, "the server is idle first (veer_slots_busy 0)",
                            f"veer_slots_busy {await busy_slots(monitor, base)}"):
            return checks.finish()

        seen_busy: list[float | None] = []

        async def stop_after_tokens(result) -> bool:
            if len(result.token_times) < options.tokens:
                return False
            seen_busy.append(await busy_slots(monitor, base))
            return True

        body = {"model": "veer", "messages": [{"role": "user", "content": "Write a long story about a dragon."}],
                "stream": True, "max_tokens": options.max_tokens, "temperature": 1.0, "seed": 3, "steering": []}
        # Its own client, closed at once, so that no pool keeps the connection open.
        async with httpx.AsyncClient(timeout=60) as streamer:
            result = await send(streamer, f"{base}/v1/chat/completions", body, on_chunk=stop_after_tokens)
        closed_at = time.monotonic()
        if not checks.check(result.status == 200 and len(result.token_times) >= options.tokens,
                            f"the stream sent {options.tokens} tokens",
                            f"HTTP {result.status}, {len(result.token_times)} tokens {result.transport_error or ''}"):
            return checks.finish()
        checks.check(not result.finish_reasons and not result.done_count,
                     "the stream was cut before its end (a longer --max-tokens is needed otherwise)",
                     f"finish reasons {result.finish_reasons}")
        checks.check(bool(seen_busy) and (seen_busy[0] or 0) >= 1, "veer_slots_busy >= 1 while it streams",
                     repr(seen_busy))
        freed = await wait_for_busy(monitor, base, 0, max(options.within, 10))
        # Measured from the close, not from the first poll.
        elapsed = None if freed is None else time.monotonic() - closed_at
        intervals = [b - a for a, b in zip(result.token_times, result.token_times[1:])]
        step = statistics.median(intervals) if intervals else None
        detail = "not freed in 10 s" if elapsed is None else f"freed {elapsed * 1000:.0f} ms after the close"
        if elapsed is not None and step:
            detail += f" ({elapsed / step:.1f} decode steps of {step * 1000:.0f} ms)"
        checks.check(elapsed is not None and elapsed <= options.within, f"the slot is free within {options.within} s",
                     detail)

        after = await send(monitor, f"{base}/v1/chat/completions",
                           {"model": "veer", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4,
                            "steering": []})
        checks.check(after.status == 200 and bool(after.text), "the server then completes a new request",
                     f"HTTP {after.status} {after.text[:40]!r}")
    return checks.finish()


if __name__ == "__main__":
    run_main(main)
