"""Sweep the review thresholds on the tune split of the draft set (never on test).

Embeddings are memoised across configurations, so each configuration costs only the scoring.
Prints one line per configuration, best QW-kappa first; the chosen values go into ReviewSettings
by hand, and `jury-blanc eval drafts --split test` is then run once.

Usage: python scripts/sweep_review.py [--top 15]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path
from typing import Any

from assistant.evaluate.drafts_eval import score_pairs
from assistant.evaluate.tuning import tune_labels
from assistant.index.embeddings import EmbeddingChoice, MemoisedEmbeddings, make_embeddings
from assistant.review.service import Reviewer, check_file
from assistant.settings import PROJECT_ROOT, ReviewSettings, Settings

GRID = {
    "covered_at": [0.6, 0.67, 0.75],
    "partial_at": [0.3, 0.4],
    "rel_met": [0.5, 0.6],
    "rel_partial": [0.4, 0.45],
}


def tuning_items() -> list[dict[str, Any]]:
    """The draft labels this sweep reads: tune split only."""
    return tune_labels(PROJECT_ROOT / "evals")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    base = make_embeddings("e5-small")
    embedding = EmbeddingChoice(MemoisedEmbeddings(base.embeddings), base.model_id)
    entries = tuning_items()
    drafts = PROJECT_ROOT / "evals" / "drafts"
    results = []
    keys = list(GRID)
    for values in itertools.product(*GRID.values()):
        knobs = dict(zip(keys, values, strict=True))
        if knobs["rel_partial"] >= knobs["rel_met"] or knobs["partial_at"] >= knobs["covered_at"]:
            continue
        settings = Settings(review=ReviewSettings(**knobs))
        reviewer = Reviewer.from_settings(settings, embedding)
        pairs = []
        for entry in entries:
            report = check_file(reviewer, Path(drafts / entry["file"]), entry["evaluation"])
            pairs += [(entry["labels"][v.code]["status"], v.status) for v in report.criteria]
        m = score_pairs(pairs)
        results.append((m["qw_kappa"], m["macro_f1"], m["f1"]["partial"], knobs))
        print(f"qwk {m['qw_kappa']:.3f} f1 {m['macro_f1']:.3f} partial {m['f1']['partial']:.3f} {knobs}", flush=True)
    print("--- best")
    for qwk, f1, partial, knobs in sorted(results, key=lambda r: (-r[0], -r[1]))[: args.top]:
        print(f"qwk {qwk:.3f} f1 {f1:.3f} partial {partial:.3f} {knobs}")


if __name__ == "__main__":
    main()
