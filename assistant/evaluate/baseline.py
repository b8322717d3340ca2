"""The naive baseline answerability is compared with: one nearest neighbour over question meaning.

Each evaluated question takes the decision (answer or refuse) of the most similar labelled question,
by cosine over the configured embedder's query vectors. No threshold, no tuning: it is the yardstick
that word rules and the product's own decision must beat (measured at 0.81 refusal with 0.10 false
refusals on questions from public pages, against 0.66 / 0.20 for the word rules).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.evaluate.dataset import EvalQuestion
from assistant.retrieve.intents import embed_queries, unit_rows


def nearest_neighbour_refusals(
    embeddings: Embeddings, train: list[EvalQuestion], evaluated: list[EvalQuestion]
) -> dict[str, Any]:
    """Refusal figures of the 1-NN decision over ``train`` on the scored questions of ``evaluated``."""
    train = [q for q in train if q.scored]
    evaluated = [q for q in evaluated if q.scored]
    if not train or not evaluated:
        return {"n": 0, "train_n": len(train)}
    asked = unit_rows(embed_queries(embeddings, [q.question for q in evaluated]))
    similarities = asked @ unit_rows(embed_queries(embeddings, [q.question for q in train])).T
    # A question never votes for itself (leave-one-out when the evaluated questions are among the labelled ones).
    train_index = {q.id: j for j, q in enumerate(train)}
    for i, q in enumerate(evaluated):
        if q.id in train_index:
            similarities[i, train_index[q.id]] = -np.inf
    nearest = similarities.argmax(axis=1)
    refused = [not train[int(j)].in_scope for j in nearest]
    inside = [r for q, r in zip(evaluated, refused, strict=True) if q.in_scope]
    outside = [r for q, r in zip(evaluated, refused, strict=True) if not q.in_scope]
    return {
        "n": len(evaluated),
        "train_n": len(train),
        "out_of_scope_refusal_rate": sum(outside) / max(len(outside), 1),
        "false_refusal_rate": sum(inside) / max(len(inside), 1),
    }


def format_baseline(result: dict[str, Any], train_name: str) -> str:
    if not result.get("n"):
        return "1-NN baseline — nothing to compare"
    return (
        f"1-NN baseline (nearest of {result['train_n']} {train_name} questions by meaning, no tuning) — "
        f"{result['n']} questions\n"
        f"  out-of-scope refusal rate                 {result['out_of_scope_refusal_rate']:.3f}\n"
        f"  false refusal rate (in-scope refused)     {result['false_refusal_rate']:.3f}"
    )
