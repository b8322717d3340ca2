"""The structured référentiel must match its source text exactly: these tests catch a bad parse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.pack import Referentiel, fragments, load_pack, source_text
from tests.conftest import CORPUS

EXPECTED_CRITERIA = {
    "E1": ["CR1", "CR2", "CR3", "CR4"],
    "E2": ["CR5", "CR6", "CR7", "CR8", "CR9", "CR10"],
    "E3": ["CR11", "CR12", "CR13", "CR14"],
    "E4": ["CR15", "CR16", "CR17", "CR18", "CR19"],
    "E5-opt1": ["CR1-1", "CR1-2", "CR1-3", "CR1-4", "CR1-5", "CR1-6"],
    "E5-opt2": ["CR2-1", "CR2-2", "CR2-3", "CR2-4", "CR2-5"],
    "E5-opt3": ["CR3-1", "CR3-2", "CR3-3", "CR3-4", "CR3-5"],
}


def normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)  # line-break hyphenation ("e-\ncommerce")


@pytest.fixture(scope="module")
def source(corpus_dir) -> str:  # type: ignore[no-untyped-def]
    return normalise(source_text(corpus_dir))


def all_verbatim(ref: Referentiel) -> list[tuple[str, list[str]]]:
    """(where, fragments) for every verbatim field in the data."""
    out: list[tuple[str, list[str]]] = []
    for s in ref.sections:
        out += [(s.id, fragments(s.text)), (f"{s.id}.intro", fragments(s.intro))]
        out += [(f"{s.id}.accommodation", [a]) for a in s.accommodations]
        if s.heading:
            out.append((f"{s.id}.heading", [s.heading]))
    for b in ref.blocs:
        out += [(b.id, [b.title]), (f"{b.id}.intro", fragments(b.intro))]
        for a in b.activities:
            out += [(f"{a.code}.title", fragments(a.title)), (a.code, fragments(a.text))]
        out += [(c.code, fragments(c.text)) for c in b.competencies]
    for e in ref.evaluations:
        out += [(f"{e.key}.title", fragments(e.title)), (f"{e.key}.modality", fragments(e.modality))]
        out += [(f"{e.key}.part", fragments(p.text)) for p in e.parts if p.text]
        for blk in e.blocks:
            out.append((blk.id, fragments(blk.text)))
            if blk.preamble:
                out.append((f"{blk.id}.preamble", [blk.preamble]))
    for c in ref.criteria:
        out.append((c.code, fragments(c.text)))
        out += [(f"{c.code}.related", [t]) for t in c.related_text]
    return out


def test_every_verbatim_fragment_is_in_the_source_in_order(ref, source) -> None:  # type: ignore[no-untyped-def]
    missing = []
    for where, frags in all_verbatim(ref):
        pos = 0
        for frag in frags:
            found = source.find(normalise(frag), pos if len(frags) > 1 else 0)
            if found < 0:
                missing.append((where, frag[:80]))
            else:
                pos = found + len(frag)
    assert missing == []


def source_codes(source: str) -> set[str]:
    """Codes printed in the source, bloc by bloc (so a bare "E5" resolves to its option)."""
    parser = load_pack(CORPUS).codes
    parts = re.split(r"(?=BLOC \d)", source)
    codes: set[str] = set()
    for part in parts:
        codes.update(parser.find(part))
    return codes


def test_codes_in_source_and_data_match_both_ways(ref, source) -> None:  # type: ignore[no-untyped-def]
    data_codes = {c for c in ref.codes() if c != "HANDICAP"}
    derived = {c.code for c in ref.criteria if c.derived}
    printed = source_codes(source)
    assert printed - data_codes == set(), "codes printed in the source but absent from the data"
    assert data_codes - derived - printed == set(), "codes in the data never printed in the source"
    assert derived == {"CR2-4", "CR2-5"}
    assert not derived & printed


def test_each_evaluation_lists_exactly_its_single_criteria(ref) -> None:  # type: ignore[no-untyped-def]
    assert {e.key: e.criteria_codes for e in ref.evaluations} == EXPECTED_CRITERIA
    assert sorted(c.code for c in ref.criteria) == sorted(c for cs in EXPECTED_CRITERIA.values() for c in cs)
    for key, codes in EXPECTED_CRITERIA.items():
        assert [c.code for c in ref.criteria_of(key)] == codes
        assert all(ref.criterion(c).evaluation == key for c in codes)
        parts_criteria = [c for p in ref.evaluation(key).parts for c in p.criteria]
        assert set(parts_criteria) == set(codes), key


def test_counts(ref) -> None:  # type: ignore[no-untyped-def]
    kinds = list(ref.codes().values())
    assert kinds.count("bloc") == 7
    assert kinds.count("activity") == 15
    assert kinds.count("competency") == 35
    assert kinds.count("evaluation") == 7
    assert kinds.count("criterion") == 35
    assert sum(len(e.blocks) for e in ref.evaluations) == 30


def test_cross_references_resolve(ref) -> None:  # type: ignore[no-untyped-def]
    for crit in ref.criteria:
        ref.evaluation(crit.evaluation)
        assert crit.code in ref.block(crit.block).codes
        for comp in crit.competencies:
            assert ref.bloc_of(comp).id == ref.evaluation(crit.evaluation).bloc
    for bloc in ref.blocs:
        for key in bloc.evaluations:
            assert ref.evaluation(key).bloc == bloc.id
        for comp in bloc.competencies:
            assert comp.activity in {a.code for a in bloc.activities}
    for ev in ref.evaluations:
        for part in ev.parts:
            for comp in part.competencies:
                ref.competency(comp)


def test_grouped_and_derived_codes_are_handled(ref) -> None:  # type: ignore[no-untyped-def]
    raw = {b.raw_code: b.codes for e in ref.evaluations for b in e.blocks}
    assert raw["CR11 à 13"] == ["CR11", "CR12", "CR13"]
    assert raw["CR18-19"] == ["CR18", "CR19"]
    assert raw["CR2-1 à CR2-3"] == ["CR2-1", "CR2-2", "CR2-3"]
    assert ref.criterion("CR1-2").evaluation == "E5-opt1"
    assert "matrice de risques/opportunités" in ref.criterion("CR1-2").full_text
    assert ref.criterion("CR2-4").full_text.startswith("Le candidat a transmis ses préconisations de process")
    assert ref.criterion("CR2-5").full_text.startswith("Le candidat formalise les étapes et les points d’attention")
    assert ref.criterion("CR2-4").competencies == ["CS2-4"]
    # split cells are joined: CR2 spans a page break
    assert "le candidat a cartographié les éléments clés" in ref.criterion("CR2").full_text
    # uncoded sentences are attached where they belong
    assert any("rétroplanning" in t for t in ref.criterion("CR11").related_text)
    assert any("accessibilité et l’inclusion" in t for t in ref.criterion("CR17").related_text)
    assert any("prise de recul" in t for t in ref.criterion("CR14").related_text)


def test_every_criterion_has_attendus(ref) -> None:  # type: ignore[no-untyped-def]
    ids: set[str] = set()
    for crit in ref.criteria:
        assert 2 <= len(crit.attendus) <= 6, crit.code
        for att in crit.attendus:
            assert att.id.startswith(crit.code + "."), att.id
            assert att.id not in ids
            ids.add(att.id)
            assert att.label and att.evidence and att.advice


def test_intro_sections_are_kept(ref) -> None:  # type: ignore[no-untyped-def]
    assert "référentiel d'évaluation" in " ".join(fragments(ref.section("L6113-1").text))
    handicap = ref.section("HANDICAP")
    assert len(handicap.accommodations) == 5
    assert any("tierce personne" in a for a in handicap.accommodations)


@pytest.mark.parametrize("root", [Path("corpus"), Path("tests/fixtures/packs/mediation")])
def test_every_attendu_has_jury_questions_in_french_and_english(root: Path) -> None:
    """Course knowledge for the mock jury (issue 24): at least one question per attendu, in French and in
    English (a translation, not a copy), never the attendu's label recited back, no question asked twice."""
    from assistant.pack.certification import pack_from

    pack = pack_from(Path(__file__).resolve().parent.parent / root)
    questions = [(a, q) for c in pack.ref.criteria for a in c.attendus for q in a.jury_questions]
    assert all(a.jury_questions for c in pack.ref.criteria for a in c.attendus)
    for attendu, question in questions:
        assert question.fr != question.en, question.fr
        assert attendu.label.lower() not in question.fr.lower(), (attendu.id, question.fr)
    assert len({q.fr for _, q in questions}) == len(questions)  # no question asked twice


@pytest.mark.parametrize("root", [Path("corpus"), Path("tests/fixtures/packs/mediation")])
def test_every_attendu_has_sample_answers_one_in_other_words(root: Path) -> None:
    """Course knowledge for the mock jury's meaning feature: at least two sample answers per attendu, one of
    them without any of the attendu's keywords (an answer in the candidate's own words), none repeated."""
    from assistant.pack.certification import pack_from
    from assistant.text.fold import fold

    pack = pack_from(Path(__file__).resolve().parent.parent / root)
    attendus = [a for c in pack.ref.criteria for a in c.attendus]
    for att in attendus:
        assert len(att.sample_answers) >= 2, att.id
        plain = [s for s in att.sample_answers if not any(fold(k) in fold(s) for k in att.keywords)]
        assert plain, (att.id, att.keywords)
        assert all(fold(att.label) not in fold(s) for s in att.sample_answers), att.id
    samples = [s for a in attendus for s in a.sample_answers]
    assert len(set(samples)) == len(samples)
