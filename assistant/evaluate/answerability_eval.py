"""How well the answerability probability separates what our documents answer from what they do not,
and how well it is calibrated: AUC, Brier score, refusal figures at a 0.5 cut, and a reliability table
(predicted vs observed answerable share per decile of the predicted probability)."""

from __future__ import annotations

from typing import Any

from assistant.evaluate.dataset import EvalQuestion


def auc(labels: list[int], scores: list[float]) -> float:
    """Area under the ROC curve (probability that an answerable question scores above an unanswerable one)."""
    pos = [s for y, s in zip(labels, scores, strict=True) if y]
    neg = [s for y, s in zip(labels, scores, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def calibration_report(labels: list[int], probabilities: list[float], cut: float = 0.5) -> dict[str, Any]:
    """Figures of ``probabilities`` (P answerable) against ``labels`` (1 = answerable)."""
    n = len(labels)
    inside = [p for y, p in zip(labels, probabilities, strict=True) if y]
    outside = [p for y, p in zip(labels, probabilities, strict=True) if not y]
    bins: list[dict[str, float]] = []
    for d in range(10):
        lo, hi = d / 10, (d + 1) / 10
        members = [(y, p) for y, p in zip(labels, probabilities, strict=True) if lo <= p < hi or (d == 9 and p == 1.0)]
        if members:
            bins.append({
                "from": lo, "to": hi, "n": len(members),
                "predicted": sum(p for _, p in members) / len(members),
                "observed": sum(y for y, _ in members) / len(members),
            })  # fmt: skip
    return {
        "n": n,
        "auc": auc(labels, probabilities),
        "brier": sum((p - y) ** 2 for y, p in zip(labels, probabilities, strict=True)) / max(n, 1),
        "out_of_scope_refusal_rate": sum(p < cut for p in outside) / max(len(outside), 1),
        "false_refusal_rate": sum(p < cut for p in inside) / max(len(inside), 1),
        "reliability": bins,
    }


def format_calibration(result: dict[str, Any], title: str) -> str:
    lines = [
        f"{title} — {result['n']} questions",
        f"  AUC {result['auc']:.3f}   Brier {result['brier']:.3f}",
        f"  at P(answerable) < 0.5: out-of-scope refusal {result['out_of_scope_refusal_rate']:.3f}, "
        f"false refusal {result['false_refusal_rate']:.3f}",
        "  reliability (decile of P: n, mean predicted, observed answerable share)",
    ]
    for b in result["reliability"]:
        lines.append(f"    {b['from']:.1f}-{b['to']:.1f}  n={int(b['n']):<4} {b['predicted']:.3f}  {b['observed']:.3f}")
    return "\n".join(lines)


def evaluate_answerability(runtime: Any, questions: list[EvalQuestion]) -> dict[str, Any]:
    """The shipped model's calibration on ``questions`` (scored ones only)."""
    from assistant.answer.answerability import load_model
    from assistant.answer.plan import Planner

    model = load_model(runtime.settings.corpus_dir, runtime.embedding.model_id)
    if model is None:
        raise ValueError(f"no answerability model for {runtime.embedding.model_id} in {runtime.settings.corpus_dir}")
    extractor = Planner.for_runtime(runtime)
    scored = [q for q in questions if q.scored]
    probabilities = [model.probability(extractor.features(q.question)) for q in scored]
    return calibration_report([int(q.in_scope) for q in scored], probabilities)
