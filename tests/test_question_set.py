"""The answers dev set: written once, split once (tune/test), stratified by type and language."""

from __future__ import annotations

import math
from collections import Counter

from typer.testing import CliRunner

from assistant.cli import app
from assistant.evaluate.dataset import load_questions
from assistant.pack import load_pack
from tests.conftest import CORPUS


def test_the_set_is_large_and_every_gold_item_exists() -> None:
    questions = load_questions()
    ids = load_pack(CORPUS).ref.codes()
    assert len(questions) >= 250
    assert len({q.id for q in questions}) == len(questions)
    assert all(code in ids for q in questions for code in q.codes)
    assert all(not q.codes and not q.must_mention for q in questions if not q.in_scope)


def test_the_split_is_stratified_by_type_and_language() -> None:
    questions = load_questions()
    assert 0.40 <= sum(q.split == "test" for q in questions) / len(questions) <= 0.50
    groups = Counter((q.type, q.lang) for q in questions)
    tests = Counter((q.type, q.lang) for q in questions if q.split == "test")
    for group, size in groups.items():
        assert tests[group] == math.ceil(0.45 * size), group  # the rule of scripts/split_questions.py


def test_eval_rejects_an_unknown_split() -> None:
    result = CliRunner().invoke(app, ["eval", "answers", "--split", "holdout", "--json"])
    assert result.exit_code == 2
    assert "unknown_split" in result.output


def test_a_sample_is_spread_over_every_type_and_language() -> None:
    from assistant.evaluate.dataset import spread

    questions = load_questions()
    groups = {(q.type, q.lang) for q in questions}
    sample = spread(questions, lambda q: (q.type, q.lang), 60)
    assert len(sample) == 60 and len({q.id for q in sample}) == 60
    assert {(q.type, q.lang) for q in sample} == groups  # 60 > number of groups: each one is drawn
    positions = [questions.index(q) for q in sample]
    assert positions == sorted(positions)  # file order kept
    assert spread(questions, lambda q: q.type, 0) == questions
