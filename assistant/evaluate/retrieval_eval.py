"""Retrieval metrics on the dev questions: recall@5, recall@10, MRR (overall, by language, by type).

A retrieved chunk *grounds* an expected code when it is a référentiel chunk carrying that code
(course passages that merely mention a code do not count).
"""

from __future__ import annotations

from typing import Any

from assistant.evaluate.dataset import EvalQuestion, group_mean
from assistant.retrieve.hybrid import Hit, HybridRetriever


def grounds(hit: Hit, code: str) -> bool:
    return hit.chunk.doc_type == "referentiel" and code in hit.chunk.codes


def score_question(q: EvalQuestion, hits: list[Hit]) -> dict[str, Any]:
    def recall(k: int) -> float:
        top = hits[:k]
        return sum(any(grounds(h, c) for h in top) for c in q.codes) / len(q.codes)

    rr = 0.0
    for rank, hit in enumerate(hits[:10], start=1):
        if any(grounds(hit, c) for c in q.codes):
            rr = 1.0 / rank
            break
    return {
        "id": q.id,
        "lang": q.lang,
        "type": q.type,
        "style": q.style,
        "recall@5": recall(5),
        "recall@10": recall(10),
        "mrr": rr,
    }


def evaluate_retrieval(retriever: HybridRetriever, questions: list[EvalQuestion]) -> dict[str, Any]:
    rows = [score_question(q, retriever.search(q.question, k=10)) for q in questions if q.in_scope and q.codes]
    metrics = ("recall@5", "recall@10", "mrr")
    overall = {m: sum(r[m] for r in rows) / len(rows) for m in metrics}
    by: dict[str, dict[str, dict[str, tuple[float, int]]]] = {}
    for key in ("lang", "type", "style"):
        by[key] = {m: group_mean(rows, key, m) for m in metrics}
    return {"n": len(rows), "overall": overall, "by": by, "rows": rows}


def format_retrieval(result: dict[str, Any]) -> str:
    lines = [f"Retrieval — {result['n']} in-scope questions"]
    o = result["overall"]
    lines.append(f"  overall      recall@5 {o['recall@5']:.3f}  recall@10 {o['recall@10']:.3f}  MRR {o['mrr']:.3f}")
    for key in ("lang", "type", "style"):
        groups = result["by"][key]["recall@5"]
        for value in groups:
            r5, n = result["by"][key]["recall@5"][value]
            r10, _ = result["by"][key]["recall@10"][value]
            mrr, _ = result["by"][key]["mrr"][value]
            lines.append(f"  {key}={value:<13} n={n:<3} recall@5 {r5:.3f}  recall@10 {r10:.3f}  MRR {mrr:.3f}")
    misses = [r for r in result["rows"] if r["recall@5"] < 1]
    if misses:
        lines.append("  below full recall@5: " + ", ".join(f"{r['id']}({r['recall@5']:.2f})" for r in misses))
    return "\n".join(lines)
