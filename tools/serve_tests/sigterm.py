#!/usr/bin/env python3
"""SIGTERM drains `veer serve` cleanly: it stops accepting, lets running streams finish for up to --drain-timeout,
cuts the rest with an SSE error event and [DONE], and exits 0.

Usage: python3 tools/serve_tests/sigterm.py [--drain-timeout 2] [--short-tokens 6] [--long-tokens 256]
                                            BINARY serve --port 0 [ARGS...]

Starts the server itself (the command after the options; the script appends `--drain-timeout N`), waits for its
stderr line `veer serve: listening on http://HOST:PORT`, starts two short streams (they end well within the drain
timeout) and two long ones (they cannot), waits until each has sent a token, sends SIGTERM, and checks:
- a new request and /health 0.5 s later are refused (HTTP 503, or the connection is refused);
- the short streams end normally (a finish_reason, then [DONE]);
- the long streams end with a finish_reason or, once the drain timeout has passed, an SSE error event, then [DONE]
  (never cut before the drain timeout, never without [DONE]);
- the process exits with status 0 within the drain timeout plus 15 s.
The server is killed at the end whatever happens.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import httpx  # noqa: E402

from serve_client import Checks, send, stream_problems  # noqa: E402

LISTENING = re.compile(r"veer serve: listening on (http://\S+)")


class ServerProcess:
    """The server under test: its stderr is collected by a thread, which also notes the listening URL."""

    def __init__(self, command: list[str]):
        self.command = command
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.url: str | None = None
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            match = LISTENING.search(line)
            if match and not self.url:
                self.url = match.group(1)
                self.ready.set()
        self.ready.set()

    def wait_ready(self, limit: float) -> bool:
        self.ready.wait(limit)
        return self.url is not None

    def tail(self, count: int = 15) -> str:
        return "\n".join("    | " + line for line in self.lines[-count:])

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


async def refused(client: httpx.AsyncClient, method: str, url: str, **kwargs) -> tuple[bool, str]:
    """Whether the server refuses a request (503 or no connection), and what happened."""
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TransportError as error:
        return True, f"{type(error).__name__}"
    return response.status_code == 503, f"HTTP {response.status_code} {response.text[:120]}"


async def exercise(server: ServerProcess, options, checks: Checks) -> None:
    base = server.url
    chat = f"{base}/v1/chat/completions"

    def body(tokens: int) -> dict:
        return {"model": "veer", "messages": [{"role": "user", "content": "Write a long story about the sea."}],
                "stream": True, "max_tokens": tokens, "temperature": 1.0, "seed": 5, "steering": []}

    started = [asyncio.Event() for _ in range(4)]

    def marker(event: asyncio.Event):
        async def mark(result) -> bool:
            if result.token_times:
                event.set()
            return False
        return mark

    limits = httpx.Limits(max_connections=8)
    async with httpx.AsyncClient(timeout=options.drain_timeout + 120, limits=limits) as client:
        sizes = [options.short_tokens] * 2 + [options.long_tokens] * 2
        tasks = [asyncio.create_task(send(client, chat, body(size), on_chunk=marker(event)))
                 for size, event in zip(sizes, started)]
        try:
            await asyncio.wait_for(asyncio.gather(*(event.wait() for event in started)), 120)
        except asyncio.TimeoutError:
            pass
        checks.check(all(event.is_set() for event in started), "4 streams sent a token before SIGTERM",
                     f"{sum(event.is_set() for event in started)} of 4")
        server.process.send_signal(signal.SIGTERM)
        term_at = time.monotonic()
        print(f"  .... SIGTERM sent to pid {server.process.pid}", flush=True)
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(timeout=10) as fresh:
            ok, detail = await refused(fresh, "POST", chat, json={"model": "veer", "max_tokens": 2,
                                                                   "messages": [{"role": "user", "content": "Hi"}]})
            checks.check(ok, "a new request after SIGTERM is refused", detail)
            ok, detail = await refused(fresh, "GET", f"{base}/health")
            checks.check(ok, "/health after SIGTERM is refused or 503", detail)
        results = await asyncio.gather(*tasks)

    for index, result in enumerate(results):
        kind = "short" if index < 2 else "long"
        label = f"{kind} stream {index % 2 + 1} (max_tokens {sizes[index]})"
        if result.status != 200 or result.transport_error:
            checks.check(False, f"{label}: ends with [DONE]", f"HTTP {result.status} {result.transport_error or ''}")
            continue
        problems = stream_problems(result)
        ended = result.sent_at + (result.total or 0) - term_at
        if result.error_events:
            message = result.error_events[0].get("message", result.error_events[0])
            how = f"cut {ended:.2f} s after SIGTERM after {len(result.token_times)} tokens by an error event: {message}"
        else:
            how = f"finished ({result.finish_reasons}) {ended:.2f} s after SIGTERM with {len(result.token_times)} tokens"
        checks.check(not problems, f"{label}: one finish_reason or error event, then [DONE]",
                     "; ".join(problems) or how)
        if kind == "short":
            checks.check(bool(result.finish_reasons) and not result.error_events, f"{label}: finished normally", how)
        elif result.error_events:
            checks.check(ended >= options.drain_timeout * 0.9, f"{label}: not cut before the drain timeout", how)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drain-timeout", type=float, default=2.0, help="passed to the server (default 2 s)")
    parser.add_argument("--short-tokens", type=int, default=6, help="max_tokens of the streams that finish (6)")
    parser.add_argument("--long-tokens", type=int, default=256, help="max_tokens of the streams that are cut (256)")
    parser.add_argument("--start-timeout", type=float, default=180, help="seconds to wait for the listening line")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the server: BINARY serve --port 0 ARGS...")
    options = parser.parse_args()
    command = [part for part in options.command if part != "--"] if options.command else []
    if not command:
        parser.error("give the server command, e.g. .build/release/veer serve --port 0 --backend cpu")
    command += ["--drain-timeout", f"{options.drain_timeout:g}"]
    checks = Checks("sigterm")
    print(f"sigterm: starting {' '.join(command)}", flush=True)
    server = ServerProcess(command)
    try:
        if not checks.check(server.wait_ready(options.start_timeout), "the server prints its listening line",
                            server.url or f"exit status {server.process.poll()}\n{server.tail()}"):
            return checks.finish()
        await exercise(server, options, checks)
        term_limit = options.drain_timeout + 15
        try:
            status = await asyncio.to_thread(server.process.wait, term_limit)
        except subprocess.TimeoutExpired:
            status = None
        checks.check(status == 0, "the server exits with status 0 after SIGTERM",
                     f"still running after {term_limit:g} s" if status is None else f"status {status}")
        if checks.failed:
            print("  server stderr (last lines):\n" + server.tail(), flush=True)
    finally:
        server.kill()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
