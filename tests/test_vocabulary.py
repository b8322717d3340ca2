"""The pack's vocabulary file is validated: unknown keys and broken regexes are rejected with a clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.pack import pack_from
from assistant.pack.loader import ReferentielDataError, load_vocabulary
from tests.conftest import CORPUS


def _pack_with(tmp_path: Path, change: dict[str, object]) -> Path:
    shutil.copytree(CORPUS / "referentiel", tmp_path / "referentiel")
    raw = yaml.safe_load((CORPUS / "vocabulary.yaml").read_text(encoding="utf-8"))
    raw.update(change)
    (tmp_path / "vocabulary.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_the_projects_vocabulary_is_valid() -> None:
    vocab = load_vocabulary(CORPUS)
    assert vocab.codes.prefixes["CR"] == "criterion"
    assert set(vocab.suggested_questions) == {"candidate", "tutor", "admissions"}


def test_an_unknown_key_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ReferentielDataError, match="tool_list"):
        load_vocabulary(_pack_with(tmp_path, {"tool_list": ["excel"]}))


def test_a_broken_regex_is_rejected(tmp_path: Path) -> None:
    grammar = yaml.safe_load((CORPUS / "vocabulary.yaml").read_text(encoding="utf-8"))["codes"]
    grammar["aliases"] = [{"pattern": r"\bbloc\s*(?P<n>\d", "ids": ["B{n}"]}]
    with pytest.raises(ReferentielDataError, match="invalid regular expression"):
        load_vocabulary(_pack_with(tmp_path, {"codes": grammar}))


def test_display_titles_restore_the_sources_accents() -> None:
    """Each display title is its source title with accents and case restored, nothing else."""
    from assistant.text.fold import fold

    pack = pack_from(CORPUS)
    for bloc in pack.ref.blocs:
        shown = pack.display_title(bloc.id)
        assert shown != bloc.title or not bloc.title.isupper()
        assert fold(shown).replace("œ", "oe").replace("’", "'") == fold(bloc.title).replace("’", "'"), bloc.id


def test_a_code_the_pack_declares_is_found_whatever_its_number(tmp_path: Path) -> None:
    """No numeric cap: a criterion numbered 20 is found once the data declares it."""
    pack = pack_from(CORPUS)
    assert pack.codes.find("CR20") == []
    from assistant.pack.codes import CodeParser

    parser = CodeParser(pack.vocab.codes, {**pack.ref.codes(), "CR20": "criterion", "E6": "evaluation"})
    assert parser.find("le CR20 de l'E6") == ["CR20", "E6"]
