"""The mock-jury answers set (evals/oral, issue 24): written blind, labelled per attendu, split once.

Round 1 (items without ``round``) came first; round 2 (``round: 2``, style ``paraphrase``) was added
later and split among its own ids only. Checks the set's integrity only; how the product does on it
is measured by the oral evaluation, not here.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from assistant.pack import load_pack

ROOT = Path(__file__).resolve().parent.parent
ORAL = ROOT / "evals" / "oral"
STYLES = {"strong": 4, "partial": 4, "short": 2, "hesitant": 2, "off_topic": 2, "recital": 2, "english": 2}
ROUND_STYLES = {2: {"paraphrase": 4}}  # per evaluation, added by each later round


def _items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = yaml.safe_load((ORAL / "answers.yaml").read_text(encoding="utf-8"))
    return items


def test_every_item_targets_attendus_of_its_criterion_and_labels_each_of_them() -> None:
    ref = load_pack().ref
    items = _items()
    assert len(items) >= 120 and len({i["id"] for i in items}) == len(items)
    for item in items:
        criterion = ref.criterion(item["criterion"])
        assert criterion.evaluation == item["evaluation"], item["id"]
        known = {a.id for a in criterion.attendus}
        assert 1 <= len(item["attendus"]) <= 3 and set(item["attendus"]) <= known, item["id"]
        assert set(item["labels"]) == set(item["attendus"]), item["id"]
        for label in item["labels"].values():
            assert label["verdict"] in {"covered", "partial", "missing"} and label["reason"].strip(), item["id"]
        assert item["question"].strip().endswith("?") and item["answer"].strip(), item["id"]
        assert item["lang"] == ("en" if item["style"] == "english" else "fr"), item["id"]
        if item["style"] in {"recital", "off_topic"}:  # reciting the rubric or talking of something else is no answer
            assert {label["verdict"] for label in item["labels"].values()} == {"missing"}, item["id"]


def test_each_evaluation_has_every_style_of_answer() -> None:
    by_evaluation: dict[str, Counter[str]] = {}
    for item in _items():
        by_evaluation.setdefault(item["evaluation"], Counter())[item["style"]] += 1
    assert sorted(by_evaluation) == sorted(load_pack().ref.evaluation_keys)
    expected = Counter(STYLES)
    for round_styles in ROUND_STYLES.values():
        expected.update(round_styles)
    for evaluation, styles in by_evaluation.items():
        assert styles == expected, evaluation
    for item in _items():  # round 1 has no `round` field; a later round's items carry it and only its styles
        if "round" in item:
            assert item["style"] in ROUND_STYLES[item["round"]], item["id"]
        else:
            assert item["style"] in STYLES, item["id"]


def test_the_split_is_fixed_stratified_and_the_scripts_rule() -> None:
    spec = importlib.util.spec_from_file_location("split_drafts", ROOT / "scripts" / "split_drafts.py")
    assert spec is not None and spec.loader is not None
    split_drafts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(split_drafts)
    recorded: dict[str, str] = yaml.safe_load((ORAL / "splits.yaml").read_text(encoding="utf-8"))
    items = _items()
    assert set(recorded) == {i["id"] for i in items} and set(recorded.values()) == {"tune", "test"}
    round_of = {i["id"]: i.get("round", 1) for i in items}  # round 1 items carry no `round` field
    assert sorted(set(round_of.values())) == [1, *sorted(ROUND_STYLES)]
    for current in sorted(set(round_of.values())):  # made round by round, as split_into does it
        entries = [
            {"file": i["id"], **{k: i[k] for k in split_drafts.ORAL_STRATA}}
            | ({"split": recorded[i["id"]]} if round_of[i["id"]] < current else {})  # earlier rounds keep theirs
            for i in items
            if round_of[i["id"]] <= current
        ]
        split_drafts.assign(entries, split_drafts.ORAL_STRATA)  # the new ids are split among themselves
        assert {e["file"]: e["split"] for e in entries} == {e["file"]: recorded[e["file"]] for e in entries}, current
        new = [e for e in entries if round_of[e["file"]] == current]
        for stratum in split_drafts.ORAL_STRATA:
            sizes = Counter(str(e[stratum]) for e in new)
            tests = Counter(str(e[stratum]) for e in new if recorded[e["file"]] == "test")
            for value, size in sizes.items():
                assert abs(tests[value] - split_drafts.TEST_SHARE * size) <= 1, (current, stratum, value)
