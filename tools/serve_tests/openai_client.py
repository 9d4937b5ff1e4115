#!/usr/bin/env python3
"""The official `openai` Python client against a running `veer serve`, unchanged.

Usage: python3 tools/serve_tests/openai_client.py URL [--api-key KEY] [--vector NAME] [--strength S]

Checks, each printed PASS/FAIL (exit 1 on any failure):
- models.list() names a model;
- a chat completion at temperature 0, non-streaming and streaming (with stream_options.include_usage), gives the same
  text, a finish reason, usage, and the `veer` field (read through the pydantic objects' model_extra);
- the same with extra_body={"steering": [{"vector": NAME, "strength": S}]}: `veer.steering` reports the vector at
  that strength, and the answer differs from the unsteered one; `steering: []` reports nothing applied;
- a completion with logprobs=3: one token and logprob per generated token, at most 3 alternatives each, the tokens
  spell the text; a chat completion with logprobs and top_logprobs=2;
- an unknown vector raises openai.BadRequestError (HTTP 400) naming the steering field.
NAME defaults to the first vector of GET /v1/steering/vectors.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import httpx  # noqa: E402
import openai  # noqa: E402

from serve_client import Checks  # noqa: E402

MESSAGES = [{"role": "user", "content": "Tell me about your day."}]


def veer_field(obj) -> dict | None:
    """The `veer` extra field of a response object from the openai client."""
    extra = getattr(obj, "model_extra", None) or {}
    return extra.get("veer")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--api-key", default="unused", help="sent as Bearer (the server needs it only with --api-key)")
    parser.add_argument("--vector", help="a registered vector (default: the first listed)")
    parser.add_argument("--strength", type=float, default=1.0, help="the steering strength (default 1)")
    parser.add_argument("--max-tokens", type=int, default=24)
    options = parser.parse_args()
    base = options.url.rstrip("/")
    checks = Checks("openai_client")
    client = openai.OpenAI(base_url=base + "/v1", api_key=options.api_key, max_retries=0, timeout=120)
    print(f"openai_client: openai {openai.__version__} against {base}")

    models = client.models.list()
    model = models.data[0].id if models.data else None
    checks.check(bool(model), "models.list() names a model", repr(model))
    model = model or "veer"

    vector = options.vector
    if vector is None:
        listed = httpx.get(f"{base}/v1/steering/vectors", headers={"authorization": f"Bearer {options.api_key}"}).json()
        names = [item["name"] for item in listed.get("data", [])]
        if not checks.check(bool(names), "GET /v1/steering/vectors lists a vector", ", ".join(names)):
            return checks.finish()
        vector = names[0]

    def chat(stream: bool, steering=None, **extra):
        body = {} if steering is None else {"steering": steering}
        return client.chat.completions.create(model=model, messages=MESSAGES, max_tokens=options.max_tokens,
                                              temperature=0, stream=stream, extra_body=body or None, **extra)

    def check_plain(label: str, response) -> str:
        choice = response.choices[0]
        text = choice.message.content or ""
        checks.check(bool(text), f"{label}: non-streaming chat has text", repr(text[:60]))
        checks.check(choice.finish_reason in ("stop", "length"), f"{label}: finish_reason", repr(choice.finish_reason))
        usage = response.usage
        checks.check(usage is not None and 0 < usage.completion_tokens <= options.max_tokens,
                     f"{label}: usage.completion_tokens in 1...{options.max_tokens}",
                     repr(usage and usage.completion_tokens))
        checks.check(response.id.startswith("chatcmpl-"), f"{label}: id chatcmpl-...", response.id)
        return text

    def check_stream(label: str, stream) -> tuple[str, dict | None]:
        text, finish, usage, veer, ids, role = "", [], None, None, set(), None
        for chunk in stream:
            ids.add(chunk.id)
            if chunk.usage:
                usage = chunk.usage
            veer = veer_field(chunk) or veer
            for choice in chunk.choices:
                role = role or choice.delta.role
                text += choice.delta.content or ""
                if choice.finish_reason:
                    finish.append(choice.finish_reason)
        checks.check(bool(text), f"{label}: streamed chat has text", repr(text[:60]))
        checks.check(role == "assistant", f"{label}: a chunk has delta.role assistant", repr(role))
        checks.check(len(finish) == 1 and finish[0] in ("stop", "length"), f"{label}: one finish_reason", repr(finish))
        checks.check(len(ids) == 1, f"{label}: every chunk has the same id", f"{len(ids)} ids")
        checks.check(usage is not None and usage.completion_tokens > 0, f"{label}: include_usage sends usage",
                     repr(usage and usage.completion_tokens))
        checks.check(isinstance(veer, dict), f"{label}: a chunk carries the veer field", repr(veer)[:120])
        return text, veer

    # Unsteered (steering: [] so that a server default cannot change the answer).
    plain = chat(False, [])
    plain_text = check_plain("unsteered", plain)
    veer = veer_field(plain)
    checks.check(isinstance(veer, dict) and veer.get("steering") == [] and isinstance(veer.get("backend"), str)
                 and isinstance(veer.get("timings"), dict), "unsteered: veer field has steering [], backend, timings",
                 repr(veer)[:160])
    streamed_text, _ = check_stream("unsteered", chat(True, [], stream_options={"include_usage": True}))
    checks.check(streamed_text == plain_text, "unsteered: streaming text equals non-streaming text at temperature 0",
                 f"{streamed_text[:40]!r} vs {plain_text[:40]!r}")

    # Steered through extra_body.
    steering = [{"vector": vector, "strength": options.strength}]
    steered = chat(False, steering)
    steered_text = check_plain("steered", steered)
    applied = (veer_field(steered) or {}).get("steering") or []
    checks.check(len(applied) == 1 and applied[0].get("name") == vector, f"steered: veer.steering names {vector}",
                 repr(applied)[:160])
    checks.check(steered_text != plain_text, f"steered: {vector} at {options.strength} changes the answer",
                 f"{steered_text[:60]!r}")
    streamed_steered, stream_veer = check_stream("steered", chat(True, steering, stream_options={"include_usage": True}))
    checks.check(streamed_steered == steered_text, "steered: streaming text equals non-streaming text",
                 f"{streamed_steered[:40]!r}")
    stream_applied = (stream_veer or {}).get("steering") or []
    checks.check(len(stream_applied) == 1 and stream_applied[0].get("name") == vector,
                 "steered: the stream's veer field names the vector", repr(stream_applied)[:160])

    # Completion with logprobs.
    completion = client.completions.create(model=model, prompt="The capital of France is", max_tokens=8,
                                           temperature=0, logprobs=3, extra_body={"steering": []})
    choice = completion.choices[0]
    logprobs = choice.logprobs
    count = completion.usage.completion_tokens if completion.usage else None
    tokens = (logprobs.tokens if logprobs else None) or []
    checks.check(completion.id.startswith("cmpl-") and bool(choice.text), "completion: id cmpl-... and text",
                 f"{completion.id} {choice.text!r}")
    checks.check(len(tokens) == count and len(logprobs.token_logprobs or []) == count,
                 "completion: one token and logprob per generated token", f"{len(tokens)} tokens, usage {count}")
    checks.check(all(lp is not None and lp <= 1e-6 for lp in logprobs.token_logprobs or [None]),
                 "completion: token logprobs are <= 0", repr(logprobs.token_logprobs)[:120])
    checks.check(all(len(top) <= 3 for top in logprobs.top_logprobs or []) and len(logprobs.top_logprobs or []) == count,
                 "completion: top_logprobs has at most 3 alternatives per token", repr(logprobs.top_logprobs)[:120])
    checks.check("".join(tokens) == choice.text, "completion: the tokens spell the text", repr(tokens))
    chat_logprobs = chat(False, [], logprobs=True, top_logprobs=2)
    content = (chat_logprobs.choices[0].logprobs.content if chat_logprobs.choices[0].logprobs else None) or []
    checks.check(len(content) == chat_logprobs.usage.completion_tokens and all(len(i.top_logprobs) == 2 for i in content),
                 "chat: logprobs.content has a token with 2 top_logprobs per generated token",
                 f"{len(content)} items, usage {chat_logprobs.usage.completion_tokens}")

    # An unknown vector is a 400 the client raises as BadRequestError.
    try:
        chat(False, [{"vector": "no-such-vector", "strength": 1}])
        checks.check(False, "unknown vector: BadRequestError", "the request succeeded")
    except openai.BadRequestError as error:
        param = (error.body or {}).get("param") if isinstance(error.body, dict) else None
        checks.check(error.status_code == 400 and "steering" in str(param), "unknown vector: 400 naming the field",
                     f"status {error.status_code}, param {param!r}")
    return checks.finish()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except openai.APIConnectionError as error:
        print(f"error: cannot connect to the server ({error})")
        sys.exit(2)
