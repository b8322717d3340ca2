"""The office drafts builder (``evals/office_drafts.py``) on two small specs (``tests/fixtures/office/``).

A French E2-like DOCX spec (heading tree, MoSCoW bullets with a nested list, two numbered lists, a
budget table with a caption and a bold total row, a page break) and a 3-slide PPTX spec (bullets, a
table, a group of text boxes, speaker notes) are built into a temporary directory: the Word file
must hold real tables and list styles, the deck a table, a group and notes, and every PDF export
must give back every table cell and list item through ``assistant.documents.load_document``.

The PDF exports need LibreOffice (Writer and Impress) and Debian's Chromium: their tests are
skipped without them, except where ``JB_REQUIRE_LIBREOFFICE=1`` / ``JB_REQUIRE_CHROMIUM=1`` (CI
installs both and sets those), where their absence fails.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import docx
import pptx
import pytest
import yaml
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from pptx.shapes.autoshape import Shape
from pptx.shapes.group import GroupShape

from assistant.documents import load_document
from assistant.review.service import Reviewer
from evals.office_drafts import (
    CHECK_THRESHOLD,
    FileFormat,
    Spec,
    SpecError,
    build,
    check_files,
    chromium,
    dump_labels,
    label_entries,
    libreoffice_has,
    load_spec,
    render_docx,
    render_html,
    render_pptx,
    soffice,
)
from scripts.render_drafts import plain_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "office"
DOCX_SPEC, PPTX_SPEC = "e2_test_budget_velo", "e2_test_slides_velo"


def _available(tool: str, found: str | None, variable: str, install: str) -> bool:
    if found is not None:
        return True
    if os.environ.get(variable) == "1":
        pytest.fail(f"{tool} is required here ({variable}=1): {install}")
    return False


@dataclass(frozen=True)
class Built:
    out: Path
    files: dict[str, dict[FileFormat, Path]]
    tools: tuple[str, ...]


@pytest.fixture(scope="module")
def specs() -> dict[str, Spec]:
    return {path.stem: load_spec(path) for path in sorted(FIXTURES.glob("*.yaml"))}


@pytest.fixture(scope="module")
def built(specs: dict[str, Spec], tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Both specs built once: one LibreOffice run for both files, one Chromium run for the DOCX spec."""
    tools: list[str] = []
    install = "apt-get install -y --no-install-recommends libreoffice-writer-nogui libreoffice-impress-nogui"
    writer_and_impress = soffice() if libreoffice_has("writer") and libreoffice_has("impress") else None
    if _available("LibreOffice (Writer and Impress)", writer_and_impress, "JB_REQUIRE_LIBREOFFICE", install):
        tools.append("libreoffice")
    if _available("Debian's Chromium", chromium(), "JB_REQUIRE_CHROMIUM", "apt-get install -y chromium"):
        tools.append("chromium")
    out = tmp_path_factory.mktemp("office")
    files = build(list(specs.values()), out, pdf_tools=tools, log=lambda _line: None)
    return Built(out, files, tuple(tools))


def _norm(text: str) -> str:
    return " ".join(text.split())


def _table_texts(spec: Spec) -> list[str]:
    texts = []
    for block in spec.blocks or []:
        if block.table is not None:
            texts += [cell for row in block.table.grid for cell in row if cell]
    for slide in spec.slides or []:
        if slide.table is not None:
            texts += [cell for row in slide.table.grid for cell in row if cell]
    return [_norm(plain_text(text)) for text in texts]


def _list_items(spec: Spec) -> list[str]:
    items: list[str] = []

    def walk(nodes: object) -> None:
        for node in nodes or ():  # type: ignore[attr-defined]
            items.append(_norm(plain_text(node.text)))
            walk(node.children)

    for block in spec.blocks or []:
        walk(block.bullets)
        walk(block.numbered)
    for slide in spec.slides or []:
        walk(slide.bullets)
    return items


# --- DOCX ------------------------------------------------------------------------------------------


