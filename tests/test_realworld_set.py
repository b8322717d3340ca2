"""The real-world question set (evals/realworld/questions.yaml): well formed, labelled against our corpus, split.

These checks read only data files (no model, no index, no network): the set must stay valid whatever the
product does on it.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SET_FILE = ROOT / "evals" / "realworld" / "questions.yaml"
README = ROOT / "evals" / "realworld" / "README.md"
DEV_SET = ROOT / "evals" / "questions.yaml"
CORPUS = ROOT / "corpus"
REFERENTIEL = CORPUS / "referentiel" / "referentiel.yaml"

KEYS = [
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
    "split",
]
TYPES = {"code", "evaluation", "bloc", "crosscutting", "open", "out_of_scope"}
LABELS = {"answer", "refuse", "ambiguous"}
TEST_SHARE = 0.45
Question = dict[str, Any]


def normalize(text: str) -> str:
    """Lowercase, NFC, ’ == ', whitespace collapsed (the comparison rule of the set's header)."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def strings(value: object) -> Iterator[str]:
    """Every string inside a YAML value (lists of fragments are joined with a space)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            yield " ".join(value)
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)


def item_texts() -> dict[str, str]:
    """id -> normalized text of every item of the référentiel a question may cite."""
    ref = yaml.safe_load(REFERENTIEL.read_text(encoding="utf-8"))
    items: dict[str, list[str]] = defaultdict(list)
    for section in ref["sections"]:
        items[section["id"]].extend(strings(section))
    for bloc in ref["blocs"]:
        items[bloc["id"]].extend(strings({k: v for k, v in bloc.items() if k not in ("activities", "competencies")}))
        for entry in bloc["activities"] + bloc["competencies"]:
            items[entry["code"]].extend(strings(entry))
    for evaluation in ref["evaluations"]:
        items[evaluation["key"]].extend(strings({k: v for k, v in evaluation.items() if k != "blocks"}))
        for block in evaluation["blocks"]:
            items[block["id"]].extend(strings(block))
    for criterion in ref["criteria"]:
        items[criterion["code"]].extend(strings(criterion))
    return {key: normalize(" ".join(parts)) for key, parts in items.items()}


def sheet_texts() -> list[tuple[set[str], str]]:
    """(criteria served, normalized text) of every course sheet, and of the programme guide (serves all)."""
    out = []
    for path in sorted((CORPUS / "cours").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---")[1])
        out.append((set(front.get("criteres") or []), normalize(text)))
    guide = (CORPUS / "programme" / "guide-programme.md").read_text(encoding="utf-8")
    out.append(({"*"}, normalize(guide)))
    return out


@pytest.fixture(scope="module")
def questions() -> list[Question]:
    data = yaml.safe_load(SET_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_the_file_starts_with_a_header_comment() -> None:
    head = SET_FILE.read_text(encoding="utf-8").splitlines()[:5]
    assert head and all(line.startswith("#") for line in head)


def test_the_set_is_large_enough_and_ids_are_unique(questions: list[Question]) -> None:
    assert len(questions) >= 150
    ids = [q["id"] for q in questions]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"rw\d{3}", i) for i in ids)


def test_every_entry_has_every_field_with_a_valid_value(questions: list[Question]) -> None:
    for q in questions:
        missing = [k for k in KEYS if k not in q]
        assert not missing, (q.get("id"), missing)
        assert isinstance(q["question"], str) and 0 < len(q["question"]) < 200, q["id"]
        assert q["lang"] in {"fr", "en"}, q["id"]
        assert q["style"] in {"formal", "informal"}, q["id"]
        assert q["type"] in TYPES, q["id"]
        assert q["audience"] in {"candidate", "tutor", "admissions"}, q["id"]
        assert q["origin"] in {"verbatim", "adapted"}, q["id"]
        assert q["label"] in LABELS, q["id"]
        assert q["split"] in {"tune", "test"}, q["id"]
        assert re.match(r"https?://\S+$", q["source_url"]), q["id"]


def test_labels_agree_with_types_codes_and_notes(questions: list[Question]) -> None:
    for q in questions:
        assert (q["type"] == "out_of_scope") == (q["label"] == "refuse"), q["id"]
        if q["label"] == "answer":
            assert q["codes"], q["id"]
            assert 1 <= len(q["must_mention"]) <= 3, q["id"]
            assert all(m == m.lower() for m in q["must_mention"]), q["id"]
        else:
            assert q["codes"] == [] and q["must_mention"] == [], q["id"]
        if q["label"] == "ambiguous":
            assert q["type"] == "open", q["id"]
            assert isinstance(q.get("note"), str) and q["note"].strip(), q["id"]


def test_the_mix_of_labels_and_languages_is_as_intended(questions: list[Question]) -> None:
    labels = Counter(q["label"] for q in questions)
    assert 0.45 <= labels["answer"] / len(questions) <= 0.60
    assert labels["ambiguous"] >= 3
    english = sum(q["lang"] == "en" for q in questions) / len(questions)
    assert 0.10 <= english <= 0.30


def test_every_code_exists_in_the_referentiel(questions: list[Question]) -> None:
    known = item_texts()
    unknown = [(q["id"], c) for q in questions for c in q["codes"] if c not in known]
    assert not unknown


def test_every_must_mention_is_in_the_cited_items_or_our_course_material(questions: list[Question]) -> None:
    """Each phrase is in the text of a cited item, or in a course sheet serving a cited criterion (or the guide)."""
    known = item_texts()
    sheets = sheet_texts()
    missing = []
    for q in questions:
        cited = " ".join(known.get(c, "") for c in q["codes"])
        serving = " ".join(text for criteria, text in sheets if "*" in criteria or criteria & set(q["codes"]))
        for phrase in q["must_mention"]:
            needle = normalize(phrase)
            if needle not in cited and needle not in serving:
                missing.append((q["id"], phrase))
    assert not missing


def test_no_duplicate_question_in_the_set(questions: list[Question]) -> None:
    seen = Counter(normalize(q["question"]) for q in questions)
    assert [text for text, n in seen.items() if n > 1] == []


def test_no_question_copies_the_dev_set(questions: list[Question]) -> None:
    dev = [normalize(q["question"]) for q in yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))]
    close = []
    for q in questions:
        text = normalize(q["question"])
        for other in dev:
            if difflib.SequenceMatcher(None, text, other).ratio() >= 0.85:
                close.append((q["id"], q["question"], other))
    assert not close


def test_the_split_keeps_at_least_40_percent_test_per_label_and_language(questions: list[Question]) -> None:
    groups = Counter((q["label"], q["lang"]) for q in questions)
    tests = Counter((q["label"], q["lang"]) for q in questions if q["split"] == "test")
    for group, size in groups.items():
        if size >= 3:
            assert tests[group] / size >= 0.40, group


def test_the_split_rule_is_deterministic_and_stratified() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import split_realworld
    finally:
        sys.path.pop(0)
    sample = [{"id": f"rw{i:03d}", "label": "answer" if i % 3 else "refuse", "lang": "fr"} for i in range(1, 31)]
    first = [dict(q) for q in sample]
    second = [dict(q) for q in reversed(sample)]
    split_realworld.assign(first, force=True)
    split_realworld.assign(second, force=True)
    assert {q["id"]: q["split"] for q in first} == {q["id"]: q["split"] for q in second}
    for label in ("answer", "refuse"):
        group = [q for q in first if q["label"] == label]
        assert sum(q["split"] == "test" for q in group) == math.ceil(TEST_SHARE * len(group))
    kept = [{"id": "rw001", "label": "answer", "lang": "fr", "split": "tune"}]
    split_realworld.assign(kept, force=False)
    assert kept[0]["split"] == "tune"


def test_the_readme_reports_the_current_total(questions: list[Question]) -> None:
    assert f"**{len(questions)} questions**" in README.read_text(encoding="utf-8")
