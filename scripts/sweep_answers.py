"""Sweep the answerability threshold on the tune split of both question sets (never on test).

``answer.min_answerable`` is the calibrated probability (the pack's answerability model) below which a
question is refused. Too high refuses answerable questions, too low answers what the documents do not
hold. Each value is scored on the tune questions of the dev and realworld sets with the configured index
(default embedder e5-small): out-of-scope refusal rate, false refusal rate and must-mention coverage,
pooled over both sets. The objective is the refusal rate minus twice the false refusal rate (a candidate refused an
answer our documents hold is the costlier error), must-mention breaking ties.

Prints one line per value, best first; the chosen value goes into AnswerSettings by hand, and
`jury-blanc eval answers --split test` is then run once.

Usage: JB_DATA_DIR=<index> python scripts/sweep_answers.py [--values 0.3,0.35,...]
"""

from __future__ import annotations

import argparse
import dataclasses

from assistant.evaluate.answers_eval import evaluate_answers
from assistant.evaluate.dataset import EvalQuestion
from assistant.evaluate.tuning import tune_questions
from assistant.runtime import build_runtime
from assistant.settings import PROJECT_ROOT

DEFAULT_VALUES = "0.3,0.4,0.5,0.6,0.7,0.8"


def tuning_items() -> list[EvalQuestion]:
    """The questions this sweep reads: the tune split of both sets, scored ones only."""
    evals = PROJECT_ROOT / "evals"
    return [q for q in tune_questions(evals) + tune_questions(evals, "realworld") if q.scored]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", default=DEFAULT_VALUES, help="min_answerable values to try, comma-separated")
    args = parser.parse_args()
    runtime = build_runtime()
    questions = tuning_items()
    results = []
    for value in (float(v) for v in args.values.split(",")):
        answer = runtime.settings.answer.model_copy(update={"min_answerable": value})
        settings = runtime.settings.model_copy(update={"answer": answer})
        s = evaluate_answers(dataclasses.replace(runtime, settings=settings), questions)["summary"]
        objective = s["out_of_scope_refusal_rate"] - 2 * s["false_refusal_rate"]
        results.append((objective, s["must_mention_coverage"], value, s))
        print(f"min_answerable {value:.2f}  refusal {s['out_of_scope_refusal_rate']:.3f}  false refusal "
              f"{s['false_refusal_rate']:.3f}  must-mention {s['must_mention_coverage']:.3f}", flush=True)  # fmt: skip
    print(f"--- best ({len(questions)} tune questions, embeddings {runtime.embedding.model_id})")
    for objective, mention, value, _ in sorted(results, key=lambda r: (-r[0], -r[1])):
        print(f"min_answerable {value:.2f}  refusal - 2 x false refusal {objective:.3f}  must-mention {mention:.3f}")


if __name__ == "__main__":
    main()
