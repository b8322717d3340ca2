"""Assign the fixed tune/test split of evals/questions.yaml.

Rule: group questions by (type, lang); inside each group, order them by the sha256 of their id
and put the first ceil(45 %) in `test`, the rest in `tune`. The order depends only on the ids,
so the split is deterministic and does not move when questions are reordered in the file.

The split is made once. A question that already has a `split` keeps it; questions added later
(no `split` yet) are split among themselves with the same rule. `--force` recomputes the split
of every question (only do this before anyone has tuned on the set).

The file is rewritten in its usual layout: the header comment and the section comments are kept,
each question is written with the same key order (failure_class, when set, and split last).

Usage: python scripts/split_questions.py [--force] [--file evals/questions.yaml]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "evals" / "questions.yaml"
TEST_SHARE = 0.45
Question = dict[str, Any]
KEY_ORDER = ["id", "question", "lang", "style", "type", "audience", "codes", "must_mention", "failure_class", "split"]


def id_rank(qid: str) -> str:
    return hashlib.sha256(qid.encode("utf-8")).hexdigest()


def assign(questions: list[Question], force: bool, strata: tuple[str, ...] = ("type", "lang")) -> int:
    """Set `split` on the questions that need one, stratified by the ``strata`` fields; return how many were set."""
    todo = [q for q in questions if force or "split" not in q]
    groups: dict[tuple[str, ...], list[Question]] = defaultdict(list)
    for q in todo:
        groups[tuple(q[field] for field in strata)].append(q)
    for group in groups.values():
        group.sort(key=lambda q: id_rank(q["id"]))
        n_test = math.ceil(TEST_SHARE * len(group))
        for i, q in enumerate(group):
            q["split"] = "test" if i < n_test else "tune"
    return len(todo)


def read_layout(text: str) -> tuple[list[str], list[list[str]]]:
    """The header lines (everything before the first question) and the comment lines before each question."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("- id:"))
    header = lines[:first]
    while header and not header[-1].strip():
        header.pop()
    comments: list[list[str]] = []
    pending: list[str] = []
    for line in lines[first:]:
        if line.startswith("- id:"):
            comments.append(pending)
            pending = []
        elif line.lstrip().startswith("#"):
            pending.append(line)
    return header, comments


def scalar(value: object) -> str:
    if isinstance(value, str) and key_is_plain(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def key_is_plain(value: str) -> bool:
    # Short enum-like values (fr, formal, q071, CR1-2, test...) are written unquoted, as today.
    return value.replace("-", "").replace("_", "").isalnum() and value[:1].isalpha()


def dump_question(
    q: Question, key_order: list[str] = KEY_ORDER, optional: tuple[str, ...] = ("failure_class",)
) -> list[str]:
    """One question's lines, keys in ``key_order``; an ``optional`` key with no value is left out."""
    unknown = set(q) - set(key_order)
    if unknown:
        raise SystemExit(f"{q.get('id')}: unknown keys {sorted(unknown)}")
    out = []
    for key in key_order:
        if key not in q or (key in optional and q[key] in (None, "")):
            continue
        value = q[key]
        if key == "question":
            text = json.dumps(value, ensure_ascii=False)
        elif key == "codes":
            text = "[" + ", ".join(value) + "]"
        elif key == "must_mention":
            text = "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
        else:
            text = scalar(value)
        out.append(f"{'- ' if key == 'id' else '  '}{key}: {text}")
    return out


def render(
    header: list[str],
    comments: list[list[str]],
    questions: list[Question],
    dump: Callable[[Question], list[str]] = dump_question,
    blank_after_header: bool = False,
) -> str:
    out = list(header)
    for i, (q, before) in enumerate(zip(questions, comments, strict=True)):
        if before:
            out.append("")
            out.extend(before)
        elif i > 0 or (header and blank_after_header):
            out.append("")
        out.extend(dump(q))
    return "\n".join(out) + "\n"


def split_file(
    path: Path,
    force: bool,
    assign_fn: Callable[[list[Question], bool], int] = assign,
    render_fn: Callable[[list[str], list[list[str]], list[Question]], str] = render,
) -> int:
    """Assign the missing splits of the question file at ``path`` and rewrite it in its layout."""
    text = path.read_text(encoding="utf-8")
    questions = yaml.safe_load(text)
    header, comments = read_layout(text)
    if len(comments) != len(questions):
        raise SystemExit(f"found {len(comments)} '- id:' lines but {len(questions)} questions")
    ids = [q["id"] for q in questions]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate ids")

    n = assign_fn(questions, force)
    if n == 0:
        print("every question already has a split; nothing to do (use --force to recompute)")
        return 0
    new_text = render_fn(header, comments, questions)
    if yaml.safe_load(new_text) != questions:  # the rewrite must not change any value
        raise SystemExit("internal error: rewritten file does not round-trip")
    path.write_text(new_text, encoding="utf-8")
    n_test = sum(q["split"] == "test" for q in questions)
    print(f"split set on {n} question(s); {n_test}/{len(questions)} in test")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="recompute the split of every question")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args()
    return split_file(args.file, args.force)


if __name__ == "__main__":
    sys.exit(main())
