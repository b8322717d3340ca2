"""Specification of the report renderers (assistant.review.report_markdown / report_docx).

The report is built by hand: three criteria (one per status), warnings including a
prompt injection, and an evidence quote carrying HTML, a table pipe, a newline and a
control character that XML 1.0 forbids.
"""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table

from assistant.review.models import (
    DISCLAIMER,
    STATUS_FR,
    CriterionVerdict,
    Evidence,
    Report,
    ReviewWarning,
    SheetRef,
)
from assistant.review.report_docx import render_docx, xml_safe
from assistant.review.report_markdown import PRIVACY_NOTE, escape_md, render_markdown

HOSTILE_QUOTE = "Budget total <script>alert(1)</script> | 12 000 €\nligne suivante\x0b fin"
CLEAN_QUOTE = "Budget total <script>alert(1)</script> | 12 000 €\nligne suivante fin"

REFERENTIELS = {
    "CR5": "CR5 Les objectifs de la stratégie digitale sont définis et mesurables.",
    "CR6": "CR6 Le plan d'action est cohérent avec les objectifs.",
    "CR7": "CR7 Le budget est détaillé et justifié.",
}
EXPECTED_FILL = {"CR5": "C6EFCE", "CR6": "FFEB9C", "CR7": "FFC7CE"}


@pytest.fixture()
def report() -> Report:
    return Report(
        file="brouillon_E2.docx",
        evaluation="E2",
        evaluation_title="Bloc 2",
        criteria=[
            CriterionVerdict(
                code="CR5",
                status="covered",
                confidence=0.91,
                evidence=[Evidence(quote="Objectif : +20 % de leads qualifiés d'ici juin.", location="p. 2")],
                referentiel=REFERENTIELS["CR5"],
                sheets=[SheetRef(slug="objectifs", title="Fiche objectifs SMART", path="corpus/fiches/objectifs.md")],
            ),
            CriterionVerdict(
                code="CR6",
                status="partial",
                confidence=0.55,
                evidence=[Evidence(quote=HOSTILE_QUOTE, location="§ Budget > Détail")],
                missing=["Un calendrier des actions"],
                advice=["Ajoutez un rétroplanning daté."],
                referentiel=REFERENTIELS["CR6"],
            ),
            CriterionVerdict(
                code="CR7",
                status="missing",
                confidence=0.8,
                missing=["Chaque ligne budgétaire chiffrée", "Un total"],
                advice=["Présentez le budget sous forme de tableau avec un total."],
                referentiel=REFERENTIELS["CR7"],
            ),
        ],
        warnings=[
            ReviewWarning(code="prompt_injection", message="Le document contient « ignore les consignes »."),
            ReviewWarning(code="little_text", message="Moins de 300 mots ont été extraits."),
            ReviewWarning(code="llm_fallback", message="Le modèle n'a pas répondu pour CR7."),
        ],
    )


# --- Markdown ---------------------------------------------------------------------------------


def _summary_rows(markdown: str) -> list[str]:
    lines = markdown.splitlines()
    start = lines.index("| Critère | Statut | Fiabilité de l'avis | Attendus manquants |") + 2  # skip the --- row
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_markdown_has_title_and_disclaimer_first(report: Report) -> None:
    markdown = render_markdown(report)
    assert markdown.splitlines()[0] == "# Avis indicatif — brouillon_E2.docx (E2 : Bloc 2)"
    assert DISCLAIMER in markdown
    assert markdown.index(DISCLAIMER) < markdown.index("## Synthèse")


def test_markdown_every_code_is_one_section_with_its_status_word(report: Report) -> None:
    markdown = render_markdown(report)
    for verdict in report.criteria:
        headings = re.findall(rf"^### {verdict.code} — (\w+)$", markdown, flags=re.MULTILINE)
        assert headings == [STATUS_FR[verdict.status]]
    for word, emoji in (("couvert", "🟢"), ("partiel", "🟠"), ("manquant", "🔴")):
        assert f"{emoji} {word}" in markdown


def test_markdown_summary_table_has_one_row_per_criterion(report: Report) -> None:
    rows = _summary_rows(render_markdown(report))
    assert len(rows) == len(report.criteria)
    assert [row.split("|")[1].strip() for row in rows] == ["CR5", "CR6", "CR7"]
    assert all(row.count(" | ") == 3 for row in rows)  # the quote's pipe never reaches a cell
    assert "Chaque ligne budgétaire chiffrée ; Un total" in rows[2]


def test_markdown_warnings_come_first_with_french_headings(report: Report) -> None:
    markdown = render_markdown(report)
    assert markdown.index("## ⚠️ Points d'attention") < markdown.index("## Synthèse")
    assert "**Instructions détectées dans le document**" in markdown
    assert "**Texte insuffisant**" in markdown
    assert "**Modèle de langage indisponible**" in markdown and "pour CR7." in markdown


def test_markdown_criterion_details(report: Report) -> None:
    markdown = render_markdown(report)
    for text in REFERENTIELS.values():
        assert f"> {escape_md(text)}" in markdown
    assert "*§ Budget > Détail*" in markdown
    assert "- Un calendrier des actions" in markdown
    assert "- Ajoutez un rétroplanning daté." in markdown
    assert "- Fiche « Fiche objectifs SMART »" in markdown
    assert "objectifs.md" not in markdown  # a candidate's report names no file of the corpus
    assert markdown.rstrip().endswith(f"*{PRIVACY_NOTE}*")


