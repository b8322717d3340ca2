"""Render a draft review `Report` as a Word document (bytes, built in memory).

Nothing is written to disk: the caller decides whether the user saves the report.
Draft text may hold characters XML 1.0 forbids (e.g. a vertical tab pasted from Word);
every string goes through `xml_safe` before it reaches python-docx.
"""

from __future__ import annotations

import re
from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from assistant.review.models import STATUS_FR, CriterionVerdict, Evidence, Report, ReviewWarning, SheetRef
from assistant.review.report_markdown import PRIVACY_NOTE, source_line
from assistant.text.labels import warning_title

STATUS_FILL: dict[str, str] = {"covered": "C6EFCE", "partial": "FFEB9C", "missing": "FFC7CE"}
WARNING_FILL = "FCE4D6"
WARNING_COLOR = RGBColor(0xC0, 0x00, 0x00)
SUMMARY_HEADER = ("Critère", "Statut", "Fiabilité de l'avis", "Attendus manquants")

# Everything outside the XML 1.0 `Char` production (lone surrogates included).
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Children that must follow `w:shd` inside `w:tcPr` / `w:pPr` (OOXML schema order).
# fmt: off
_TCPR_AFTER_SHD = (
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
    "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)
_PPR_AFTER_SHD = (
    "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)
# fmt: on


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 forbids and normalise line breaks to '\\n'."""
    return _XML_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _shd(fill: str) -> BaseOxmlElement:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    return shd


def _shade_cell(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.remove_all("w:shd")
    tc_pr.insert_element_before(_shd(fill), *_TCPR_AFTER_SHD)


def _shade_paragraph(paragraph: Paragraph, fill: str) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.remove_all("w:shd")
    p_pr.insert_element_before(_shd(fill), *_PPR_AFTER_SHD)


def add_paragraph(doc: DocxDocument, text: str, *, style: str | None = None, italic: bool = False) -> Paragraph:
    paragraph = doc.add_paragraph(style=style)
    paragraph.add_run(xml_safe(text)).italic = italic or None
    return paragraph


def _heading(doc: DocxDocument, text: str, level: int) -> None:
    doc.add_heading(xml_safe(text), level=level)


def _bullets(doc: DocxDocument, items: list[str]) -> None:
    for item in items:
        add_paragraph(doc, item, style="List Bullet")


def _title(report: Report) -> str:
    evaluation = report.evaluation
    if report.evaluation_title:
        evaluation = f"{evaluation} : {report.evaluation_title}"
    return f"Avis indicatif — {report.file} ({evaluation})"


def set_properties(doc: DocxDocument, title: str, subject: str) -> None:
    """Replace python-docx's template metadata; keep it to what the document itself shows."""
    props = doc.core_properties
    props.title = xml_safe(title)[:255]
    props.subject = xml_safe(subject)[:255]
    props.author = "Jury Blanc"
    props.last_modified_by = "Jury Blanc"
    props.comments = ""


def _add_warning(doc: DocxDocument, warning: ReviewWarning) -> None:
    title = warning_title(warning.code)
    paragraph = doc.add_paragraph()
    heading = paragraph.add_run(xml_safe(title) + " : ")
    heading.bold = True
    heading.font.color.rgb = WARNING_COLOR
    paragraph.add_run(xml_safe(warning.message))
    _shade_paragraph(paragraph, WARNING_FILL)


def _add_warnings(doc: DocxDocument, warnings: list[ReviewWarning]) -> None:
    if not warnings:
        return
    _heading(doc, "⚠️ Points d'attention", level=1)
    for warning in warnings:
        _add_warning(doc, warning)


def _add_summary_row(cells: list[_Cell], verdict: CriterionVerdict) -> None:
    code, status, confidence, missing = cells
    code.text = xml_safe(verdict.code)
    status.text = STATUS_FR.get(verdict.status, verdict.status)
    _shade_cell(status, STATUS_FILL[verdict.status])
    confidence.text = xml_safe(verdict.certainty)
    missing.text = xml_safe(" ; ".join(verdict.missing)) or "—"


def _add_summary(doc: DocxDocument, criteria: list[CriterionVerdict]) -> None:
    _heading(doc, "Synthèse", level=1)
    table = doc.add_table(rows=1, cols=len(SUMMARY_HEADER))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, SUMMARY_HEADER, strict=True):
        cell.paragraphs[0].add_run(label).bold = True
    for verdict in criteria:
        _add_summary_row(table.add_row().cells, verdict)


def _add_evidence(doc: DocxDocument, evidence: list[Evidence]) -> None:
    _heading(doc, "Éléments trouvés dans votre document", level=3)
    if not evidence:
        add_paragraph(doc, "Aucun élément probant n'a été trouvé dans votre document pour ce critère.", italic=True)
        return
    for item in evidence:
        add_paragraph(doc, item.quote, style="Quote")
        if item.location.strip():
            location = add_paragraph(doc, item.location, italic=True)
            location.runs[0].font.size = Pt(9)


def _add_missing(doc: DocxDocument, missing: list[str]) -> None:
    _heading(doc, "Ce qui manque", level=3)
    if missing:
        _bullets(doc, missing)
    else:
        add_paragraph(doc, "Aucun attendu manquant n'a été relevé.", italic=True)


def _add_advice(doc: DocxDocument, advice: list[str]) -> None:
    if advice:
        _heading(doc, "Conseils", level=3)
        _bullets(doc, advice)


def _add_sheets(doc: DocxDocument, sheets: list[SheetRef]) -> None:
    if not sheets:
        return
    _heading(doc, "Pour aller plus loin", level=3)
    for sheet in sheets:
        paragraph = doc.add_paragraph(style="List Bullet")
        paragraph.add_run("Fiche « ")
        paragraph.add_run(xml_safe(sheet.title)).bold = True
        paragraph.add_run(" »")


def _add_criterion(doc: DocxDocument, verdict: CriterionVerdict) -> None:
    _heading(doc, f"{verdict.code} — {STATUS_FR.get(verdict.status, verdict.status)}", level=2)
    add_paragraph(doc, verdict.referentiel, style="Intense Quote", italic=True)
    add_paragraph(doc, source_line(verdict), italic=True).runs[0].font.size = Pt(9)
    _add_evidence(doc, verdict.evidence)
    _add_missing(doc, verdict.missing)
    _add_advice(doc, verdict.advice)
    _add_sheets(doc, verdict.sheets)


def _add_closing(doc: DocxDocument, report: Report) -> None:
    _heading(doc, "À retenir", level=1)
    add_paragraph(doc, report.disclaimer, italic=True)
    add_paragraph(doc, PRIVACY_NOTE, italic=True)


def render_docx(report: Report) -> bytes:
    """Return the formative report as the bytes of a .docx file."""
    doc = Document()
    set_properties(doc, _title(report), "Avis indicatif et formatif")
    doc.add_heading(xml_safe(_title(report)), level=0)
    add_paragraph(doc, report.disclaimer, italic=True)
    _add_warnings(doc, report.warnings)
    _add_summary(doc, report.criteria)
    _heading(doc, "Détail par critère", level=1)
    for verdict in report.criteria:
        _add_criterion(doc, verdict)
    _add_closing(doc, report)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
