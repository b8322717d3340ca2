"""Sweep the weights of hybrid retrieval on the tune split (never on test).

``retrieval.sentence_weight`` weighs a third ranked list fused with BM25 and dense passages: passages
ranked by their sentence closest to the question (the sentences indexed at ingest);
``retrieval.course_weight`` scales the fused scores of course passages (the référentiel is the rule).
Each pair of values is
scored on the tune questions of the dev and realworld sets with the configured index (default embedder
e5-small): recall@5 and MRR of the gold items, per set. The objective is the mean of recall@5 and MRR
over both sets (each set weighing the same).

Prints one line per pair, best first; the chosen values go into RetrievalSettings by hand, and
`jury-blanc eval retrieval --split test` is then run once per set.

Usage: JB_DATA_DIR=<index> python scripts/sweep_retrieval.py [--values 0,1,2,3] [--course 0.6,0.8]
"""

from __future__ import annotations

import argparse

from assistant.evaluate.dataset import EvalQuestion
from assistant.evaluate.retrieval_eval import evaluate_retrieval
from assistant.evaluate.tuning import tune_questions
from assistant.runtime import build_runtime
from assistant.settings import PROJECT_ROOT

DEFAULT_VALUES = "0,1,2,2.5,3,4"
DEFAULT_COURSE = "0.4,0.6,0.8,1.0"


def tuning_sets() -> dict[str, list[EvalQuestion]]:
    """The questions this sweep reads, per set: the tune split of both sets, scored ones only."""
    evals = PROJECT_ROOT / "evals"
    return {name: [q for q in tune_questions(evals, name) if q.scored] for name in ("dev", "realworld")}


def tuning_items() -> list[EvalQuestion]:
    return [q for questions in tuning_sets().values() for q in questions]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", default=DEFAULT_VALUES, help="sentence_weight values to try, comma-separated")
    parser.add_argument("--course", default=DEFAULT_COURSE, help="course_weight values to try, comma-separated")
    args = parser.parse_args()
    runtime = build_runtime()
    sets = tuning_sets()
    base = runtime.retriever.settings
    results = []
    pairs = [(float(v), float(c)) for v in args.values.split(",") for c in args.course.split(",")]
    for value, course in pairs:
        runtime.retriever.settings = base.model_copy(update={"sentence_weight": value})
        runtime.retriever.course_weight = course
        figures = {name: evaluate_retrieval(runtime.retriever, qs)["overall"] for name, qs in sets.items()}
        objective = sum(f["recall@5"] + f["mrr"] for f in figures.values()) / (2 * len(figures))
        results.append((objective, f"sentence_weight {value:.2f} course_weight {course:.2f}", figures))
        line = "  ".join(f"{n} recall@5 {f['recall@5']:.3f} MRR {f['mrr']:.3f}" for n, f in figures.items())
        print(f"sentence_weight {value:.2f} course_weight {course:.2f}  {line}", flush=True)
    runtime.retriever.settings = base
    runtime.retriever.course_weight = base.course_weight
    print(f"--- best ({sum(map(len, sets.values()))} tune questions, embeddings {runtime.embedding.model_id})")
    for objective, label, _ in sorted(results, key=lambda r: -r[0])[:8]:
        print(f"{label}  mean of recall@5 and MRR over both sets {objective:.3f}")


if __name__ == "__main__":
    main()
