"""Split hygiene: no unit test pins a result on a held-out item of the dev sets.

The dev sets have a fixed tune/test split (``split`` in evals/drafts/labels.yaml and evals/questions.yaml).
Thresholds are set on ``tune``; ``test`` is only reported. A unit test that checks a draft or asks a question
of the test split would, whenever it fails and gets fixed, tune the engine on test: tests use tune items or
fixtures written for them (tests/fixtures/) instead. The stratification of the questions' split is checked
in test_question_set.py; the drafts' split is checked here.
"""

from __future__ import annotations

import copy
import importlib.util
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
LABELS = ROOT / "evals" / "drafts" / "labels.yaml"
QUESTIONS = ROOT / "evals" / "questions.yaml"


def _labels() -> list[dict[str, Any]]:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def held_out_drafts() -> set[str]:
    """File stems of the test-split drafts (a rendering has the stem of its source)."""
    return {Path(e["file"]).stem for e in _labels() if e["split"] == "test"}


def held_out_questions() -> set[str]:
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return {q["question"] for q in questions if q["split"] == "test"}


def python_files() -> list[Path]:
    """Every Python file under tests/ except this one (which names no item, it reads the dev sets)."""
    return sorted(p for p in TESTS.rglob("*.py") if p.resolve() != Path(__file__).resolve())


def _occurrences(needles: set[str]) -> list[str]:
    found = []
    for path in python_files():
        text = path.read_text(encoding="utf-8")
        for needle in sorted(needles):
            start = text.find(needle)
            while start >= 0:
                found.append(f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, start) + 1}: {needle!r}")
                start = text.find(needle, start + 1)
    return found


def test_the_dev_sets_have_held_out_items() -> None:
    # Guards the two checks below against passing on an empty list (a renamed field, a moved file).
    assert len(held_out_drafts()) >= 15
    assert len(held_out_questions()) >= 100
    assert len(python_files()) >= 20


def test_no_test_file_names_a_test_split_draft() -> None:
    assert _occurrences(held_out_drafts()) == []


def test_no_test_file_asks_a_test_split_question_verbatim() -> None:
    assert _occurrences(held_out_questions()) == []


def held_out_answers() -> set[str]:
    """Each test-split answer of the mock jury's set, by its first words (enough to spot a copy)."""
    answers = yaml.safe_load((ROOT / "evals" / "oral" / "answers.yaml").read_text(encoding="utf-8"))
    splits = yaml.safe_load((ROOT / "evals" / "oral" / "splits.yaml").read_text(encoding="utf-8"))
    return {" ".join(a["answer"].split())[:60] for a in answers if splits[a["id"]] == "test"} | {
        a["id"] for a in answers if splits[a["id"]] == "test"
    }


def test_no_test_file_uses_a_test_split_oral_answer() -> None:
    assert len(held_out_answers()) >= 100
    assert _occurrences(held_out_answers()) == []


def _split_drafts_module() -> Any:
    spec = importlib.util.spec_from_file_location("split_drafts", ROOT / "scripts" / "split_drafts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_drafts_split_is_the_documented_stratified_split() -> None:
    """evals/drafts/README.md: fixed once by scripts/split_drafts.py, stratified by evaluation, kind and
    language, 19 drafts and 94 labels in test; a rendering takes the split of its source."""
    entries = _labels()
    assert {e["split"] for e in entries} == {"tune", "test"}
    originals = [e for e in entries if "source" not in e]
    by_file = {e["file"]: e for e in originals}
    for rendering in (e for e in entries if "source" in e):
        assert rendering["split"] == by_file[rendering["source"]]["split"], rendering["file"]
    held_out = [e for e in originals if e["split"] == "test"]
    assert (len(originals), len(held_out), sum(len(e["labels"]) for e in held_out)) == (41, 19, 94)

    # The recorded split is the one the script's rule gives (all drafts were split in one round).
    split_drafts = _split_drafts_module()
    fresh = copy.deepcopy(entries)
    for entry in fresh:
        del entry["split"]
    split_drafts.assign(fresh)
    assert [(e["file"], e["split"]) for e in fresh] == [(e["file"], e["split"]) for e in entries]

    # Stratified: every evaluation, kind and language has its 45 % share of test drafts, to one draft.
    for stratum in split_drafts.STRATA:
        sizes = Counter(str(e[stratum]) for e in originals)
        tests = Counter(str(e[stratum]) for e in held_out)
        for value, size in sizes.items():
            assert abs(tests[value] - split_drafts.TEST_SHARE * size) <= 1, (stratum, value, tests[value], size)
