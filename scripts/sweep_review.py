"""Sweep the attendu-level review knobs on the tune split of the draft set (never on test).

Each configuration recomputes the engine's features on the tune drafts and refits the verdict model
with grouped cross-validation (``assistant.evaluate.verdict_fit``); the cross-validated QW-kappa ranks
the configurations. Embeddings are memoised across configurations. The chosen values go into
ReviewSettings by hand, `scripts/fit_verdict.py` refits the shipped model, and
`jury-blanc eval drafts --split test` is then run once.

Usage: python scripts/sweep_review.py [--top 10]
"""

from __future__ import annotations

import argparse
import itertools
from typing import Any

from assistant.evaluate.dataset import EVALS_DIR
from assistant.evaluate.drafts_eval import feature_rows
from assistant.evaluate.tuning import tune_draft_files
from assistant.evaluate.verdict_fit import fit_verdict
from assistant.index.embeddings import EmbeddingChoice, MemoisedEmbeddings, make_embeddings
from assistant.review.service import Reviewer
from assistant.settings import ReviewSettings, Settings

GRID = {
    "rel_met": [0.5, 0.6],
    "rel_partial": [0.4, 0.45],
    "shape_partial": [0.5, 0.67],
}


def tuning_items() -> list[dict[str, Any]]:
    """The draft labels this sweep reads: tune split only."""
    return tune_draft_files(EVALS_DIR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    base = make_embeddings("e5-small")
    embedding = EmbeddingChoice(MemoisedEmbeddings(base.embeddings), base.model_id)
    entries = tuning_items()
    results = []
    keys = list(GRID)
    for values in itertools.product(*GRID.values()):
        knobs = dict(zip(keys, values, strict=True))
        if knobs["rel_partial"] >= knobs["rel_met"]:
            continue
        reviewer = Reviewer.from_settings(Settings(review=ReviewSettings(**knobs)), embedding)
        fit = fit_verdict(feature_rows(reviewer, entries, EVALS_DIR / "drafts"), base.model_id, verbose=False)
        m = fit.figures
        results.append((m["qw_kappa"], m["macro_f1"], m["f1"]["partial"], knobs))
        print(f"qwk {m['qw_kappa']:.3f} f1 {m['macro_f1']:.3f} partial {m['f1']['partial']:.3f} {knobs}", flush=True)
    print("--- best (cross-validated on tune)")
    for qwk, f1, partial, knobs in sorted(results, key=lambda r: (-r[0], -r[1]))[: args.top]:
        print(f"qwk {qwk:.3f} f1 {f1:.3f} partial {partial:.3f} {knobs}")


if __name__ == "__main__":
    main()