def test_docx_has_real_tables_headings_and_list_styles(built: Built, specs: dict[str, Spec]) -> None:
    spec = specs[DOCX_SPEC]
    document = docx.Document(str(built.files[DOCX_SPEC]["docx"]))

    assert len(document.tables) == 1
    table = document.tables[0]
    grid = next(block.table for block in spec.blocks or [] if block.table is not None).grid
    assert [[cell.text for cell in row.cells] for row in table.rows] == grid
    assert table.style is not None and table.style.name == "Table Grid"
    header, total = table.rows[0], table.rows[-1]
    assert header._tr.trPr is not None and header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert all(run.bold for cell in total.cells for run in cell.paragraphs[0].runs)  # bold_last_row
    assert not any(run.bold for cell in table.rows[1].cells for run in cell.paragraphs[0].runs)

    body = list(document.iter_inner_content())
    caption = body[body.index(next(item for item in body if isinstance(item, DocxTable))) - 1]
    assert isinstance(caption, Paragraph) and caption.style is not None
    assert (caption.style.name, caption.text) == ("Caption", "Tableau 1 – Budget prévisionnel")

    styled = [(p.style.name if p.style is not None else "", p.text) for p in document.paragraphs]
    assert styled[0] == ("Title", "Projet E2 – Boutique en ligne Cargo & Co")
    assert ("Heading 2", "1. Contexte") in styled and ("Heading 3", "1.1 Outils retenus") in styled
    assert ("List Bullet", "Must : paiement en 3 fois") in styled
    assert ("List Bullet 2", "Alma ou Klarna") in styled
    assert ("List Number", "Recueil des besoins") in styled and ("List Number", "Lancement") in styled
    intro = document.paragraphs[1]
    assert [(run.text, bool(run.bold), bool(run.italic)) for run in intro.runs if run.bold or run.italic] == [
        ("vélos cargo", True, False),
        ("avant le printemps", False, True),
    ]
    # Two numbered lists: the second restarts its numbering (its own w:num with a start override).
    num_ids = {
        p._p.xpath("string(./w:pPr/w:numPr/w:numId/@w:val)")
        for p in document.paragraphs
        if p.style is not None and p.style.name == "List Number"
    }
    assert len(num_ids) == 2
    breaks = document.element.body.findall(f".//{qn('w:br')}")
    assert any(br.get(qn("w:type")) == "page" for br in breaks)


def test_docx_and_pptx_are_deterministic(specs: dict[str, Spec], tmp_path: Path) -> None:
    for attempt in ("a", "b"):
        render_docx(specs[DOCX_SPEC], tmp_path / attempt / "draft.docx")
        render_pptx(specs[PPTX_SPEC], tmp_path / attempt / "deck.pptx")
    for name in ("draft.docx", "deck.pptx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# --- PPTX ------------------------------------------------------------------------------------------


def test_pptx_has_titles_bullets_a_table_a_group_and_notes(built: Built, specs: dict[str, Spec]) -> None:
    spec = specs[PPTX_SPEC]
    deck = pptx.Presentation(str(built.files[PPTX_SPEC]["pptx"]))
    slides = list(deck.slides)
    assert len(slides) == len(spec.slides or []) == 3
    assert all(slide.slide_layout.name == "Title and Content" for slide in slides)
    assert [slide.shapes.title.text if slide.shapes.title else "" for slide in slides] == [
        "Cargo & Co : la boutique en ligne",
        "Budget",
        "Nos trois priorités",
    ]

    body = next(shape for shape in slides[0].placeholders if shape.placeholder_format.idx == 1)
    levels = [(p.text, p.level) for p in body.text_frame.paragraphs]
    assert levels == [("Refonte du site", 0), ("Shopify", 1), ("Brevo", 1), ("Lancement en mars", 0)]

    frames = [shape for shape in slides[1].shapes if shape.has_table]
    assert len(frames) == 1
    table = frames[0].table
    assert table.first_row  # header row
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Poste", "Montant"],
        ["Agence", "18 500 €"],
        ["Photos", "1 300 €"],
        ["Publicité", "4 000 €"],
    ]

    groups = [shape for shape in slides[2].shapes if isinstance(shape, GroupShape)]
    assert len(groups) == 1
    boxes = [shape for shape in groups[0].shapes if isinstance(shape, Shape)]
    assert [box.text_frame.text for box in boxes] == ["Vendre en ligne", "Fidéliser", "Mesurer"]

    notes = [slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "" for slide in slides]
    assert notes == [slide.notes for slide in spec.slides or []]


# --- PDF exports -----------------------------------------------------------------------------------


def _assert_pdf_holds(path: Path, expected: list[str]) -> None:
    assert path.is_file() and path.stat().st_size > 0
    text = _norm(" ".join(unit.text for unit in load_document(path).units))
    lost = [piece for piece in expected if piece not in text]
    assert not lost, f"{path.name} lost {lost}\n{text[:1500]}"


