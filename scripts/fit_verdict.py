"""Fit the criterion verdict model on the tune split of the labelled drafts (never on test).

Features come from ``ReviewEngine.assess`` (the attendus found, partial or missing; relevance and
meaning margins; substance; evidence spread; echo; structure matches), one row per labelled criterion
of every tune draft in its source format (Markdown, Word, PowerPoint; the PDF renderings carry the
same labels and are kept to measure agreement across formats). The fit itself is
``assistant.evaluate.verdict_fit`` (cumulative ordinal model, scikit-learn, C chosen by
cross-validation grouped by draft); the tune figures printed are those cross-validated predictions.
The coefficients go to ``<pack>/models/verdict.json``; `jury-blanc eval drafts --split test` then
reports held-out figures.

Usage: python scripts/fit_verdict.py [--dry-run]
"""

from __future__ import annotations

import argparse
from typing import Any

from assistant.evaluate.dataset import EVALS_DIR
from assistant.evaluate.drafts_eval import feature_rows
from assistant.evaluate.tuning import tune_draft_files
from assistant.evaluate.verdict_fit import fit_verdict, report_fit
from assistant.review.service import Reviewer
from assistant.review.verdict import FEATURES, MODEL_FILE
from assistant.runtime import build_runtime


def tuning_items() -> list[dict[str, Any]]:
    """The draft labels this fit reads: tune split only."""
    return [e for e in tune_draft_files(EVALS_DIR) if "source" not in e]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    runtime = build_runtime()
    reviewer = Reviewer.from_settings(runtime.settings, runtime.embedding, pack=runtime.pack)
    rows = feature_rows(reviewer, tuning_items(), EVALS_DIR / "drafts")
    fit = fit_verdict(rows, runtime.embedding.model_id)
    report_fit(
        fit, FEATURES, "source-format criterion", None if args.dry_run else runtime.settings.corpus_dir / MODEL_FILE
    )


if __name__ == "__main__":
    main()
