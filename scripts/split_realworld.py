"""Assign the fixed tune/test split of the real-world question set (evals/realworld/questions.yaml).

Rule: group questions by (label, lang); inside each group, order them by the sha256 of their id and put
the first ceil(45 %) in `test`, the rest in `tune`. The order depends only on the ids, so the split is
deterministic and does not move when questions are reordered in the file.

A question that already has a `split` keeps it; questions without one are split among themselves with
the same rule. `--force` recomputes the split of every question (only before anyone has looked at how
the product does on the set).

The file is rewritten in its usual layout: the header comment (and any comment line placed before a
question) is kept, and each question is written with the same key order.

Usage: python scripts/split_realworld.py [--force] [--file evals/realworld/questions.yaml]
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or imported by the tests
from split_questions import assign as assign_split  # one split rule for both question sets
from split_questions import dump_question, split_file
from split_questions import render as render_questions

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "evals" / "realworld" / "questions.yaml"
Question = dict[str, Any]
KEY_ORDER = [
    "id",
    "question",
    "lang",
    "style",
    "type",
    "audience",
    "codes",
    "must_mention",
    "source_url",
    "origin",
    "label",
    "note",
    "split",
]


def assign(questions: list[Question], force: bool) -> int:
    """Set `split` on the questions that need one (stratified by label and language); return how many were set."""
    return assign_split(questions, force, strata=("label", "lang"))


def render(header: list[str], comments: list[list[str]], questions: list[Question]) -> str:
    """The file in its layout: the dev set's writer with this set's keys (``note`` only when given)."""
    dump = partial(dump_question, key_order=KEY_ORDER, optional=("note",))
    return render_questions(header, comments, questions, dump, blank_after_header=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="recompute the split of every question")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args()
    return split_file(args.file, args.force, assign, render)


if __name__ == "__main__":
    sys.exit(main())
