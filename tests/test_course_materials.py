"""Course materials: coverage of every criterion, valid codes, PDFs faithful to their Markdown."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdf
import pytest

from assistant.pack.courses import load_sheets, split_front_matter
from assistant.pack.school import load_school

FOOTER_RE = re.compile(r"^\s*Page \d+ / \d+\s*$", re.MULTILINE)


def test_at_least_14_sheets_each_with_method_example_mistakes_checklist(corpus_dir: Path) -> None:
    sheets = [s for s in load_sheets(corpus_dir) if s.path.startswith("cours/")]
    assert len(sheets) >= 14
    for sheet in sheets:
        body = (corpus_dir / sheet.path).read_text(encoding="utf-8")
        for heading in ("## Méthode", "## Exemple", "## Erreurs", "## Check-list"):
            assert heading in body, (sheet.slug, heading)
        words = len(split_front_matter(body)[1].split())
        assert 500 <= words <= 1700, (sheet.slug, words)
        assert sheet.slug == Path(sheet.path).stem


def test_every_single_criterion_is_served_by_a_sheet(corpus_dir: Path, ref) -> None:  # type: ignore[no-untyped-def]
    served = {code for s in load_sheets(corpus_dir) for code in s.criteres}
    assert {c.code for c in ref.criteria} - served == set()


def test_front_matter_codes_exist_in_the_referentiel(corpus_dir: Path, ref) -> None:  # type: ignore[no-untyped-def]
    known = set(ref.codes())
    for sheet in load_sheets(corpus_dir):
        assert set(sheet.codes) <= known, sheet.slug
        assert set(sheet.evaluations) <= set(ref.evaluation_keys), sheet.slug


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).lower()
    return re.findall(r"[^\W_]+", text)


def _markdown_words(md: str) -> list[str]:
    _, body = split_front_matter(md)
    body = "\n".join(line for line in body.splitlines() if not re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line))
    return _words(body)


PDFS = sorted((Path(__file__).resolve().parent.parent / "corpus" / "cours" / "pdf").glob("*.pdf"))


def test_at_least_two_sheets_are_shipped_as_pdf() -> None:
    assert len(PDFS) >= 2


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_pdf_extracts_to_the_text_of_its_markdown_source(pdf: Path, corpus_dir: Path) -> None:
    md = (corpus_dir / "cours" / f"{pdf.stem}.md").read_text(encoding="utf-8")
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) >= 2
    text = FOOTER_RE.sub("", "\n".join(page.extract_text() for page in reader.pages))
    assert _words(text) == _markdown_words(md)


def test_school_file_fields_are_empty_by_default_and_the_contact_falls_back(corpus_dir: Path) -> None:
    school = load_school(corpus_dir)
    assert "tuition_fees" in school.fields
    assert not school.fields["tuition_fees"].known
    assert school.contact.render() == school.contact.message
    names = [name for name, _ in school.match("Combien coûte la formation ? quels sont les frais")]
    assert "tuition_fees" in names
