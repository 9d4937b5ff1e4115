/// The playground served at `/`: one self-contained page (inline CSS and JavaScript, nothing loaded from elsewhere,
/// so it works offline) that chats with the model and streams an unsteered and a steered answer side by side.
///
/// The page holds no server data: it reads the registered vectors from `GET /v1/steering/vectors` (one strength
/// slider each), and on every send starts two streaming `POST /v1/chat/completions` at once, one with `steering: []`
/// and one with the sliders that are not at 0, both with the same seed so that the answers differ by the steering
/// rather than by chance. Each side keeps its own OpenAI `messages` list. The API key the user types is stored in
/// the browser's localStorage and sent as `Authorization: Bearer` on every call.
///
/// Stable hooks for tools/serve-browser-test.py: `#message`, `#send`, `#status`, `.vector-slider[data-vector=NAME]`,
/// `#unsteered` / `#steered` (the latest answer of each side, `data-done="true"` once its stream ended, class `error`
/// on failure) and `#unsteered-veer` / `#steered-veer` (the response's `veer` field: applied steering, timings).
enum PlaygroundPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Veer playground</title>
<link rel="icon" href="data:,">
<style>
  :root { --fg: #1d2330; --muted: #6b7280; --line: #e3e6ec; --bg: #f6f7f9; --accent: #3b5bdb; --warm: #c2410c; --bad: #b91c1c; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
  header { display: flex; align-items: baseline; gap: 1rem; padding: .8rem 1.2rem; background: #fff; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 1.1rem; margin: 0; }
  #status { color: var(--muted); font-size: .9rem; }
  #status.error { color: var(--bad); }
  main { display: grid; grid-template-columns: 290px 1fr; gap: 1rem; padding: 1rem 1.2rem; }
  aside, .pane { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; }
  h2 { font-size: .75rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: .3rem 0 .6rem; }
  aside h2 + * { margin-top: 0; }
  aside section { margin-bottom: 1.2rem; }
  label { display: block; font-size: .85rem; margin: .5rem 0 .15rem; }
  input[type=password], input[type=number], textarea { width: 100%; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
  .vector { margin-bottom: .8rem; }
  .vector input { width: 100%; margin: 0; }
  .vector output { float: right; font-variant-numeric: tabular-nums; }
  .meta, .veer { font-size: .75rem; color: var(--muted); }
  .panes { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
  .pane.steered h2 { color: var(--warm); }
  .user { color: var(--muted); margin: .8rem 0 .2rem; white-space: pre-wrap; }
  .answer { white-space: pre-wrap; min-height: 1.5em; }
  .answer.error { color: var(--bad); }
  .answer.streaming::after { content: "\258D"; color: var(--accent); }
  form { display: flex; gap: .5rem; margin-top: 1rem; }
  #message { flex: 1; min-height: 3.2rem; resize: vertical; }
  button { padding: .5rem 1rem; border: 0; border-radius: 6px; background: var(--accent); color: #fff; font: inherit; cursor: pointer; }
  button:disabled { opacity: .5; cursor: default; }
  button.secondary { background: #e8eaef; color: var(--fg); padding: .3rem .7rem; font-size: .85rem; }
  @media (max-width: 820px) { main, .panes { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header><h1>Veer playground</h1><span id="status">loading…</span></header>
<main>
  <aside>
    <section><h2>Steering strength</h2><div id="vectors"></div>
      <button type="button" class="secondary" id="reset-sliders">All to 0</button></section>
    <section><h2>Sampling</h2>
      <label for="temperature">temperature</label><input id="temperature" type="number" min="0" max="2" step="0.1" value="0.7">
      <label for="max-tokens">max_tokens</label><input id="max-tokens" type="number" min="1" step="1" value="128"></section>
    <section><h2>Server</h2>
      <label for="api-key">API key (sent as Bearer, kept in this browser)</label><input id="api-key" type="password" autocomplete="off">
      <p><button type="button" class="secondary" id="new-chat">New chat</button></p></section>
  </aside>
  <section>
    <div class="panes">
      <div class="pane"><h2>Unsteered</h2><div id="log-unsteered"></div></div>
      <div class="pane steered"><h2>Steered</h2><div id="log-steered"></div></div>
    </div>
    <form id="chat"><textarea id="message" placeholder="Say something (Enter sends, Shift+Enter: new line)"></textarea>
      <button id="send" type="submit">Send</button></form>
  </section>
</main>
<script>
"use strict";
const $ = (selector) => document.querySelector(selector);
// Each side keeps its own conversation: the same user turns, each followed by that side's own answers.
const conversations = { unsteered: [], steered: [] };

function setStatus(text, isError) { $("#status").textContent = text; $("#status").classList.toggle("error", !!isError); }

function apiHeaders() {
  const headers = { "Content-Type": "application/json" };
  const key = $("#api-key").value.trim();
  if (key) headers.Authorization = "Bearer " + key;
  return headers;
}

async function errorMessage(response) {
  const text = await response.text();
  try { return JSON.parse(text).error.message; } catch (_) { return `HTTP ${response.status} ${text}`.trim(); }
}

function blockList(blocks) {  // [10, 11, 12, 14] -> "10-12,14"
  const parts = [];
  for (const b of blocks || []) {
    const last = parts[parts.length - 1];
    if (last && b === last[1] + 1) last[1] = b; else parts.push([b, b]);
  }
  return parts.map(([a, z]) => (a === z ? `${a}` : `${a}-${z}`)).join(",") || "none";
}

const describeApplied = (a) => `${a.name} ${Number(a.strength).toFixed(2)} (${a.method}, blocks ${blockList(a.blocks)}, ${a.positions})`;

// The file's recorded strength range, widened to include 0 ("off"); else a default by method.
function sliderRange(vector) {
  const range = vector.strengthRange || vector.strength_range;
  if (Array.isArray(range) && range.length === 2 && range.every(Number.isFinite)) return [Math.min(range[0], 0), Math.max(range[1], 0)];
  return ["additive", "caa", "mean-diff"].includes(vector.method) ? [-8, 8] : [0, 2];
}

function renderVectors(vectors) {
  const box = $("#vectors");
  box.textContent = vectors.length ? "" : "No vectors registered (veer serve --vectors DIR).";
  for (const vector of vectors) {
    const [min, max] = sliderRange(vector);
    const slider = Object.assign(document.createElement("input"), { type: "range", className: "vector-slider", min, max, step: "any", value: 0 });
    slider.dataset.vector = vector.name;
    const value = Object.assign(document.createElement("output"), { textContent: "0.00" });
    const show = () => { value.textContent = Number(slider.value).toFixed(2); };
    slider.addEventListener("input", show);
    slider.addEventListener("change", show);
    slider.addEventListener("dblclick", () => { slider.value = 0; show(); });
    const label = document.createElement("label");
    label.append(vector.name, value);
    const meta = Object.assign(document.createElement("div"), { className: "meta" });
    meta.textContent = `${vector.method} · ${vector.site} · blocks ${blockList(vector.blocks)}`
      + (vector.fingerprintMatches === false || vector.fingerprint_matches === false ? " · made for another model" : "");
    const row = Object.assign(document.createElement("div"), { className: "vector" });
    row.append(label, slider, meta);
    box.append(row);
  }
}

async function loadServer() {
  try {
    const [vectorsResponse, modelsResponse] = await Promise.all(
      ["/v1/steering/vectors", "/v1/models"].map((path) => fetch(path, { headers: apiHeaders() })));
    if (!vectorsResponse.ok) return setStatus("vectors: " + await errorMessage(vectorsResponse), true);
    const body = await vectorsResponse.json();
    renderVectors(body.data || []);
    const model = modelsResponse.ok ? ((await modelsResponse.json()).data || [])[0] : null;
    const defaults = (body.default || []).map(describeApplied).join(", ");
    setStatus(`${model ? model.id + " · " : ""}${(body.data || []).length} vector(s)` + (defaults ? ` · server default: ${defaults}` : ""));
  } catch (error) {
    setStatus("cannot reach the server: " + error.message, true);
  }
}

// Server-sent events from a fetch body: `data: {json}` lines separated by blank lines, ending with `data: [DONE]`.
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the stream ended without data: [DONE]");
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop();
      for (const line of lines) {
        if (!line.startsWith("data:")) continue;
        const data = line.slice(5).trim();
        if (data === "[DONE]") return;
        onEvent(JSON.parse(data));
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

// A new turn on one side; the latest answer (and its veer line) carries the side's id.
function startTurn(side, text) {
  for (const id of [side, side + "-veer"]) document.getElementById(id)?.removeAttribute("id");
  const user = Object.assign(document.createElement("div"), { className: "user", textContent: "› " + text });
  const answer = Object.assign(document.createElement("div"), { className: "answer streaming", id: side });
  const veer = Object.assign(document.createElement("div"), { className: "veer", id: side + "-veer" });
  $("#log-" + side).append(user, answer, veer);
  return { answer, veer };
}

function showVeer(element, side, veer) {
  const parts = [];
  if (side === "steered") parts.push("applied: " + ((veer.steering || []).map(describeApplied).join(", ") || "none"));
  if (veer.timings) parts.push(`first token ${Math.round(veer.timings.ttft_ms)} ms, total ${Math.round(veer.timings.total_ms)} ms`);
  if (veer.backend) parts.push(veer.backend);
  element.textContent = parts.join(" · ");
}

async function streamAnswer(side, text, parameters) {
  const turn = startTurn(side, text);
  const messages = conversations[side].concat([{ role: "user", content: text }]);
  let answer = "";
  try {
    const response = await fetch("/v1/chat/completions", {
      method: "POST", headers: apiHeaders(), body: JSON.stringify({ ...parameters, messages, stream: true }) });
    if (!response.ok) throw new Error(await errorMessage(response));
    await readEvents(response, (event) => {
      if (event.error) throw new Error(event.error.message || "error event");
      const content = event.choices?.[0]?.delta?.content;
      if (content) { answer += content; turn.answer.textContent = answer; }
      if (event.veer) showVeer(turn.veer, side, event.veer);
    });
    conversations[side] = messages.concat([{ role: "assistant", content: answer }]);
  } catch (error) {  // the failed turn stays on screen, not in the conversation
    turn.answer.classList.add("error");
    turn.answer.textContent = (answer ? answer + "\n" : "") + "⚠ " + error.message;
  } finally {
    turn.answer.classList.remove("streaming");
    turn.answer.dataset.done = "true";
  }
}

const numberField = (id) => ($(id).value.trim() === "" ? undefined : Number($(id).value));

async function send(event) {
  event.preventDefault();
  const text = $("#message").value.trim();
  if (!text || $("#send").disabled) return;
  $("#message").value = "";
  $("#send").disabled = true;
  const steering = [...document.querySelectorAll(".vector-slider")]
    .map((slider) => ({ vector: slider.dataset.vector, strength: Math.round(Number(slider.value) * 100) / 100 }))
    .filter((item) => item.strength !== 0);
  // One seed for both sides: with sampling on, the answers then differ by the steering, not by chance.
  const common = { temperature: numberField("#temperature"), max_tokens: numberField("#max-tokens"), seed: Math.floor(Math.random() * 2 ** 31) };
  setStatus(steering.length ? "steered with " + steering.map((s) => `${s.vector} ${s.strength}`).join(", ") : "every slider at 0: both sides unsteered");
  await Promise.all([
    streamAnswer("unsteered", text, { ...common, steering: [] }),
    streamAnswer("steered", text, { ...common, steering }),
  ]);
  $("#send").disabled = false;
  $("#message").focus();
}

$("#chat").addEventListener("submit", send);
$("#message").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("#chat").requestSubmit(); }
});
$("#reset-sliders").addEventListener("click", () => {
  for (const slider of document.querySelectorAll(".vector-slider")) { slider.value = 0; slider.dispatchEvent(new Event("input")); }
});
$("#new-chat").addEventListener("click", () => {
  conversations.unsteered = []; conversations.steered = [];
  $("#log-unsteered").textContent = ""; $("#log-steered").textContent = "";
});
$("#api-key").value = localStorage.getItem("veer-api-key") || "";
$("#api-key").addEventListener("change", () => { localStorage.setItem("veer-api-key", $("#api-key").value.trim()); loadServer(); });
loadServer();
</script>
</body>
</html>
"""#
}