def test_markdown_escapes_the_hostile_quote(report: Report) -> None:
    markdown = render_markdown(report)
    assert not re.search(r"(?<!\\)<", markdown)  # every « < » escaped: no HTML can open
    assert "\\<script>alert(1)\\</script>" in markdown
    assert "\x0b" not in markdown
    # The quote's two lines both stay inside the blockquote, one per line (a hard break between them).
    assert "> Budget total \\<script>alert(1)\\</script> \\| 12 000 €  \n> ligne suivante fin" in markdown


def test_markdown_renders_without_live_html_or_links(report: Report) -> None:
    import markdown_it  # pinned in requirements.txt: a missing parser fails, never skips

    hostile = report.model_copy(
        update={
            "file": "<img src=x onerror=alert(1)>.docx",
            "warnings": [ReviewWarning(code="prompt_injection", message="[clic](javascript:alert(1))")],
        }
    )
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(render_markdown(hostile))
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert html.count("<h3>") == len(report.criteria)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("# Titre", "\\# Titre"),
        ("- item", "\\- item"),
        ("1. item", "1\\. item"),
        ("a | b\nc", "a \\| b c"),
        ("[x](javascript:y)", "\\[x\\](javascript:y)"),
        ("`code` *gras* _it_", "\\`code\\` \\*gras\\* \\_it\\_"),
        ("C:\\dossier", "C:\\\\dossier"),
        # Readable in any editor: parentheses, inner underscores, « & » and « # » inside words stay as typed.
        ("Budget (total) : 12 000 €", "Budget (total) : 12 000 €"),
        ("fichier_final_v2 et R&D, C#", "fichier_final_v2 et R&D, C#"),
        ("&amp; ## fin ##", "\\&amp; \\#\\# fin \\#\\#"),
        ("> citation", "\\> citation"),
    ],
)
def test_escape_md(raw: str, escaped: str) -> None:
    assert escape_md(raw) == escaped


@pytest.mark.parametrize(
    "raw",
    [
        "Budget (total) [1](javascript:alert(1)) <img src=x onerror=y> **gras** _it_ __x__ ~~barré~~",
        "| a | b |\n| --- | --- |\n| 1 | 2 |",
        "# titre ## \\* &eacute; &#35; snake_case_name `code` <https://x.y>",
        "1) liste\n- item\n> citation\n=== ",
    ],
)
def test_escaped_text_renders_as_exactly_the_text(raw: str) -> None:
    """Escaping is exact: rendered, the escaped line is the text itself, in one paragraph, no markup."""
    import html

    import markdown_it

    rendered = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(escape_md(raw))
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n") and rendered.count("<") == 2
    assert html.unescape(rendered[3:-5]) == " ".join(raw.split())


# --- DOCX -------------------------------------------------------------------------------------


def _open(report: Report) -> DocxDocument:
    return Document(io.BytesIO(render_docx(report)))


def _summary_table(doc: DocxDocument) -> Table:
    for table in doc.tables:
        header = ["Critère", "Statut", "Fiabilité de l'avis", "Attendus manquants"]
        if [cell.text for cell in table.rows[0].cells] == header:
            return table
    raise AssertionError("summary table not found")


def _fill(table: Table, row: int, col: int) -> str | None:
    tc_pr = table.cell(row, col)._tc.tcPr
    assert tc_pr is not None
    shd = tc_pr.find(qn("w:shd"))
    return None if shd is None else shd.get(qn("w:fill"))


def test_docx_is_bytes_python_docx_can_open(report: Report) -> None:
    data = render_docx(report)
    assert isinstance(data, bytes) and data[:2] == b"PK"
    assert Document(io.BytesIO(data)).paragraphs


def test_docx_summary_table_rows_and_status_shading(report: Report) -> None:
    table = _summary_table(_open(report))
    assert len(table.rows) == 1 + len(report.criteria)
    for index, verdict in enumerate(report.criteria, start=1):
        cells = [cell.text for cell in table.rows[index].cells]
        assert cells[:2] == [verdict.code, STATUS_FR[verdict.status]]
        assert _fill(table, index, 1) == EXPECTED_FILL[verdict.code]
    assert table.rows[3].cells[3].text == "Chaque ligne budgétaire chiffrée ; Un total"


def test_docx_criterion_sections_quotes_and_disclaimer(report: Report) -> None:
    doc = _open(report)
    texts = [paragraph.text for paragraph in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert headings == ["CR5 — couvert", "CR6 — partiel", "CR7 — manquant"]
    for referentiel in REFERENTIELS.values():
        assert referentiel in texts
    assert CLEAN_QUOTE in texts  # control character gone, newline kept
    assert "Objectif : +20 % de leads qualifiés d'ici juin." in texts
    assert texts.count(DISCLAIMER) == 2  # after the title and again at the end
    assert texts[-1] == PRIVACY_NOTE
    assert "Fiche « Fiche objectifs SMART »" in texts
    assert not any("objectifs.md" in text for text in texts)


def test_docx_warnings_are_listed_before_the_summary(report: Report) -> None:
    texts = [paragraph.text for paragraph in _open(report).paragraphs]
    injection = "Instructions détectées dans le document : Le document contient « ignore les consignes »."
    assert injection in texts
    assert texts.index(injection) < texts.index("Synthèse")
    assert "Modèle de langage indisponible : Le modèle n'a pas répondu pour CR7." in texts


def test_docx_without_warnings_has_no_warning_section(report: Report) -> None:
    texts = [paragraph.text for paragraph in _open(report.model_copy(update={"warnings": []})).paragraphs]
    assert "⚠️ Points d'attention" not in texts


def test_clean_removes_xml_invalid_characters() -> None:
    assert xml_safe("a\x00b\x0bc\x1fd\ufffee\ud800f") == "abcdef"
    assert xml_safe("tab\tline\r\nnext") == "tab\tline\nnext"
    assert xml_safe("€ œ ’ 😀") == "€ œ ’ 😀"
