"""The mock-jury answers set (evals/oral, issue 24): written blind, labelled per attendu, split once.

Checks its integrity only; how the product does on it is measured by the oral evaluation, not here.
"""

from __future__ import annotations

import copy
import importlib.util
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from assistant.pack import load_pack

ROOT = Path(__file__).resolve().parent.parent
ORAL = ROOT / "evals" / "oral"
STYLES = {"strong": 4, "partial": 4, "short": 2, "hesitant": 2, "off_topic": 2, "recital": 2, "english": 2}


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
    for evaluation, styles in by_evaluation.items():
        assert styles == Counter(STYLES), evaluation


def test_the_split_is_fixed_stratified_and_the_scripts_rule() -> None:
    spec = importlib.util.spec_from_file_location("split_drafts", ROOT / "scripts" / "split_drafts.py")
    assert spec is not None and spec.loader is not None
    split_drafts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(split_drafts)
    recorded: dict[str, str] = yaml.safe_load((ORAL / "splits.yaml").read_text(encoding="utf-8"))
    items = _items()
    assert set(recorded) == {i["id"] for i in items} and set(recorded.values()) == {"tune", "test"}
    entries = [{"file": i["id"], **{k: i[k] for k in split_drafts.ORAL_STRATA}} for i in items]
    fresh = copy.deepcopy(entries)
    split_drafts.assign(fresh, split_drafts.ORAL_STRATA)  # made in one round: the rule gives it back
    assert {e["file"]: e["split"] for e in fresh} == recorded
    for stratum in split_drafts.ORAL_STRATA:
        sizes = Counter(str(e[stratum]) for e in entries)
        tests = Counter(str(e[stratum]) for e in entries if recorded[e["file"]] == "test")
        for value, size in sizes.items():
            assert abs(tests[value] - split_drafts.TEST_SHARE * size) <= 1, (stratum, value)
