"""Route every tune-split question to an intent and print how question types spread over intents.

A measurement, not a sweep: nothing is chosen here. Each tune question of the dev set is embedded once
(as a query, by the configured embedder, default e5-small) and routed by ``IntentRouter`` over the pack's
``routes.yaml``. Printed: a confusion table (routed intent × question ``type``), the share of out-of-scope
questions routed to a refusing intent and of in-scope questions routed to an in-scope intent, and the same
two shares when the decision is « refuse when the refusing intents hold at least half of the posterior ».

Usage: python scripts/route_report.py [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from typing import Any, get_args

import numpy as np

from assistant.evaluate.dataset import EvalQuestion, dev_sets_dir
from assistant.evaluate.tuning import tune_questions
from assistant.index.embeddings import make_embeddings
from assistant.pack import load_pack
from assistant.retrieve.intents import IntentRouter, embed_queries
from assistant.settings import get_settings

SCHOOL_INTENT = "school_fact"  # answered only when the school file holds the fact, else declined
TYPES: tuple[str, ...] = get_args(EvalQuestion.model_fields["type"].annotation)


def tuning_items() -> list[EvalQuestion]:
    """The questions this report reads: tune split only."""
    return tune_questions(dev_sets_dir(get_settings()))


def _share(hits: int, n: int) -> float:
    return hits / n if n else 0.0


def report() -> dict[str, Any]:
    settings = get_settings()
    pack = load_pack(settings.corpus_dir)
    if pack.routes is None:
        raise SystemExit(f"{settings.corpus_dir} has no routes.yaml")
    questions = tuning_items()
    choice = make_embeddings(settings.embeddings)
    started = time.perf_counter()
    router = IntentRouter(pack.routes, choice.embeddings, settings.routing)
    build_s = time.perf_counter() - started
    vectors = embed_queries(choice.embeddings, [q.question for q in questions])
    started = time.perf_counter()
    decisions = [router.route(v) for v in vectors]
    route_ms = 1000 * (time.perf_counter() - started) / max(len(decisions), 1)
    table: Counter[tuple[str, str]] = Counter((d.intent, q.type) for q, d in zip(questions, decisions, strict=True))
    refusing = pack.routes.refusing
    inside = [d for q, d in zip(questions, decisions, strict=True) if q.in_scope]
    outside = [d for q, d in zip(questions, decisions, strict=True) if not q.in_scope]
    return {
        "n": len(questions),
        "embeddings": choice.model_id,
        "exemplars": len(router.exemplars),
        "settings": settings.routing.model_dump(),
        "router_build_s": round(build_s, 1),
        "route_ms": round(route_ms, 3),
        "intents": pack.routes.ids,
        "refusing": sorted(refusing),
        "table": {intent: {t: table[(intent, t)] for t in TYPES} for intent in pack.routes.ids},
        "out_of_scope_to_refuse": _share(sum(d.refuse for d in outside), len(outside)),
        "in_scope_to_in_scope": _share(sum(not d.refuse for d in inside), len(inside)),
        "out_of_scope_to_refuse_or_school": _share(
            sum(d.refuse or d.intent == SCHOOL_INTENT for d in outside), len(outside)
        ),
        "out_of_scope_mass_refuse": _share(sum(d.refuse_mass >= 0.5 for d in outside), len(outside)),
        "in_scope_mass_answer": _share(sum(d.refuse_mass < 0.5 for d in inside), len(inside)),
        "n_out_of_scope": len(outside),
        "n_in_scope": len(inside),
        "mean_margin": float(np.mean([d.margin for d in decisions])) if decisions else 0.0,
    }


def format_report(r: dict[str, Any]) -> str:
    short = {"crosscutting": "crosscut", "out_of_scope": "out"}
    heads = [short.get(t, t) for t in TYPES]
    lines = [
        f"Intent routing of {r['n']} tune questions — {r['embeddings']}, {r['exemplars']} exemplars, "
        f"top_k {r['settings']['top_k']}, temperature {r['settings']['temperature']}",
        f"(router built in {r['router_build_s']} s; {r['route_ms']} ms per routed vector)",
        "",
        f"{'routed intent':22s}" + "".join(f"{h:>11s}" for h in heads) + f"{'total':>8s}",
    ]
    for intent in r["intents"]:
        row = r["table"][intent]
        name = intent + (" *" if intent in r["refusing"] else "")
        lines.append(f"{name:22s}" + "".join(f"{row[t]:>11d}" for t in TYPES) + f"{sum(row.values()):>8d}")
    totals = {t: sum(r["table"][i][t] for i in r["intents"]) for t in TYPES}
    lines.append(f"{'total':22s}" + "".join(f"{totals[t]:>11d}" for t in TYPES) + f"{sum(totals.values()):>8d}")
    figures = [
        ("out-of-scope routed to a refusing intent", r["out_of_scope_to_refuse"], f"(n={r['n_out_of_scope']})"),
        (f"  ... or to {SCHOOL_INTENT} (the school file decides)", r["out_of_scope_to_refuse_or_school"], ""),
        ("in-scope routed to an in-scope intent", r["in_scope_to_in_scope"], f"(n={r['n_in_scope']})"),
        ("out-of-scope with refusing mass >= 0.5", r["out_of_scope_mass_refuse"], ""),
        ("in-scope with refusing mass < 0.5", r["in_scope_mass_answer"], ""),
        ("mean margin (best - second posterior)", r["mean_margin"], ""),
    ]
    lines += ["(* refusing intent)", ""] + [f"{label:50s} {value:.3f}  {n}".rstrip() for label, value, n in figures]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = report()
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_report(result))


if __name__ == "__main__":
    main()