def _slide_table_header(spec: Spec) -> list[str]:
    return [cell for slide in spec.slides or [] if slide.table is not None for cell in slide.table.header]


def test_libreoffice_pdfs_hold_every_cell_and_item(built: Built, specs: dict[str, Spec]) -> None:
    if "libreoffice" not in built.tools:
        pytest.skip("LibreOffice (Writer and Impress) is not installed")
    docx_spec, deck_spec = specs[DOCX_SPEC], specs[PPTX_SPEC]
    _assert_pdf_holds(built.files[DOCX_SPEC]["lo-pdf"], _table_texts(docx_spec) + _list_items(docx_spec))
    # The deck's table header (white on the table style's blue) is covered by the test below.
    header = _slide_table_header(deck_spec)
    cells = [cell for cell in _table_texts(deck_spec) if cell not in header]
    group = [text for slide in deck_spec.slides or [] for text in slide.group or []]
    _assert_pdf_holds(built.files[PPTX_SPEC]["pptx-pdf"], cells + _list_items(deck_spec) + group)
    for name in (DOCX_SPEC, PPTX_SPEC):
        pdfs: dict[FileFormat, Path] = {
            fmt: path for fmt, path in built.files[name].items() if fmt in ("lo-pdf", "pptx-pdf")
        }
        for result in check_files(specs[name], pdfs):
            assert result.ratio >= CHECK_THRESHOLD, result


def test_libreoffice_deck_pdf_keeps_the_table_header(built: Built, specs: dict[str, Spec]) -> None:
    if "libreoffice" not in built.tools:
        pytest.skip("LibreOffice (Writer and Impress) is not installed")
    path = built.files[PPTX_SPEC]["pptx-pdf"]
    _assert_pdf_holds(path, _slide_table_header(specs[PPTX_SPEC]))
    # White on the table style's blue is visible text, not hidden text.
    assert not load_document(path).has_warning("hidden_text")


def test_chromium_pdf_holds_every_cell_and_item(built: Built, specs: dict[str, Spec]) -> None:
    if "chromium" not in built.tools:
        pytest.skip(f"Debian's Chromium is not installed ({chromium()})")
    path = built.files[DOCX_SPEC]["chromium-pdf"]
    _assert_pdf_holds(path, _table_texts(specs[DOCX_SPEC]) + _list_items(specs[DOCX_SPEC]))
    (result,) = check_files(specs[DOCX_SPEC], {"chromium-pdf": path})
    assert result.ratio >= CHECK_THRESHOLD, result


def test_html_rendering_escapes_and_keeps_structure(specs: dict[str, Spec]) -> None:
    page = render_html(specs[DOCX_SPEC])
    assert "R&amp;D &lt;test&gt;" in page and "<test>" not in page
    assert "<h1>Projet E2 – Boutique en ligne Cargo &amp; Co</h1>" in page
    assert "<li><strong>Must</strong> : paiement en 3 fois<ul><li>Alma ou Klarna</li>" in page
    assert page.count("<ol>") == 2 and "<thead><tr><th>Poste</th>" in page
    assert '<h2 style="break-before: page">3. Budget</h2>' in page
    assert '<tr class="total"><td>Total</td>' in page


# --- labels.yaml -----------------------------------------------------------------------------------


def test_label_entries_describe_every_built_file(built: Built, specs: dict[str, Spec]) -> None:
    splits = {DOCX_SPEC: "test"}
    entries = label_entries(list(specs.values()), built.out, splits)
    by_file = {entry["file"]: entry for entry in entries}
    expected_files = {f"office/{path.name}" for files in built.files.values() for path in files.values()}
    assert set(by_file) == expected_files
    for entry in entries:
        spec = specs[entry["file"].removeprefix("office/").split(".")[0]]
        main = f"office/{spec.name}.{spec.format}"
        assert list(entry)[:6] == ["file", "evaluation", "kind", "style", "lang", "format"]
        assert (entry["evaluation"], entry["kind"], entry["style"], entry["lang"]) == (
            spec.evaluation,
            spec.kind,
            spec.style,
            spec.lang,
        )
        assert entry["format"] in ("docx", "lo-pdf", "chromium-pdf", "pptx", "pptx-pdf")
        if entry["format"] in ("docx", "pptx"):
            assert entry["file"] == main and "source" not in entry
        else:
            assert entry["source"] == main
        assert entry.get("split") == splits.get(spec.name)
        assert entry["labels"] == {code: label.model_dump() for code, label in spec.labels.items()}
        assert list(entry["labels"]) == ["CR5", "CR6", "CR7", "CR8", "CR9", "CR10"]
    assert by_file[f"office/{DOCX_SPEC}.docx"]["format"] == "docx"
    assert by_file[f"office/{PPTX_SPEC}.pptx"]["format"] == "pptx"
    assert yaml.safe_load(dump_labels(entries)) == entries


