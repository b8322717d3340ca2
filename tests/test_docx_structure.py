"""Word structure as the reader sees it: list numbering, text boxes, notes, bold-only headings; and the
Markdown side of the same passage model (inline markup reduced, loose lists, block quotes)."""

from __future__ import annotations

import io
import zipfile

from conftest import docx_bytes
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from assistant.documents import load_document
from assistant.documents.docx_numbering import format_number


def restart_numbering(document: DocxDocument, style: str = "List Number") -> int:
    """A new numbering instance for ``style``'s list, restarting at 1 (what Word does for a new list)."""
    numbering = document.part.numbering_part.numbering_definitions._numbering
    style_num = document.styles[style].element.pPr.numPr.numId.val
    abstract = next(num.abstractNumId.val for num in numbering.num_lst if num.numId == style_num)
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return int(num.numId)


def numbered(document: DocxDocument, text: str, num_id: int) -> None:
    paragraph = document.add_paragraph(text, style="List Number")
    paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id


def test_numbered_lists_show_their_numbers_and_restart() -> None:
    def build(document: DocxDocument) -> None:
        document.add_heading("Plan", level=1)
        first = restart_numbering(document)
        for text in ("Auditer", "Cibler", "Chiffrer"):
            numbered(document, text, first)
        document.add_paragraph("Ensuite, deux décisions.")
        second = restart_numbering(document)
        for text in ("Choisir l'agence", "Signer"):
            numbered(document, text, second)

    doc = load_document(docx_bytes(build), filename="plan.docx")

    lists = [unit.text for unit in doc.units if unit.kind == "list"]
    assert lists == ["1. Auditer\n2. Cibler\n3. Chiffrer", "1. Choisir l'agence\n2. Signer"]


def test_number_formats() -> None:
    assert [format_number(n, "lowerLetter") for n in (1, 2, 27)] == ["a", "b", "aa"]
    assert [format_number(n, "upperRoman") for n in (4, 9, 14)] == ["IV", "IX", "XIV"]
    assert format_number(7, "decimal") == "7"


def test_text_boxes_are_read_where_they_are_anchored() -> None:
    box = (
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
        "<w:p><w:r><w:t>Encadré : budget total 48 000 €</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )

    def build(document: DocxDocument) -> None:
        document.add_heading("Budget", level=1)
        anchor = document.add_paragraph("Le détail suit.")
        anchor._p.append(parse_xml(box))
        document.add_paragraph("Fin.")

    doc = load_document(docx_bytes(build), filename="boite.docx")

    texts = [(unit.text, unit.section) for unit in doc.units if unit.kind == "paragraph"]
    assert texts == [
        ("Le détail suit.", ("Budget",)),
        ("Encadré : budget total 48 000 €", ("Budget",)),
        ("Fin.", ("Budget",)),
    ]


FOOTNOTES = (
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:t>---</w:t></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Source : enquête interne, n = 212.</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def with_footnotes(data: bytes) -> bytes:
    """The package with a footnotes part added (python-docx cannot write one)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                rel = (
                    '<Relationship Id="rIdNotes" Target="footnotes.xml" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/footnotes"/></Relationships>'
                )
                content = content.replace(b"</Relationships>", rel.encode())
            if item.filename == "[Content_Types].xml":
                override = (
                    '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.wordprocessingml.footnotes+xml"/></Types>'
                )
                content = content.replace(b"</Types>", override.encode())
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", FOOTNOTES)
    return out.getvalue()


def test_footnotes_come_last_under_notes() -> None:
    data = with_footnotes(docx_bytes(lambda d: d.add_paragraph("Corps du dossier.")))

    doc = load_document(data, filename="notes.docx")

    assert [(u.kind, u.text, u.section) for u in doc.units] == [
        ("paragraph", "Corps du dossier.", ()),
        ("heading", "Notes", ("Notes",)),
        ("paragraph", "Source : enquête interne, n = 212.", ("Notes",)),
    ]
    assert "---" not in doc.text


def bold_paragraph(document: DocxDocument, text: str) -> None:
    document.add_paragraph().add_run(text).bold = True


def test_bold_only_short_paragraphs_are_headings_when_the_document_has_no_heading_style() -> None:
    def build(document: DocxDocument) -> None:
        bold_paragraph(document, "Diagnostic")
        document.add_paragraph("Trafic en baisse de 12 %.")
        bold_paragraph(document, "Budget")
        document.add_paragraph("Total : 30 000 €.")

    doc = load_document(docx_bytes(build), filename="gras.docx")

    assert [(u.kind, u.text, u.section) for u in doc.units] == [
        ("heading", "Diagnostic", ("Diagnostic",)),
        ("paragraph", "Trafic en baisse de 12 %.", ("Diagnostic",)),
        ("heading", "Budget", ("Budget",)),
        ("paragraph", "Total : 30 000 €.", ("Budget",)),
    ]


def test_bold_paragraphs_stay_text_when_the_document_has_heading_styles() -> None:
    def build(document: DocxDocument) -> None:
        document.add_heading("Diagnostic", level=1)
        bold_paragraph(document, "Point clé")
        document.add_paragraph("Trafic en baisse.")
        bold_paragraph(document, "Autre point")
        document.add_paragraph("Conversion stable.")

    doc = load_document(docx_bytes(build), filename="styles.docx")

    assert [u.kind for u in doc.units] == ["heading", "paragraph", "paragraph", "paragraph", "paragraph"]


MARKDOWN = """# Dossier

Le **budget** total est de *30 000 €*, voir [l'annexe](https://exemple.fr/a)
et le `tableau`.

- premier point
  qui continue

- second point, après une ligne vide

> « Le site ne m'aide pas. »

| **Poste** | Montant |
|---|---|
| `Agence` | 8 000 € |
"""


def test_markdown_units_read_as_the_rendering_shows_them() -> None:
    doc = load_document(MARKDOWN.encode(), filename="dossier.md")

    assert [(u.kind, u.text) for u in doc.units] == [
        ("heading", "Dossier"),
        ("paragraph", "Le budget total est de 30 000 €, voir l'annexe (https://exemple.fr/a) et le tableau."),
        ("list", "• premier point qui continue\n• second point, après une ligne vide"),
        ("paragraph", "« Le site ne m'aide pas. »"),
        ("table", "Poste | Montant\nAgence | 8 000 €"),
    ]
    assert doc.units[-1].rows == [["Poste", "Montant"], ["Agence", "8 000 €"]]


def test_a_drawingml_text_box_is_read_once_not_again_from_its_vml_fallback() -> None:
    content = "<w:txbxContent><w:p><w:r><w:t>Encadré unique</w:t></w:r></w:p></w:txbxContent>"
    box = (
        f'<w:r {nsdecls("w")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{content}</wps:txbx></w:drawing>'
        f"</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )

    def build(document: DocxDocument) -> None:
        document.add_paragraph("Ancre.")._p.append(parse_xml(box))

    doc = load_document(docx_bytes(build), filename="boite.docx")

    assert [u.text for u in doc.units] == ["Ancre.", "Encadré unique"]
