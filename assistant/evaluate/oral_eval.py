"""Mock-jury metrics on evals/oral: per-attendu verdicts of written-as-spoken answers.

QWK, accuracy and macro-F1 of the attendu verdicts, stuffing resistance (answers that recite the
référentiel are never called covered), the share of those called missing, figures per answer style and
calibration of the model's probability of "covered". Run with ``jury-blanc eval oral --split test``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import yaml

from assistant.evaluate.dataset import percentile
from assistant.evaluate.drafts_eval import calibration, score_pairs

ORAL_DIR = Path("oral")


def load_answers(evals_dir: Path, split: str = "all") -> list[dict[str, Any]]:
    """The labelled answers of ``split`` (``splits.yaml`` fixed once; an id without a split counts as tune)."""
    folder = evals_dir / ORAL_DIR
    items = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8")) or []
    splits_file = folder / "splits.yaml"
    splits = yaml.safe_load(splits_file.read_text(encoding="utf-8")) if splits_file.is_file() else {}
    for item in items:
        item["split"] = (splits or {}).get(item["id"], "tune")
    return [i for i in items if split == "all" or i["split"] == split]


def oral_rows(judge: Any, items: list[dict[str, Any]], *, verbose: bool = True) -> list[dict[str, Any]]:
    """One row per labelled attendu: the item, the attendu, gold, the judge's feedback, features, time."""
    ref = judge.engine.ref
    rows: list[dict[str, Any]] = []
    for n, item in enumerate(items, 1):
        key = item["evaluation"]
        crit = next(c for c in ref.criteria_of(key) if c.code == item["criterion"])
        started = time.perf_counter()
        _, judged = judge.judge(item["answer"], key, crit, list(item["attendus"]))
        ms = (time.perf_counter() - started) * 1000
        for j in judged:
            rows.append({"entry": {"file": item["id"]}, "item": item, "attendu": j.attendu.id,
                         "gold": item["labels"][j.attendu.id]["verdict"], "feedback": j.feedback,
                         "features": j.features, "ms": ms})  # fmt: skip
        if verbose and n % 20 == 0:
            print(f"  oral answers {n}/{len(items)}", file=sys.stderr, flush=True)
    return rows


def score_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    pairs = [(r["gold"], r["feedback"].status) for r in rows]
    out: dict[str, Any] = score_pairs(pairs)
    # Yardstick: the review engine's own attendu status (its hand-set thresholds) without the learned model.
    out["engine_rules_qw_kappa"] = score_pairs([(r["gold"], _rule(r["features"])) for r in rows])["qw_kappa"]
    recital = [r for r in rows if r["item"]["style"] == "recital" and r["gold"] == "missing"]
    out["stuffing_resistance"] = (
        sum(r["feedback"].status != "covered" for r in recital) / len(recital) if recital else None
    )
    out["recital_called_missing"] = (
        sum(r["feedback"].status == "missing" for r in recital) / len(recital) if recital else None
    )
    out["stuffing_cases"] = len(recital)
    out["by_style"] = {
        style: score_pairs([(r["gold"], r["feedback"].status) for r in rows if r["item"]["style"] == style])
        for style in sorted({r["item"]["style"] for r in rows})
    }
    out["by_lang"] = {
        lang: score_pairs([(r["gold"], r["feedback"].status) for r in rows if r["item"]["lang"] == lang])
        for lang in sorted({r["item"]["lang"] for r in rows})
    }
    out["calibration"] = calibration([(r["gold"] == r["feedback"].status, r["feedback"].confidence) for r in rows])
    quotes = [q for r in rows for q in r["feedback"].quotes]
    out["quotes"] = len(quotes)
    out["quotes_verbatim"] = sum(_verbatim(q, r["item"]["answer"]) for r in rows for q in r["feedback"].quotes)
    times = sorted({(r["item"]["id"], r["ms"]) for r in rows})
    out["feedback_ms_p50"] = percentile([t for _, t in times], 0.5)
    out["feedback_ms_p95"] = percentile([t for _, t in times], 0.95)
    return out


def _rule(features: dict[str, float]) -> str:
    return "covered" if features["rule_covered"] else "partial" if features["rule_partial"] else "missing"


def _verbatim(quote: str, answer: str) -> bool:
    from assistant.review.oral_judge import normalise_answer

    return quote in normalise_answer(answer)


def evaluate_oral(runtime: Any, evals_dir: Path, split: str) -> dict[str, Any]:
    from assistant.review.oral_judge import OralJudge
    from assistant.review.service import Reviewer

    reviewer = Reviewer.from_settings(runtime.settings, runtime.embedding, pack=runtime.pack)
    judge = OralJudge(reviewer.engine)
    items = load_answers(evals_dir, split)
    rows = oral_rows(judge, items)
    result = score_rows(rows)
    result["answers"] = len(items)
    result["split"] = split
    result["model"] = judge.model.fitted_on if judge.model is not None else None
    return result


def format_oral(result: dict[str, Any]) -> str:
    def fig(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    lines = [
        f"Mock jury — {result['answers']} answers, {result['n']} attendu verdicts ({result['split']})",
        f"  QWK {fig(result['qw_kappa'])}  accuracy {fig(result['accuracy'])}  macro-F1 {fig(result['macro_f1'])}"
        f"  (the engine's rules alone: QWK {fig(result['engine_rules_qw_kappa'])})",
        f"  stuffing resistance {fig(result['stuffing_resistance'])} ({result['stuffing_cases']} recited attendus; "
        f"called missing {fig(result['recital_called_missing'])})",
        f"  quotes verbatim in the answer {result['quotes_verbatim']}/{result['quotes']}",
        f"  feedback time per answer p50 {result['feedback_ms_p50']:.0f} ms, p95 {result['feedback_ms_p95']:.0f} ms "
        "(cold and warm mixed; the warm figure is `make bench`)",
        "  by style: " + ", ".join(f"{s} {fig(v['accuracy'])} acc (n={v['n']})" for s, v in result["by_style"].items()),
        "  by language: "
        + ", ".join(f"{k} QWK {fig(v['qw_kappa'])} (n={v['n']})" for k, v in result["by_lang"].items()),
        f"  confusion (gold -> predicted): {result['confusion']}",
    ]
    cal = result["calibration"]
    head = f"  calibration of the verdict's probability: ECE {cal['ece']:.3f}, Brier {cal['brier']:.3f}; "
    lines.append(head + ", ".join(
        f"[{b['from']:.1f}-{b['to']:.1f}) said {b['confidence']:.2f} right {b['accuracy']:.2f} (n={b['n']})"
        for b in cal["reliability"]))  # fmt: skip
    if result.get("model"):
        lines.append(f"  model: {result['model']}")
    return "\n".join(lines)