# --- Spec validation -------------------------------------------------------------------------------


def _write_spec(tmp_path: Path, name: str, **changes: object) -> Path:
    data = yaml.safe_load((FIXTURES / f"{DOCX_SPEC}.yaml").read_text(encoding="utf-8"))
    data.update(name=name, **changes)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_spec_errors_name_the_file_and_the_field(tmp_path: Path) -> None:
    labels = yaml.safe_load((FIXTURES / f"{DOCX_SPEC}.yaml").read_text(encoding="utf-8"))["labels"]
    cases: dict[str, tuple[dict[str, object], str]] = {
        "unknown_eval": ({"evaluation": "E9"}, "evaluation: unknown evaluation 'E9'"),
        "missing_code": ({"labels": {k: v for k, v in labels.items() if k != "CR7"}}, "labels: E2 is labelled"),
        "bad_status": ({"labels": {**labels, "CR5": {"status": "ok", "reason": "x"}}}, "labels.CR5.status"),
        "two_keys": ({"blocks": [{"h1": "A", "p": "B"}]}, "blocks.0"),
        "mapping_item": ({"blocks": [{"bullets": [{"Budget": "18 500 €"}]}]}, "quote it"),
        "pptx_prose": ({"format": "pptx", "blocks": None, "slides": [{"title": "A"}]}, "style: slides"),
    }
    for name, (changes, message) in cases.items():
        path = _write_spec(tmp_path, name, **changes)
        with pytest.raises(SpecError) as caught:
            load_spec(path)
        assert str(path) in str(caught.value) and message in str(caught.value), (name, str(caught.value))
    wrong_stem = _write_spec(tmp_path, "stem")
    wrong_stem.rename(tmp_path / "other.yaml")
    with pytest.raises(SpecError, match="name: must be the file stem 'other'"):
        load_spec(tmp_path / "other.yaml")


def test_e5_option_2_is_labelled_on_its_derived_codes(tmp_path: Path) -> None:
    codes = ["CR2-1", "CR2-2", "CR2-3", "CR2-4", "CR2-5"]
    labels = {code: {"status": "missing", "reason": "absent"} for code in codes}
    spec = load_spec(_write_spec(tmp_path, "e5opt2_ok", evaluation="E5-opt2", labels=labels))
    assert list(spec.labels) == codes
    del labels["CR2-5"]
    with pytest.raises(SpecError, match="missing CR2-5"):
        load_spec(_write_spec(tmp_path, "e5opt2_short", evaluation="E5-opt2", labels=labels))


# --- the review reads every format alike -------------------------------------------------------------


@pytest.fixture(scope="module")
def office_reviewer() -> Reviewer:
    from assistant.index.embeddings import make_embeddings
    from assistant.settings import Settings

    return Reviewer.from_settings(Settings(corpus_dir=ROOT / "corpus"), make_embeddings("e5-small"))


@pytest.mark.parametrize("name", [DOCX_SPEC, PPTX_SPEC])
def test_every_export_of_a_draft_gets_the_verdicts_of_its_source(
    built: Built, office_reviewer: Reviewer, name: str
) -> None:
    """The Word file or the deck, its LibreOffice PDF and (Word) its Chromium PDF: the same avis for every criterion."""
    files = built.files[name]
    source = files["docx"] if "docx" in files else files["pptx"]
    expected = {v.code: v.status for v in office_reviewer.review(office_reviewer.load(source), "E2").criteria}
    exports = {fmt: path for fmt, path in files.items() if fmt not in ("docx", "pptx")}
    assert len(exports) == len(built.tools) if name == DOCX_SPEC else len(exports) == ("libreoffice" in built.tools)
    for fmt, path in exports.items():
        got = {v.code: v.status for v in office_reviewer.review(office_reviewer.load(path), "E2").criteria}
        assert got == expected, fmt
