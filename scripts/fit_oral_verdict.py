"""Fit the mock jury's attendu verdict model on the tune split of evals/oral (never on test).

Each labelled attendu of each tune answer gives one feature row (``OralJudge.measure``: the review
engine's own status and relevance, keyword coverage, meaning similarity of the answer to the attendu and
its margin over the criterion's other attendus, substance, specifics, echo of the référentiel, length).
The fit is ``assistant.evaluate.verdict_fit`` (cumulative ordinal model, scikit-learn, C chosen by
cross-validated log-loss, folds grouped by answer); the tune figures printed are those cross-validated
predictions. The coefficients go to ``<pack>/models/oral_verdict.json``; `jury-blanc eval oral --split test`
then reports held-out figures.

Usage: python scripts/fit_oral_verdict.py [--dry-run]
"""

from __future__ import annotations

import argparse
from typing import Any

from assistant.evaluate.dataset import EVALS_DIR
from assistant.evaluate.tuning import tune_oral_answers
from assistant.evaluate.verdict_fit import fit_verdict, report_fit
from assistant.review.oral_judge import ORAL_FEATURES, ORAL_MODEL_FILE, OralJudge
from assistant.review.service import Reviewer
from assistant.runtime import build_runtime


def tuning_items() -> list[dict[str, Any]]:
    """The answers this fit reads: tune split only."""
    return tune_oral_answers(EVALS_DIR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    runtime = build_runtime()
    reviewer = Reviewer.from_settings(runtime.settings, runtime.embedding, pack=runtime.pack)
    judge = OralJudge(reviewer.engine)
    rows = []
    for item in tuning_items():
        crit = next(c for c in runtime.pack.ref.criteria_of(item["evaluation"]) if c.code == item["criterion"])
        _, measured = judge.measure(item["answer"], item["evaluation"], crit, list(item["attendus"]))
        for m in measured:
            rows.append({"entry": {"file": item["id"]}, "gold": item["labels"][m.attendu.id]["verdict"],
                         "features": m.values})  # fmt: skip
    fit = fit_verdict(rows, runtime.embedding.model_id, features=ORAL_FEATURES,
                      described=("attendu", "answers", "answer"))  # fmt: skip
    report_fit(fit, ORAL_FEATURES, "attendu", None if args.dry_run else runtime.settings.corpus_dir / ORAL_MODEL_FILE)


if __name__ == "__main__":
    main()
