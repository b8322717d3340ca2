"""Word (.docx) with python-docx: body paragraphs and tables in document order.

* Headings are paragraphs styled "Heading N" / "Titre N" (or a style based on
  one), or carrying an outline level; they set the heading path. The
  document title ("Title" / "Titre") is a heading unit but not a parent of
  the sections that follow, so paths stay short.
* When the document has no heading style at all, short paragraphs set wholly
  in bold and followed by body text are its headings (level 1), as many
  documents typed without styles do.
* Consecutive list paragraphs (a "List..." / "Liste..." style, or numbering)
  form one ``list`` unit, one item per line, each with the marker Word shows
  ("1.", "a)", "•"; see ``docx_numbering``).
* A table is one ``table`` unit: ``rows`` holds the cell texts (a merged cell
  counted once per row, nested tables flattened into their cell) and the
  text renders each row as ``cell | cell``.
* Text boxes are read where they are anchored; footnotes and endnotes come
  last, under a "Notes" heading. Headers, footers and comments are not read.
* A package that python-docx cannot open is ``corrupted``. A body without
  text is ``no_text`` when the package holds images (pasted scans), ``empty``
  otherwise. Parts that would decompress to more than
  ``ooxml.MAX_EXPANSION`` times ``max_bytes`` are refused (``too_large``), so
  a ZIP bomb never reaches the XML parser.
"""

from __future__ import annotations

import io
import itertools
import re

import docx
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .docx_numbering import NumberingRenderer
from .errors import CorruptedDocumentError, EmptyDocumentError, NoTextError
from .hidden import hidden_warning, split_docx_paragraph
from .models import LoadedDocument, LoadLimits, UnitCollector
from .ooxml import check_expansion
from .text import chunk_text, clean_text, render_rows

NOTES_TITLE = "Notes"
_MAX_BOLD_HEADING_CHARS = 100
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_MIN_BOLD_HEADINGS = 2
_HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*([1-9])$", re.IGNORECASE)
_TITLE_STYLES = frozenset({"title", "titre"})
_LIST_STYLE = re.compile(r"^(?:list|liste)\b", re.IGNORECASE)
_MAX_STYLE_DEPTH = 8
_MAX_TABLE_DEPTH = 4
_TITLE_LEVEL = 0


def load_docx(data: bytes, *, name: str, limits: LoadLimits) -> LoadedDocument:
    check_expansion(data, name, limits, kind="document Word")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:
        raise CorruptedDocumentError(name, kind="document Word", detail=repr(error)) from error
    blocks = list(document.iter_inner_content())
    reader = _BodyReader(NumberingRenderer.of(document), _bold_headings(blocks))
    for block in blocks:
        if isinstance(block, Paragraph):
            reader.paragraph(block)
            for box in text_box_paragraphs(block):
                reader.paragraph(box)
        else:
            reader.table(block)
    reader.flush_list()
    reader.notes(note_texts(document))
    if not reader.collector.units:
        has_images = any(rel.reltype.endswith("/image") for rel in document.part.rels.values())
        if has_images:
            raise NoTextError(name, detail="DOCX body holds images but no text")
        raise EmptyDocumentError(name, detail="DOCX body without text")
    warning = hidden_warning(reader.hidden)
    return LoadedDocument.from_units(
        name=name, doc_type="docx", units=reader.collector.units, warnings=[warning] if warning else []
    )


def heading_level(paragraph: Paragraph) -> int | None:
    """1-9 for a heading, 0 for the document title, None for body text."""
    style: ParagraphStyle | None = paragraph.style
    for _ in range(_MAX_STYLE_DEPTH):
        if style is None:
            break
        for label in (str(style.name or ""), str(style.style_id or "")):
            match = _HEADING_STYLE.match(label.strip())
            if match:
                return int(match.group(1))
            if label.strip().lower() in _TITLE_STYLES:
                return _TITLE_LEVEL
        style = style.base_style
    p_pr = paragraph._p.pPr
    outline = p_pr.outlineLvl if p_pr is not None else None
    if outline is not None and outline.val is not None and 0 <= int(outline.val) <= 8:
        return int(outline.val) + 1
    return None


def is_list_paragraph(paragraph: Paragraph) -> bool:
    style = paragraph.style
    if style is not None and _LIST_STYLE.match(str(style.name or "")):
        return True
    p_pr = paragraph._p.pPr
    return p_pr is not None and p_pr.numPr is not None


