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
import json
from typing import Any

from assistant.evaluate.dataset import EVALS_DIR
from assistant.evaluate.drafts_eval import feature_rows
from assistant.evaluate.tuning import tune_draft_files
from assistant.evaluate.verdict_fit import fit_verdict
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
    f = fit.figures
    print(
        f"tune, cross-validated (C={fit.c}), {f['n']} source-format criteria: accuracy {f['accuracy']:.3f}  "
        f"macro-F1 {f['macro_f1']:.3f}  QW-kappa {f['qw_kappa']:.3f}  F1 partial {f['f1']['partial']:.3f}"
    )
    for name, weights in zip(("at least partial", "covered"), fit.model.coef, strict=True):
        print(f"{name}: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, weights, strict=True)))
    if not args.dry_run:
        path = runtime.settings.corpus_dir / MODEL_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(fit.model.model_dump(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {path}")


if __name__ == "__main__":
    main()
