"""Sweep the answerability threshold on the tune split of the question set (never on test).

``answer.min_coverage`` is the share of a question's key terms (IDF-weighted) the cited passages must hold
for an answer to be given; below it the assistant refuses. Too high refuses answerable questions, too low
answers what the documents do not hold. Each value is scored on the tune questions with the configured
index (default embedder e5-small): out-of-scope refusal rate, false refusal rate and must-mention
coverage. The objective is the refusal rate minus twice the false refusal rate (a candidate refused an
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

DEFAULT_VALUES = "0.25,0.3,0.35,0.4,0.45,0.5,0.55,0.6"


def tuning_items() -> list[EvalQuestion]:
    """The questions this sweep reads: tune split only."""
    return tune_questions(PROJECT_ROOT / "evals")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", default=DEFAULT_VALUES, help="min_coverage values to try, comma-separated")
    args = parser.parse_args()
    runtime = build_runtime()
    questions = tuning_items()
    results = []
    for value in (float(v) for v in args.values.split(",")):
        answer = runtime.settings.answer.model_copy(update={"min_coverage": value})
        settings = runtime.settings.model_copy(update={"answer": answer})
        s = evaluate_answers(dataclasses.replace(runtime, settings=settings), questions)["summary"]
        objective = s["out_of_scope_refusal_rate"] - 2 * s["false_refusal_rate"]
        results.append((objective, s["must_mention_coverage"], value, s))
        print(f"min_coverage {value:.2f}  refusal {s['out_of_scope_refusal_rate']:.3f}  false refusal "
              f"{s['false_refusal_rate']:.3f}  must-mention {s['must_mention_coverage']:.3f}", flush=True)  # fmt: skip
    print(f"--- best ({len(questions)} tune questions, embeddings {runtime.embedding.model_id})")
    for objective, mention, value, _ in sorted(results, key=lambda r: (-r[0], -r[1])):
        print(f"min_coverage {value:.2f}  refusal - 2 x false refusal {objective:.3f}  must-mention {mention:.3f}")


if __name__ == "__main__":
    main()