def table_rows(table: Table, depth: int = 0) -> list[list[str]]:
    """Cell texts row by row; a cell merged across columns appears once."""
    rows: list[list[str]] = []
    for row in table.rows:
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(_cell_text(cell, depth))
        if any(cells):
            rows.append(cells)
    return rows


def _cell_text(cell: _Cell, depth: int) -> str:
    parts: list[str] = []
    for block in cell.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(clean_text(block.text).strip())
        elif depth < _MAX_TABLE_DEPTH:
            parts.extend(" | ".join(row) for row in table_rows(block, depth + 1))
    return "\n".join(part for part in parts if part)


def _is_bold_only(paragraph: Paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    text = paragraph.text.strip()
    return (
        bool(runs)
        and all(run.bold for run in runs)
        and len(text) <= _MAX_BOLD_HEADING_CHARS
        and not text.endswith((".", ";", ","))
    )


def _bold_headings(blocks: list[Paragraph | Table]) -> set[int]:
    """Ids of the bold-only paragraphs that serve as headings (documents without heading styles only)."""
    paragraphs = [block for block in blocks if isinstance(block, Paragraph) and block.text.strip()]
    if any(heading_level(p) not in (None, _TITLE_LEVEL) for p in paragraphs):
        return set()
    found: set[int] = set()
    for current, following in itertools.pairwise(paragraphs):
        if _is_bold_only(current) and not _is_bold_only(following) and not is_list_paragraph(current):
            found.add(id(current._p))
    return found if len(found) >= _MIN_BOLD_HEADINGS else set()


def text_box_paragraphs(paragraph: Paragraph) -> list[Paragraph]:
    """Paragraphs of the text boxes anchored in ``paragraph`` (the DrawingML copy, not its VML fallback)."""
    boxes = [
        node
        for node in paragraph._p.iter(qn("w:txbxContent"))
        if not any(parent.tag == _MC_FALLBACK for parent in node.iterancestors())
    ]
    return [Paragraph(p, paragraph._parent) for box in boxes for p in box.findall(qn("w:p"))]


def note_texts(document: DocxDocument) -> list[str]:
    """Footnote and endnote texts, in order (separator notes skipped)."""
    texts: list[str] = []
    for rel in document.part.rels.values():
        if rel.is_external or not rel.reltype.endswith(("/footnotes", "/endnotes")):
            continue
        try:
            root = parse_xml(rel.target_part.blob)
        except Exception:  # a damaged notes part must not sink the body
            continue
        for note in root:
            if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = " ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in note.iter(qn("w:p")))
            if text.strip():
                texts.append(clean_text(" ".join(text.split())))
    return texts


class _BodyReader:
    def __init__(self, numbering: NumberingRenderer, bold_headings: set[int]) -> None:
        self.collector = UnitCollector()
        self.path: list[tuple[int, str]] = []
        self.list_items: list[str] = []
        self.hidden: list[str] = []
        self.numbering = numbering
        self.bold_headings = bold_headings

    @property
    def section(self) -> tuple[str, ...]:
        return tuple(title for level, title in self.path if level != _TITLE_LEVEL)

    def paragraph(self, paragraph: Paragraph) -> None:
        visible, hidden = split_docx_paragraph(paragraph)
        if hidden.strip():
            self.hidden.append(hidden)
        text = clean_text(visible).strip()
        if not text:
            return
        level = heading_level(paragraph)
        if level is None and id(paragraph._p) in self.bold_headings:
            level = 1
        if level is not None:
            self.heading(level, " ".join(text.split()))
        elif is_list_paragraph(paragraph):
            marker = self.numbering.marker(paragraph)
            self.list_items.append(f"{marker} {' '.join(text.split())}" if marker else " ".join(text.split()))
        else:
            self.flush_list()
            for piece in chunk_text(text):
                self.collector.add(piece, "paragraph", section=self.section)

    def heading(self, level: int, title: str) -> None:
        self.flush_list()
        if level == _TITLE_LEVEL:
            self.path = []
            self.collector.add(title, "heading", section=(title,))
            return
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, title))
        self.collector.add(title, "heading", section=self.section)

    def table(self, table: Table) -> None:
        self.flush_list()
        rows = table_rows(table)
        if rows:
            self.collector.add(render_rows(rows), "table", section=self.section, rows=rows)

    def notes(self, texts: list[str]) -> None:
        if texts:
            self.heading(1, NOTES_TITLE)
            for text in texts:
                self.collector.add(text, "paragraph", section=self.section)

    def flush_list(self) -> None:
        if self.list_items:
            for piece in chunk_text("\n".join(self.list_items)):
                self.collector.add(piece, "list", section=self.section)
            self.list_items = []
