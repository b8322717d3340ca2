"""Specification of the document loading layer (assistant.documents).

Every fixture is generated in memory or in tmp_path: PDFs with fpdf2 (DejaVu
font, for accents and €), DOCX with python-docx, encrypted PDFs with pypdf.
"""

from __future__ import annotations

import io
import pickle
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import docx_bytes
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from assistant.documents import (
    DocumentError,
    LoadedDocument,
    LoadLimits,
    TextUnit,
    load_document,
    sanitize_filename,
    sniff,
)
from assistant.documents import loader as loader_module

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


# --------------------------------------------------------------------------
# Fixture builders
# --------------------------------------------------------------------------


def make_pdf(pages: list[str]) -> bytes:
    """One PDF page per string; an empty string gives a page without text."""
    pdf = FPDF()
    pdf.add_font("dejavu", fname=str(DEJAVU))
    pdf.set_font("dejavu", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def encrypt_pdf(data: bytes, user_password: str, owner_password: str | None = None) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def tiny_png() -> bytes:
    """A valid 1x1 RGB PNG."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(tag + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def load_error(data: bytes, filename: str | None, **kwargs: object) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        load_document(data, filename=filename, **kwargs)  # type: ignore[arg-type]
    return caught.value


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    return make_pdf(
        [
            "Budget prévisionnel : 12 000 € pour l’agence, les licences et l’œuvre.",
            "Deuxième page : le rétroplanning détaillé des phases du projet digital.",
            "",
        ]
    )


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def test_pdf_gives_one_unit_per_page_with_one_based_page_numbers(report_pdf: bytes) -> None:
    doc = load_document(report_pdf, filename="dossier.pdf")

    assert doc.doc_type == "pdf"
    assert doc.pages == 3
    assert [unit.page for unit in doc.units] == [1, 2]
    assert [unit.location for unit in doc.units] == ["p. 1", "p. 2"]
    assert "12 000 € pour l’agence" in doc.units[0].text
    assert "l’œuvre" in doc.units[0].text
    assert doc.units[1].text.startswith("Deuxième page")
    assert doc.char_count == sum(len(unit.text) for unit in doc.units)
    assert doc.text == doc.units[0].text + "\n\n" + doc.units[1].text


def test_pdf_page_without_text_is_reported_in_a_warning(report_pdf: bytes) -> None:
    doc = load_document(report_pdf, filename="dossier.pdf")

    [warning] = doc.warnings
    assert warning.code == "pages_without_text"
    assert "p. 3" in warning.message


def test_password_protected_pdf_is_encrypted(report_pdf: bytes) -> None:
    error = load_error(encrypt_pdf(report_pdf, "secret"), "confidentiel.pdf")

    assert error.code == "encrypted"
    assert "« confidentiel.pdf »" in error.message
    assert "mot de passe" in error.message


def test_pdf_protected_only_by_an_owner_password_is_read(report_pdf: bytes) -> None:
    doc = load_document(encrypt_pdf(report_pdf, "", "proprietaire"), filename="exporte.pdf")

    assert doc.units[0].text.startswith("Budget prévisionnel")


def test_pdf_without_text_is_no_text() -> None:
    error = load_error(make_pdf(["", ""]), "scan.pdf")

    assert error.code == "no_text"
    assert "« scan.pdf »" in error.message
    assert "OCR" in error.message


def test_pdf_with_almost_no_text_per_page_is_no_text() -> None:
    error = load_error(make_pdf(["1", "", "", "2"]), "scan.pdf")

    assert error.code == "no_text"


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_pdf_is_corrupted(report_pdf: bytes, keep: float) -> None:
    error = load_error(report_pdf[: int(len(report_pdf) * keep)], "abime.pdf")

    assert error.code == "corrupted"
    assert "« abime.pdf »" in error.message
    assert "endommagé" in error.message


def test_pdf_header_followed_by_garbage_is_corrupted() -> None:
    error = load_error(b"%PDF-1.7\n" + bytes(range(256)) * 8, "faux.pdf")

    assert error.code == "corrupted"


def test_pdf_beyond_the_page_limit_is_refused(report_pdf: bytes) -> None:
    error = load_error(report_pdf, "long.pdf", limits=LoadLimits(max_pages=2))

    assert error.code == "too_many_pages"
    assert "3 pages" in error.message
    assert "2 pages" in error.message


# --------------------------------------------------------------------------
# Content versus extension
# --------------------------------------------------------------------------


def test_text_named_pdf_is_not_pdf() -> None:
    error = load_error(b"Mon rapport de stage.\n", "rapport.pdf")

    assert error.code == "not_pdf"
    assert "« rapport.pdf »" in error.message
    assert "n'est pas un PDF" in error.message
    assert "du texte" in error.message


def test_word_document_named_pdf_is_not_pdf() -> None:
    data = docx_bytes(lambda document: document.add_paragraph("Bonjour"))

    error = load_error(data, "rapport.pdf")

    assert error.code == "not_pdf"
    assert "un document Word" in error.message


def test_pdf_named_txt_is_read_as_pdf_with_a_warning(report_pdf: bytes) -> None:
    doc = load_document(report_pdf, filename="notes.txt")

    assert doc.doc_type == "pdf"
    assert doc.units[0].page == 1
    mismatch = [w for w in doc.warnings if w.code == "extension_mismatch"]
    assert len(mismatch) == 1
    assert "un document PDF" in mismatch[0].message


def test_pdf_magic_after_leading_bytes_is_still_a_pdf(report_pdf: bytes) -> None:
    doc = load_document(b"\n\n  " + report_pdf, filename="dossier.pdf")

    assert doc.pages == 3


@pytest.mark.parametrize("filename", ["photo.txt", "photo.png", "photo.docx", None])
def test_image_is_an_unsupported_type(filename: str | None) -> None:
    error = load_error(tiny_png(), filename)

    assert error.code == "unsupported_type"
    assert "image PNG" in error.message


def test_zip_named_docx_is_an_archive_not_a_word_document() -> None:
    data = zip_bytes({"notes.txt": b"bonjour", "img/logo.png": tiny_png()})

    error = load_error(data, "dossier.docx")

    assert error.code == "binary"
    assert "« dossier.docx »" in error.message
    assert "archive ZIP" in error.message
    assert "non un document Word" in error.message


def test_legacy_word_document_asks_for_docx() -> None:
    error = load_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048), "ancien.doc")

    assert error.code == "unsupported_type"
    assert "Word 97-2003" in error.message
    assert ".docx" in error.message


def test_spreadsheet_is_an_unsupported_type() -> None:
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})

    error = load_error(data, "budget.xlsx")

    assert error.code == "unsupported_type"
    assert "classeur Excel" in error.message


def test_random_binary_is_binary() -> None:
    noise = bytes((index * 7919) % 256 for index in range(4096))

    error = load_error(noise, "donnees.txt")

    assert error.code == "binary"
    assert "« donnees.txt »" in error.message


def test_text_full_of_control_sequences_is_bad_encoding() -> None:
    data = b"Rapport de stage, version finale\x1b[0m.\n" * 50

    error = load_error(data, "journal.txt")

    assert error.code == "bad_encoding"
    assert "UTF-8" in error.message


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------


def build_report(doc: DocxDocument) -> None:
    doc.add_heading("Mon dossier", level=0)
    doc.add_paragraph("Introduction générale.")
    doc.add_heading("Budget", level=1)
    doc.add_paragraph("Le budget total est de 12 000 €.")
    doc.add_heading("Détail", level=2)
    table = doc.add_table(rows=3, cols=2)
    values = [("Poste", "Montant"), ("Agence", "8 000 €"), ("Licences", "4 000 €")]
    for row, row_values in zip(table.rows, values, strict=True):
        for cell, value in zip(row.cells, row_values, strict=True):
            cell.text = value
    doc.add_paragraph("Frais d'agence", style="List Bullet")
    doc.add_paragraph("Licences d'outils", style="List Bullet")
    doc.add_heading("Planning", level=1)
    doc.add_paragraph("Six semaines de production.")


def test_docx_units_follow_body_order_with_heading_paths() -> None:
    doc = load_document(docx_bytes(build_report), filename="dossier.docx")

    assert doc.doc_type == "docx"
    assert doc.pages is None
    summary = [(unit.kind, unit.text.split("\n")[0], unit.section) for unit in doc.units]
    assert summary == [
        ("heading", "Mon dossier", ("Mon dossier",)),
        ("paragraph", "Introduction générale.", ()),
        ("heading", "Budget", ("Budget",)),
        ("paragraph", "Le budget total est de 12 000 €.", ("Budget",)),
        ("heading", "Détail", ("Budget", "Détail")),
        ("table", "Poste | Montant", ("Budget", "Détail")),
        ("list", "• Frais d'agence", ("Budget", "Détail")),
        ("heading", "Planning", ("Planning",)),
        ("paragraph", "Six semaines de production.", ("Planning",)),
    ]
    assert [unit.index for unit in doc.units] == list(range(len(doc.units)))
    assert doc.units[1].location == "§ 2"
    assert doc.units[5].location == "§ Budget > Détail"


def test_docx_table_keeps_its_rows() -> None:
    doc = load_document(docx_bytes(build_report), filename="dossier.docx")

    [table] = [unit for unit in doc.units if unit.kind == "table"]
    assert table.rows == [["Poste", "Montant"], ["Agence", "8 000 €"], ["Licences", "4 000 €"]]
    assert table.text == "Poste | Montant\nAgence | 8 000 €\nLicences | 4 000 €"


def test_docx_consecutive_list_paragraphs_form_one_list_unit_with_their_bullets() -> None:
    doc = load_document(docx_bytes(build_report), filename="dossier.docx")

    [items] = [unit for unit in doc.units if unit.kind == "list"]
    assert items.text == "• Frais d'agence\n• Licences d'outils"


def test_docx_merged_cells_count_once() -> None:
    def build(document: DocxDocument) -> None:
        table = document.add_table(rows=2, cols=3)
        table.cell(0, 0).merge(table.cell(0, 2)).text = "Budget 2025"
        for cell, value in zip(table.rows[1].cells, ["a", "b", "c"], strict=True):
            cell.text = value

    doc = load_document(docx_bytes(build), filename="t.docx")

    assert doc.units[0].rows == [["Budget 2025"], ["a", "b", "c"]]


def test_docx_french_heading_style_names_are_headings() -> None:
    def build(document: DocxDocument) -> None:
        styles = document.styles
        styles.add_style("Titre 1", WD_STYLE_TYPE.PARAGRAPH)
        styles.add_style("Titre 2", WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph("Analyse", style="Titre 1")
        document.add_paragraph("Concurrence", style="Titre 2")
        document.add_paragraph("Trois concurrents directs.")

    doc = load_document(docx_bytes(build), filename="fr.docx")

    assert [unit.kind for unit in doc.units] == ["heading", "heading", "paragraph"]
    assert doc.units[2].location == "§ Analyse > Concurrence"


def test_truncated_docx_is_corrupted() -> None:
    data = docx_bytes(build_report)

    error = load_error(data[: len(data) // 2], "dossier.docx")

    assert error.code == "corrupted"
    assert "« dossier.docx »" in error.message
    assert "document Word" in error.message


def test_docx_with_only_an_image_is_no_text(tmp_path: Path) -> None:
    image = tmp_path / "scan.png"
    image.write_bytes(tiny_png())

    error = load_error(docx_bytes(lambda d: d.add_picture(str(image))), "scan.docx")

    assert error.code == "no_text"


def test_docx_without_text_is_empty() -> None:
    error = load_error(docx_bytes(lambda d: d.add_paragraph("   ")), "vide.docx")

    assert error.code == "empty"


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------

MARKDOWN = """---
title: "Construire le budget d'un projet digital"
criteres: [CR7]
---
# Budget

Chaque poste a un montant.

## Détail

| Poste | Montant |
|---|---:|
| Agence | 8 000 € |
| Licences \\| outils | 4 000 € |

- frais d'agence
- licences

```text
# pas un titre
```

Planning
--------

Six semaines.
"""


def test_markdown_heading_paths_tables_and_lists() -> None:
    doc = load_document(MARKDOWN.encode(), filename="fiche.md")

    assert doc.doc_type == "markdown"
    summary = [(unit.kind, unit.text.split("\n")[0], unit.location) for unit in doc.units]
    assert summary == [
        ("heading", "Budget", "§ Budget"),
        ("paragraph", "Chaque poste a un montant.", "§ Budget"),
        ("heading", "Détail", "§ Budget > Détail"),
        ("table", "Poste | Montant", "§ Budget > Détail"),
        ("list", "• frais d'agence", "§ Budget > Détail"),
        ("paragraph", "# pas un titre", "§ Budget > Détail"),
        ("heading", "Planning", "§ Budget > Planning"),
        ("paragraph", "Six semaines.", "§ Budget > Planning"),
    ]
    table = doc.units[3]
    assert table.rows == [["Poste", "Montant"], ["Agence", "8 000 €"], ["Licences | outils", "4 000 €"]]


def test_markdown_front_matter_becomes_metadata() -> None:
    doc = load_document(MARKDOWN.encode(), filename="fiche.md")

    assert doc.metadata == {"title": "Construire le budget d'un projet digital", "criteres": ["CR7"]}
    assert "criteres" not in doc.text
    assert doc.warnings == []


def test_markdown_invalid_front_matter_stays_in_the_text_with_a_warning() -> None:
    doc = load_document(b"---\ntitle: [unclosed\n---\n# Titre\n", filename="fiche.md")

    assert doc.metadata == {}
    assert doc.has_warning("front_matter_invalid")
    assert doc.units[-1].text == "Titre"


def test_markdown_is_recognised_by_content_without_extension() -> None:
    doc = load_document(b"# Budget\n\nTexte.\n\n## Planning\n\nSuite.\n")

    assert doc.doc_type == "markdown"
    assert doc.name == "document"
    assert doc.units[-1].section == ("Budget", "Planning")


def test_txt_extension_keeps_hashes_as_text() -> None:
    doc = load_document(b"# Budget\n\nTexte.\n\n## Planning\n", filename="notes.txt")

    assert doc.doc_type == "text"
    assert [unit.kind for unit in doc.units] == ["paragraph"] * 3


# --------------------------------------------------------------------------
# Plain text, encodings, limits
# --------------------------------------------------------------------------


def test_text_paragraphs_split_on_blank_lines() -> None:
    data = b"Premier paragraphe\nsur deux lignes.\r\n\r\n  \nSecond.\n\n- un\n- deux\n"

    doc = load_document(data, filename="notes.txt")

    assert [unit.text for unit in doc.units] == [
        "Premier paragraphe\nsur deux lignes.",
        "Second.",
        "- un\n- deux",
    ]
    assert [unit.kind for unit in doc.units] == ["paragraph", "paragraph", "list"]
    assert [unit.location for unit in doc.units] == ["§ 1", "§ 2", "§ 3"]


def test_five_megabyte_single_line_loads_into_bounded_units() -> None:
    data = ("mot " * 1_310_720).encode()  # 5 MiB, no newline

    doc = load_document(data, filename="enorme.txt", limits=LoadLimits(max_chars=10_000_000))

    assert len(data) == 5 * 1024 * 1024
    assert len(doc.units) > 2_000
    assert max(len(unit.text) for unit in doc.units) <= 2_000
    assert all(unit.text.startswith("mot") and unit.text.endswith("mot") for unit in doc.units)
    assert not doc.has_warning("truncated")


def test_long_text_is_truncated_to_max_chars_with_a_warning() -> None:
    data = ("mot " * 1_310_720).encode()

    doc = load_document(data, filename="enorme.txt")

    assert doc.char_count <= 2_000_000
    assert doc.char_count > 1_990_000
    [warning] = [w for w in doc.warnings if w.code == "truncated"]
    assert "« enorme.txt »" in warning.message


def test_small_char_limit_cuts_the_last_unit_at_a_space() -> None:
    text = "\n\n".join(f"Paragraphe {n} " + "texte " * 60 for n in range(10))

    doc = load_document(text.encode(), filename="notes.txt", limits=LoadLimits(max_chars=1_000))

    assert doc.char_count <= 1_000
    assert doc.units[-1].text.endswith("texte")
    assert doc.has_warning("truncated")


def test_windows_1252_text_is_decoded_with_a_warning() -> None:
    data = "Le budget prévu est de 12 000 € ; l’équipe a validé.".encode("cp1252")

    doc = load_document(data, filename="ancien.txt")

    assert doc.units[0].text == "Le budget prévu est de 12 000 € ; l’équipe a validé."
    assert doc.has_warning("encoding")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le"])
def test_unicode_encodings_are_decoded(encoding: str) -> None:
    data = "Stratégie digitale : réseaux sociaux.\n\nDeuxième paragraphe.".encode(encoding)

    doc = load_document(data, filename="notes.txt")

    assert [unit.text for unit in doc.units] == [
        "Stratégie digitale : réseaux sociaux.",
        "Deuxième paragraphe.",
    ]
    assert doc.warnings == []


def test_utf8_cut_in_the_middle_of_a_character_still_decodes() -> None:
    data = "Synthèse finale é".encode()[:-1]

    doc = load_document(data, filename="notes.txt")

    assert doc.units[0].text == "Synthèse finale"


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", "\ufeff".encode()])
def test_empty_content_is_empty(data: bytes) -> None:
    error = load_error(data, "vide.txt")

    assert error.code == "empty"
    assert "« vide.txt »" in error.message
    assert "vide" in error.message


def test_too_large_bytes_are_refused_with_the_limit_in_mo() -> None:
    error = load_error(b"x" * 3_000_000, "gros.txt", limits=LoadLimits(max_bytes=2 * 1024 * 1024))

    assert error.code == "too_large"
    assert "« gros.txt »" in error.message
    assert "2 Mo" in error.message


def test_too_large_file_is_refused_before_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gros.pdf"
    path.write_bytes(b"%PDF-" + b"0" * 5000)
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("file was read"))

    with pytest.raises(DocumentError) as caught:
        load_document(path, limits=LoadLimits(max_bytes=1000))

    assert caught.value.code == "too_large"
    assert "« gros.pdf »" in caught.value.message


def test_path_source_uses_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Titre\n\nCorps.\n", encoding="utf-8")

    doc = load_document(path)

    assert doc.name == "notes.md"
    assert doc.units[1].location == "§ Titre"


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        load_document(tmp_path / "absent.pdf")

    assert caught.value.code == "not_found"
    assert "« absent.pdf »" in caught.value.message


def test_unexpected_parser_failure_becomes_corrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(text: str, *, name: str) -> LoadedDocument:
        raise RuntimeError("bug")

    monkeypatch.setattr(loader_module, "load_text", explode)

    error = load_error(b"Bonjour.", "notes.txt")

    assert error.code == "corrupted"
    assert error.detail == "RuntimeError('bug')"
    assert "bug" not in error.message


# --------------------------------------------------------------------------
# Names, messages, models
# --------------------------------------------------------------------------


def test_file_names_are_sanitised_for_messages() -> None:
    assert sanitize_filename("C:\\Users\\léa\\rapport final.pdf") == "rapport final.pdf"
    assert sanitize_filename("../../etc/\x1b[31mdossier\u202e\n.pdf") == "[31mdossier.pdf"
    assert sanitize_filename("\x00\x07") == "document"
    assert sanitize_filename(None) == "document"
    long_name = sanitize_filename("a" * 500 + ".docx")
    assert len(long_name) <= 120
    assert long_name.endswith("….docx")


def test_error_message_uses_the_sanitised_name() -> None:
    error = load_error(b"", "/tmp/uploads/\x1bcandidat.pdf")

    assert error.message.startswith("Le fichier « candidat.pdf » est vide")
    assert error.filename == "candidat.pdf"


def test_errors_share_one_base_and_serialise() -> None:
    error = load_error(b"texte", "a.pdf")

    assert isinstance(error, DocumentError)
    assert error.to_dict() == {"code": "not_pdf", "message": error.message}
    assert str(error) == error.message
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error)
    assert (clone.code, clone.message, clone.filename) == ("not_pdf", error.message, "a.pdf")


def test_text_unit_location_labels() -> None:
    def unit(**fields: object) -> TextUnit:
        return TextUnit.model_validate({"text": "x", "kind": "paragraph", "index": 11, **fields})

    assert unit().location == "§ 12"
    assert unit(page=3).location == "p. 3"
    assert unit(section=("Budget", "Détail")).location == "§ Budget > Détail"
    assert unit(page=3, section=("Budget",)).location == "p. 3, § Budget"
    long_title = unit(section=("Très " * 30,)).location
    assert len(long_title) < 70
    assert long_title.endswith("…")


def test_models_are_frozen_and_strict() -> None:
    unit = TextUnit(text="x", kind="paragraph", index=0)
    with pytest.raises(ValueError):
        unit.text = "y"  # type: ignore[misc]
    with pytest.raises(ValueError):
        TextUnit.model_validate({"text": "x", "kind": "paragraph", "index": 0, "extra": 1})
    with pytest.raises(ValueError):
        TextUnit(text="x", kind="paragraph", index=0, rows=[["a"]])
    with pytest.raises(ValueError):
        LoadedDocument(name="a", doc_type="text", units=[unit], char_count=5)


def test_sniff_ignores_the_name_and_reads_the_bytes(report_pdf: bytes) -> None:
    assert sniff(report_pdf).kind == "pdf"
    assert sniff(docx_bytes(build_report)).kind == "docx"
    assert sniff(tiny_png()).kind == "image"
    assert sniff(b"{\\rtf1 Bonjour}").kind == "rtf"
    assert sniff(zip_bytes({"a.txt": b"a"})).kind == "zip"
    assert sniff("Été".encode()).text == "Été"


def test_text_mentioning_the_pdf_header_stays_text() -> None:
    doc = load_document(b"Un PDF commence par %PDF-1.7 puis ses objets.", filename="notes.txt")

    assert doc.doc_type == "text"


def test_an_isolated_child_does_not_rerun_the_parents_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under ``streamlit run`` the app script is ``__main__``: a spawned parser must not re-run it (each child
    drew the whole app in bare mode, logging dozens of « missing ScriptRunContext » warnings)."""
    import sys
    import types

    from assistant.documents import load_document_isolated

    marker = tmp_path / "ran.txt"
    script = tmp_path / "app_script.py"
    script.write_text(f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n", encoding="utf-8")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)  # what Streamlit installs: a file, no spec
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    word = docx_bytes(lambda doc: doc.add_paragraph("Budget prévisionnel : 12 000 € HT pour la refonte du site."))
    loaded = load_document_isolated(word, filename="brouillon.docx")
    assert "12 000 €" in loaded.text
    assert not marker.exists()
    assert sys.modules["__main__"] is fake_main  # put back as it was
