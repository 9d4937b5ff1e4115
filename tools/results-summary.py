#!/usr/bin/env python3
"""Prints the tables of docs/results.md from the JSON documents tools/results writes (default folder: results/).

Usage: tools/results-summary.py [DIR]. Reads search.json, truthfulqa-fold1.json, copa.json, arc-easy.json,
sweep.json and prefutil.json when present; prints Markdown on stdout.
"""
import json
import os
import sys

folder = sys.argv[1] if len(sys.argv) > 1 else "results"


def load(name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        try:
            return json.load(f)
        except json.JSONDecodeError:
            return None   # still being written


def fmt(value, digits=3):
    return "-" if value is None else f"{value:.{digits}f}"


search = load("search.json")
if search:
    print("### Search (validation questions of the training fold)\n")
    for stage in search["stages"]:
        print(f"Stage `{stage['name']}` ({stage['wall_seconds']:.0f} s): unsteered MC1 {fmt(stage['unsteered'].get('mc1'))}, "
              f"MC2 {fmt(stage['unsteered'].get('mc2'))}\n")
        print("| candidate | MC1 | MC2 |\n|---|---|---|")
        best = {json.dumps(b, sort_keys=True) for b in stage.get("best", [])}
        for row in stage["rows"]:
            mark = " (chosen)" if json.dumps(row, sort_keys=True) in best else ""
            c = row["candidate"]
            label = f"{c['method']} block {c['layer']}, strength {c['strength']:g}" + (f", β {c['beta']:g}" if "beta" in c else "")
            print(f"| {label}{mark} | {fmt(row.get('mc1'))} | {fmt(row.get('mc2'))} |")
        print()
    print(f"Search wall time: {search['wall_seconds']:.0f} s.\n")

names = {}
for task, file in [("TruthfulQA fold 1", "truthfulqa-fold1.json"), ("COPA", "copa.json"), ("ARC-Easy", "arc-easy.json")]:
    doc = load(file)
    if doc:
        names[task] = doc
if names:
    print("### Held-out comparison\n")
    configs = [c["name"] for c in next(iter(names.values()))["configs"]]
    header = ["configuration"]
    for task, doc in names.items():
        header += ["TQA MC1", "TQA MC2"] if task.startswith("Truthful") else [f"{task} acc"]
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for name in configs:
        cells = [name]
        for task, doc in names.items():
            config = next(c for c in doc["configs"] if c["name"] == name)
            m = config["metrics"]
            cells += [fmt(m.get("mc1")), fmt(m.get("mc2"))] if task.startswith("Truthful") else [fmt(m.get("accuracy"))]
        print("| " + " | ".join(cells) + " |")
    print()
    for task, doc in names.items():
        print(f"- {task}: {doc['protocol']['items']} items, {doc['wall_seconds']:.0f} s wall")
    print()

sweep = load("sweep.json")
if sweep:
    print("### Strength sweep\n")
    concept = sweep.get("concept")
    ce = {p["alpha"]: p["delta_cross_entropy"] for p in (sweep.get("cross_entropy") or {}).get("points", [])}
    print("| alpha | ΔCE (nats) | repetition | judge | lexicon | status |\n|---|---|---|---|---|---|")
    for i, row in enumerate(sweep["rows"]):
        c = concept["rows"][i] if concept else {}
        judge = (c.get("judge") or {}).get("probability")
        lexicon = (c.get("lexicon") or {}).get("probability")
        status = "degenerate: " + row.get("reason", "") if row["degenerate"] else "ok"
        rep = "/".join(f"{r:.2f}" for r in row["repetition_rate"])
        print(f"| {row['alpha']:g} | {fmt(ce.get(row['alpha']))} | {rep} | {fmt(judge, 2)} | {fmt(lexicon, 2)} | {status} |")
    r = sweep["recommended_range"]
    print(f"\nRecommended range: alpha {r['lower']:g} to {r['upper']:g}. Wall time {sweep['wall_seconds']:.0f} s"
          + (f" (concept: sampling {concept['generation_seconds']:.0f} s, judging {concept['judging_seconds']:.0f} s)" if concept else "") + ".\n")
    if concept:
        for scorer in ["judge_accuracy", "lexicon_accuracy"]:
            a = concept.get(scorer)
            if a:
                print(f"- {scorer.replace('_', ' ')}: {a['accuracy']:.3f} on {a['items']} labelled completions")
        print()
    laws = sweep.get("laws") or {}
    for side in laws.get("token_shapes", []):
        counts = ", ".join(f"{v} {k}" for k, v in sorted(side["shapes"]["counts"].items()))
        peaks = ", ".join(f"{t['token']!r} at {t['peak_alpha']:g}" for t in side["shapes"]["tokens"] if t["shape"] == "bump")
        print(f"- prompt {side['prompt']}, {side['side']} side: {counts}; top token monotone: "
              f"{side['shapes']['top_token_monotone']}" + (f"; bump peaks: {peaks}" if peaks else ""))
    for c in laws.get("concept", []):
        f = c.get("fit")
        print(f"- concept ({c['scorer']}): " + (f"moves by {f.get('value_range', f['upper'] - f['lower']):.3f}; sigmoid R² {f['r_squared']:.3f}, line R² {f['linear_r_squared']:.3f}, "
              f"{f['lower']:.2f} → {f['upper']:.2f}, midpoint {f['midpoint']:.3g}" if f else f"no fit: {c.get('error')}"))
    q = laws.get("cross_entropy")
    if q:
        print(f"- ΔCE near 0 (|alpha| ≤ {q['window']:g}, {q['points']} points): {q['linear']:.4g}·α + {q['quadratic']:.4g}·α², "
              f"R² {q['r_squared']:.3f}, linear share {q['linear_share']:.2f}")
    print()

pref = load("prefutil.json")
if pref:
    print("### Preference and utility\n")
    print("| m | L_p | L_n | PrefOdds | UtilOdds | P(A_p preferred) |\n|---|---|---|---|---|---|")
    for p in pref["curve"]:
        print(f"| {p['multiplier']:g} | {fmt(p.get('positive_loss'))} | {fmt(p.get('negative_loss'))} | "
              f"{fmt(p.get('preference_odds'))} | {fmt(p.get('utility_odds'))} | {fmt(p.get('positive_preferred'), 2)} |")
    print()
    for name, fit in (pref.get("fits") or {}).items():
        params = ", ".join(f"{k} {v:.4g}" for k, v in sorted((fit.get("parameters") or {}).items()))
        print(f"- {name} fit {fit['formula']}: " + (f"R² {fit.get('r_squared'):.3f} ({params})" if fit.get("fitted") else f"not fitted ({fit.get('reason')})"))
    print(f"- clamped: {pref.get('clamped_total')}; wall time {pref['wall_seconds']:.0f} s\n")
