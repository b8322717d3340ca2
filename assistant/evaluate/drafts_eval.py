"""Draft-review metrics on evals/drafts: accuracy, macro-F1, quadratic-weighted kappa, stuffing resistance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from assistant.evaluate.dataset import EVALS_DIR

ORDER = {"missing": 0, "partial": 1, "covered": 2}
LABELS = ["missing", "partial", "covered"]


def load_labels(evals_dir: Path = EVALS_DIR, split: str = "all") -> list[dict[str, Any]]:
    """Label entries of ``split`` (entries without a split, as in other packs' sets, count as tune)."""
    data = yaml.safe_load((evals_dir / "drafts" / "labels.yaml").read_text(encoding="utf-8"))
    return [e for e in data if split == "all" or e.get("split", "tune") == split]


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


def evaluate_drafts(runtime: Any, evals_dir: Path = EVALS_DIR, split: str = "all") -> dict[str, Any]:
    from assistant.review.service import Reviewer, check_file

    reviewer = Reviewer.from_settings(runtime.settings, runtime.embedding, pack=runtime.pack)
    entries = load_labels(evals_dir, split)
    base = evals_dir / "drafts"
    rows: list[dict[str, Any]] = []
    by_source: dict[str, dict[str, str]] = {}
    for entry in entries:
        report = check_file(reviewer, base / entry["file"], entry["evaluation"])
        for verdict in report.criteria:
            rows.append({
                "file": entry["file"], "evaluation": entry["evaluation"], "kind": entry["kind"],
                "code": verdict.code, "gold": entry["labels"][verdict.code]["status"], "pred": verdict.status,
                "ms": report.timings_ms.get("total_ms", 0.0),
                "warnings": [w.code for w in report.warnings],
            })  # fmt: skip
        by_source[entry["file"]] = {v.code: v.status for v in report.criteria}
    originals = [r for r in rows if not r["file"].startswith("rendered/")]
    overall = score_pairs([(r["gold"], r["pred"]) for r in originals])
    per_eval = {
        key: score_pairs([(r["gold"], r["pred"]) for r in originals if r["evaluation"] == key])
        for key in sorted({r["evaluation"] for r in originals})
    }
    per_kind = {
        key: score_pairs([(r["gold"], r["pred"]) for r in originals if r["kind"] == key])
        for key in sorted({r["kind"] for r in originals})
    }
    hostile = [r for r in originals if r["kind"] in ("stuffed", "injection") and r["gold"] == "missing"]
    resistance = sum(r["pred"] != "covered" for r in hostile) / len(hostile) if hostile else 1.0
    consistency = []
    for entry in entries:
        if "source" in entry:
            same = by_source[entry["file"]] == by_source.get(entry["source"], {})
            consistency.append({"rendering": entry["file"], "source": entry["source"], "same_verdicts": same})
    mismatch_flagged = {
        r["file"]: "evaluation_mismatch" in r["warnings"] for r in originals if r["kind"] == "wrong_eval"
    }
    injection_flagged = {r["file"]: "prompt_injection" in r["warnings"] for r in originals if r["kind"] == "injection"}
    return {
        "overall": overall,
        "per_evaluation": per_eval,
        "per_kind": per_kind,
        "stuffing_resistance": resistance,
        "stuffing_cases": len(hostile),
        "renderings": consistency,
        "mismatch_flagged": mismatch_flagged,
        "injection_flagged": injection_flagged,
        "rows": rows,
    }


def format_drafts(result: dict[str, Any]) -> str:
    o = result["overall"]
    lines = [
        f"Drafts — {o['n']} criterion verdicts (Markdown/text originals, offline)",
        f"  overall      accuracy {o['accuracy']:.3f}  macro-F1 {o['macro_f1']:.3f}  QW-kappa {o['qw_kappa']:.3f}",
        "  F1 per class " + "  ".join(f"{label} {o['f1'][label]:.3f}" for label in LABELS),
        "  confusion (rows gold, columns predicted: " + " / ".join(LABELS) + ")",
    ]
    for gold in LABELS:
        lines.append(f"    {gold:<8} " + " ".join(f"{o['confusion'][gold][p]:>4}" for p in LABELS))
    for key, m in result["per_kind"].items():
        lines.append(f"  kind {key:<10} n={m['n']:<3} accuracy {m['accuracy']:.3f}  QW-kappa {m['qw_kappa']:.3f}")
    for key, m in result["per_evaluation"].items():
        lines.append(f"  {key:<11}  n={m['n']:<3} accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}  "
                     f"QW-kappa {m['qw_kappa']:.3f}")  # fmt: skip
    lines.append(
        f"  stuffing resistance {result['stuffing_resistance']:.3f} "
        f"({result['stuffing_cases']} gold-missing criteria in stuffed/injected drafts)"
    )
    for c in result["renderings"]:
        lines.append(f"  rendering {c['rendering']} vs {c['source']}: {'same' if c['same_verdicts'] else 'DIFFERENT'}")
    for f, ok in result["mismatch_flagged"].items():
        lines.append(f"  evaluation_mismatch on {f}: {'yes' if ok else 'NO'}")
    for f, ok in result["injection_flagged"].items():
        lines.append(f"  prompt_injection on {f}: {'yes' if ok else 'NO'}")
    return "\n".join(lines)
