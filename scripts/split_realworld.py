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
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or imported by the tests
from split_questions import assign as assign_split  # one split rule for both question sets
from split_questions import split_file

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


def is_plain(value: str) -> bool:
    # Short enum-like values (fr, formal, rw001, answer, test...) are written unquoted.
    return value.replace("-", "").replace("_", "").isalnum() and value[:1].isalpha()


def dump_question(q: Question) -> list[str]:
    unknown = set(q) - set(KEY_ORDER)
    if unknown:
        raise SystemExit(f"{q.get('id')}: unknown keys {sorted(unknown)}")
    out = []
    for key in KEY_ORDER:
        if key not in q or (key == "note" and not q[key]):
            continue
        value = q[key]
        if key == "codes":
            text = "[" + ", ".join(value) + "]"
        elif key == "must_mention":
            text = "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
        elif isinstance(value, str) and is_plain(value) and key != "question":
            text = value
        else:
            text = json.dumps(value, ensure_ascii=False)
        out.append(f"{'- ' if key == 'id' else '  '}{key}: {text}")
    return out


def render(header: list[str], comments: list[list[str]], questions: list[Question]) -> str:
    out = list(header)
    for i, (q, before) in enumerate(zip(questions, comments, strict=True)):
        if before:
            out.append("")
            out.extend(before)
        elif i > 0 or header:
            out.append("")
        out.extend(dump_question(q))
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="recompute the split of every question")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args()
    return split_file(args.file, args.force, assign, render)


if __name__ == "__main__":
    sys.exit(main())
