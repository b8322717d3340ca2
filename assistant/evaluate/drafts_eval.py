"""Draft-review metrics on evals/drafts: accuracy, macro-F1, quadratic-weighted kappa, stuffing resistance.

With ``llm``, the drafts are reviewed through the configured model and the figures gain the model's own:
fallback rate and its reasons, per-call and per-review time, and every quote checked against the draft.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from assistant.evaluate.dataset import EVALS_DIR, percentile, spread

ORDER = {"missing": 0, "partial": 1, "covered": 2}
LABELS = ["missing", "partial", "covered"]


LABEL_FILES = ("labels.yaml", "office/labels.yaml")
"""Gold label files under evals/drafts/: the Markdown set and the office set (DOCX, PPTX and their PDFs)."""


def load_labels(evals_dir: Path = EVALS_DIR, split: str = "all") -> list[dict[str, Any]]:
    """Label entries of ``split`` (entries without a split, as in other packs' sets, count as tune)."""
    data: list[dict[str, Any]] = []
    for name in LABEL_FILES:
        path = evals_dir / "drafts" / name
        if path.is_file():
            data += yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [e for e in data if split == "all" or e.get("split", "tune") == split]


def draft_format(entry: dict[str, Any]) -> str:
    """md, txt, docx, pdf, lo-pdf, chromium-pdf, pptx, pptx-pdf."""
    return str(entry.get("format") or Path(entry["file"]).suffix.lstrip(".") or "text")


def feature_rows(reviewer: Any, entries: list[dict[str, Any]], base: Path) -> list[dict[str, Any]]:
    """One row per labelled criterion: the entry, the code, the gold status and the engine's features."""
    from assistant.review.passages import build_passages

    rows: list[dict[str, Any]] = []
    for n, entry in enumerate(entries, 1):
        key = reviewer.check_key(entry["evaluation"])
        doc = reviewer.load(base / entry["file"])
        reviewer.engine.prepare_attendus(key)
        index = reviewer.engine.index(build_passages(doc), key)
        for crit in reviewer.ref.criteria_of(key):
            _, features = reviewer.engine.assess(crit, index)
            rows.append({"entry": entry, "code": crit.code, "gold": entry["labels"][crit.code]["status"],
                         "features": features})  # fmt: skip
        if n % 10 == 0:
            print(f"  features {n}/{len(entries)} drafts", file=sys.stderr, flush=True)
    return rows


def class_f1(gold: list[str], pred: list[str]) -> dict[str, float]:
    """F1 of each status."""
    scores: dict[str, float] = {}
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label and g != label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def macro_f1(gold: list[str], pred: list[str]) -> float:
    scores = class_f1(gold, pred)
    return sum(scores.values()) / len(scores)


def confusion(gold: list[str], pred: list[str]) -> dict[str, dict[str, int]]:
    """gold status -> predicted status -> count."""
    matrix = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for g, p in zip(gold, pred, strict=True):
        matrix[g][p] += 1
    return matrix


def quadratic_kappa(gold: list[str], pred: list[str]) -> float:
    """Cohen's kappa with quadratic weights on the ordinal scale missing < partial < covered."""
    k = len(LABELS)
    n = len(gold)
    if n == 0:
        return 0.0
    observed = [[0.0] * k for _ in range(k)]
    for g, p in zip(gold, pred, strict=True):
        observed[ORDER[g]][ORDER[p]] += 1
    gold_hist = [sum(row) for row in observed]
    pred_hist = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            weight = (i - j) ** 2 / (k - 1) ** 2
            num += weight * observed[i][j]
            den += weight * gold_hist[i] * pred_hist[j] / n
    return 1.0 - num / den if den else 1.0


def score_pairs(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    gold = [g for g, _ in pairs]
    pred = [p for _, p in pairs]
    return {
        "n": len(pairs),
        "accuracy": sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0,
        "macro_f1": macro_f1(gold, pred),
        "qw_kappa": quadratic_kappa(gold, pred),
        "f1": class_f1(gold, pred),
        "confusion": confusion(gold, pred),
    }


def _scores_by(rows: list[dict[str, Any]], field: str) -> dict[str, dict[str, Any]]:
    """The verdict figures of ``rows`` for each value of ``field`` (style, format, evaluation…)."""
    return {
        key: score_pairs([(r["gold"], r["pred"]) for r in rows if r[field] == key])
        for key in sorted({r[field] for r in rows})
    }


def calibration(pairs: list[tuple[bool, float]], bins: int = 5) -> dict[str, Any]:
    """Is a verdict given with confidence p right p of the time? Expected calibration error and reliability bins."""
    table = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [(ok, p) for ok, p in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if members:
            mean = sum(p for _, p in members) / len(members)
            right = sum(ok for ok, _ in members) / len(members)
            table.append({"from": lo, "to": hi, "n": len(members), "confidence": mean, "accuracy": right})
    n = max(len(pairs), 1)
    ece = sum(row["n"] * abs(row["confidence"] - row["accuracy"]) for row in table) / n
    brier = sum((p - ok) ** 2 for ok, p in pairs) / n
    return {"n": len(pairs), "ece": ece, "brier": brier, "reliability": table}


def _reviewer(runtime: Any, llm: bool) -> Any:
    from assistant.review.service import Reviewer

    if not llm:
        return Reviewer.from_settings(runtime.settings, runtime.embedding, pack=runtime.pack)
    from assistant.llm.models import make_chat_model, model_label

    model = make_chat_model(runtime.settings)
    if model is None:
        raise ValueError("eval --llm needs a configured model (JB_LLM, JB_LLM_BASE_URL)")
    return Reviewer.from_settings(runtime.settings, runtime.embedding, pack=runtime.pack, model=model,
                                  model_label=model_label(runtime.settings))  # fmt: skip


def evaluate_drafts(
    runtime: Any, evals_dir: Path = EVALS_DIR, split: str = "all", *, llm: bool = False, sample: int = 0
) -> dict[str, Any]:
    """The verdict figures over the drafts of ``split`` (``sample``: that many, spread over the evaluations)."""
    from assistant.review.passages import build_passages
    from assistant.review.quotes import verify_quote

    reviewer = _reviewer(runtime, llm)
    entries = spread(load_labels(evals_dir, split), lambda e: e["evaluation"], sample)
    base = evals_dir / "drafts"
    rows: list[dict[str, Any]] = []
    reports: list[Any] = []
    by_source: dict[str, dict[str, str]] = {}
    unverified = 0  # quotes shown to the user that are not in the draft: must stay 0, model or not
    for n, entry in enumerate(entries, 1):
        if llm:
            print(f"  [{n}/{len(entries)}] {entry['file']} ({entry['evaluation']})", file=sys.stderr, flush=True)
        doc = reviewer.load(base / entry["file"])
        report = reviewer.review(doc, entry["evaluation"], file_label=entry["file"])
        reports.append(report)
        texts = build_passages(doc).unit_texts
        unverified += sum(verify_quote(e.quote, texts) is None for v in report.criteria for e in v.evidence)
        for verdict in report.criteria:
            rows.append({
                "file": entry["file"], "evaluation": entry["evaluation"], "kind": entry["kind"],
                "lang": entry.get("lang", "fr"), "style": entry.get("style", "mixed"), "format": draft_format(entry),
                "rendering": "source" in entry, "confidence": verdict.confidence,
                "code": verdict.code, "gold": entry["labels"][verdict.code]["status"], "pred": verdict.status,
                "ms": report.timings_ms.get("total_ms", 0.0), "source": verdict.source, "llm_ms": verdict.llm_ms,
                "warnings": [w.code for w in report.warnings],
            })  # fmt: skip
        by_source[entry["file"]] = {v.code: v.status for v in report.criteria}
    originals = [r for r in rows if not r["rendering"]]
    overall = score_pairs([(r["gold"], r["pred"]) for r in originals])
    per_style = _scores_by(originals, "style")
    per_format = _scores_by(rows, "format")
    per_eval = _scores_by(originals, "evaluation")
    per_kind = _scores_by(originals, "kind")
    per_lang = _scores_by(originals, "lang")
    hostile = [r for r in originals if r["kind"] in ("stuffed", "injection") and r["gold"] == "missing"]
    resistance = sum(r["pred"] != "covered" for r in hostile) / len(hostile) if hostile else 1.0
    consistency = []
    agree: dict[str, list[bool]] = {}
    for entry in entries:
        if "source" in entry and entry["source"] in by_source:
            mine, theirs = by_source[entry["file"]], by_source[entry["source"]]
            same = [mine[code] == theirs[code] for code in mine]
            agree.setdefault(draft_format(entry), []).extend(same)
            consistency.append({"rendering": entry["file"], "source": entry["source"], "same_verdicts": all(same),
                                "agreement": sum(same) / len(same)})  # fmt: skip
    all_same = [s for values in agree.values() for s in values]
    mismatch_flagged = {
        r["file"]: "evaluation_mismatch" in r["warnings"] for r in originals if r["kind"] == "wrong_eval"
    }
    injection_flagged = {r["file"]: "prompt_injection" in r["warnings"] for r in originals if r["kind"] == "injection"}
    return {
        "mode": reviewer.llm.label if reviewer.llm is not None else "offline",
        "drafts": len(entries),
        "unverified_quotes": unverified,
        **({"llm": review_llm_figures(reports)} if llm else {}),
        "overall": overall,
        "per_evaluation": per_eval,
        "per_kind": per_kind,
        "per_lang": per_lang,
        "per_style": per_style,
        "per_format": per_format,
        "calibration": calibration([(r["gold"] == r["pred"], r["confidence"]) for r in originals]),
        "format_agreement": sum(all_same) / len(all_same) if all_same else None,
        "format_agreement_by_format": {k: sum(v) / len(v) for k, v in sorted(agree.items())},
        "stuffing_resistance": resistance,
        "stuffing_cases": len(hostile),
        "renderings": consistency,
        "mismatch_flagged": mismatch_flagged,
        "injection_flagged": injection_flagged,
        "rows": rows,
    }


def review_llm_figures(reports: list[Any]) -> dict[str, Any]:
    """What the model did over these reviews: fallback rate and reasons, per-call and per-review time."""
    verdicts = [v for r in reports for v in r.criteria]
    tried = [v for v in verdicts if v.source != "offline"]
    fell_back = [v for v in tried if v.source != "llm"]
    calls = [v.llm_ms for v in tried if v.llm_ms is not None]
    walls = [r.timings_ms.get("total_ms", 0.0) for r in reports]
    four = [r.timings_ms.get("total_ms", 0.0) for r in reports if len(r.criteria) == 4]
    methods: dict[str, int] = {}
    for r in reports:
        if r.llm_method:
            methods[r.llm_method] = methods.get(r.llm_method, 0) + 1
    return {
        "criteria_tried": len(tried),
        "fallback_rate": len(fell_back) / max(len(tried), 1),
        "fallback_reasons": {s: sum(v.source == s for v in fell_back) for s in sorted({v.source for v in fell_back})},
        "requests": sum(int(r.timings_ms.get("llm_calls", 0)) for r in reports),
        "call_ms_p50": percentile(calls, 0.5),
        "call_ms_p95": percentile(calls, 0.95),
        "review_ms_p50": percentile(walls, 0.5),
        "review_ms_p95": percentile(walls, 0.95),
        "review_ms_max_4_criteria": max(four, default=0.0),
        "reviews_with_4_criteria": len(four),
        "methods": methods,
    }


def format_drafts(result: dict[str, Any]) -> str:
    o = result["overall"]
    lines = [
        f"Drafts — {o['n']} criterion verdicts over {result['drafts']} files (figures on the source formats, "
        f"{result['mode']})",
        f"  overall      accuracy {o['accuracy']:.3f}  macro-F1 {o['macro_f1']:.3f}  QW-kappa {o['qw_kappa']:.3f}",
        "  F1 per class " + "  ".join(f"{label} {o['f1'][label]:.3f}" for label in LABELS),
        "  confusion (rows gold, columns predicted: " + " / ".join(LABELS) + ")",
    ]
    for gold in LABELS:
        lines.append(f"    {gold:<8} " + " ".join(f"{o['confusion'][gold][p]:>4}" for p in LABELS))
    for key, m in result["per_kind"].items():
        lines.append(f"  kind {key:<10} n={m['n']:<3} accuracy {m['accuracy']:.3f}  QW-kappa {m['qw_kappa']:.3f}")
    for key, m in result["per_lang"].items():
        lines.append(f"  lang {key:<10} n={m['n']:<3} accuracy {m['accuracy']:.3f}  QW-kappa {m['qw_kappa']:.3f}")
    for key, m in result["per_style"].items():
        lines.append(f"  style {key:<9} n={m['n']:<3} accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}  "
                     f"QW-kappa {m['qw_kappa']:.3f}")  # fmt: skip
    for key, m in result["per_format"].items():
        lines.append(f"  format {key:<12} n={m['n']:<3} accuracy {m['accuracy']:.3f}  QW-kappa {m['qw_kappa']:.3f}")
    cal = result["calibration"]
    lines.append(f"  calibration  ECE {cal['ece']:.3f}  Brier {cal['brier']:.3f} (confidence of the status given)")
    for row in cal["reliability"]:
        lines.append(f"    confidence {row['from']:.1f}-{row['to']:.1f}  n={row['n']:<4} mean {row['confidence']:.3f}  "
                     f"right {row['accuracy']:.3f}")  # fmt: skip
    if result["format_agreement"] is not None:
        by = "  ".join(f"{k} {v:.3f}" for k, v in result["format_agreement_by_format"].items())
        lines.append(f"  verdict agreement of renderings with their source {result['format_agreement']:.3f}  ({by})")
    for key, m in result["per_evaluation"].items():
        lines.append(f"  {key:<11}  n={m['n']:<3} accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}  "
                     f"QW-kappa {m['qw_kappa']:.3f}")  # fmt: skip
    lines.append(
        f"  stuffing resistance {result['stuffing_resistance']:.3f} "
        f"({result['stuffing_cases']} gold-missing criteria in stuffed/injected drafts)"
    )
    lines.append(f"  quotes not found verbatim in their draft {result['unverified_quotes']}")
    if "llm" in result:
        m = result["llm"]
        lines += [
            f"  LLM criteria tried / fallback rate        {m['criteria_tried']} / {m['fallback_rate']:.3f}",
            f"  fallback reasons                          {m['fallback_reasons']}",
            f"  model requests                            {m['requests']}",
            f"  LLM call time per criterion p50 / p95     {m['call_ms_p50']:.0f} / {m['call_ms_p95']:.0f} ms",
            f"  review wall p50 / p95                     {m['review_ms_p50']:.0f} / {m['review_ms_p95']:.0f} ms",
            f"  slowest 4-criterion review                {m['review_ms_max_4_criteria']:.0f} ms "
            f"({m['reviews_with_4_criteria']} reviews)",
            f"  structured-output methods                 {m['methods']}",
        ]
    for c in result["renderings"]:
        if not c["same_verdicts"]:
            lines.append(f"  rendering {c['rendering']} vs {c['source']}: agreement {c['agreement']:.2f}")
    for f, ok in result["mismatch_flagged"].items():
        lines.append(f"  evaluation_mismatch on {f}: {'yes' if ok else 'NO'}")
    for f, ok in result["injection_flagged"].items():
        lines.append(f"  prompt_injection on {f}: {'yes' if ok else 'NO'}")
    return "\n".join(lines)
