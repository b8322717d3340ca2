"""Render Markdown drafts to PDF (with the existing fpdf2 renderer) and to Word (.docx).

Usage:
    python scripts/render_drafts.py evals/drafts/e2_fort_velo.md --pdf --docx \
        --out-dir evals/drafts/rendered [--check]

PDF: `scripts/render_pdfs.py` is reused as is (`render_markdown`). A draft has no
front matter, so the text of its first `#` heading is passed as the PDF title.

DOCX (python-docx): `#` headings become "Heading 1/2/3..." paragraphs, text
becomes Normal paragraphs, bullet lists use "List Bullet" ("List Bullet 2/3"
when nested), numbered lists use "List Number" with Word numbering restarted
for each list, block quotes use "Quote", pipe tables become real Word tables
(one cell per column, "Table Grid", header row bold and repeated on each page),
`**bold**`, `*italic*` and `` `code` `` become run formatting. Block parsing
reuses the PDF renderer's `parse_blocks` for everything but tables, so both
formats read the Markdown the same way.

Output is deterministic: the PDF renderer already is; for DOCX the core
properties carry fixed dates and the zip members fixed timestamps, so the same
input gives byte-identical files.

`--check` reads every output back (pypdf / python-docx) and compares its word
sequence with the Markdown's, ignoring table pipes and separator rows, code
fence lines, the PDF page footers and, for DOCX only, ordered-list numbers (Word generates them).
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
import pypdf
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

if __package__:
    from .render_pdfs import (
        AUTOLINK,
        BOLD,
        FENCE,
        FIXED_DATE,
        FOOTER_RE,
        HEADING,
        IMAGE,
        ITALIC,
        LINK,
        MARGIN_MM,
        TABLE_SEPARATOR,
        Block,
        RenderError,
        parse_blocks,
        render_markdown,
        split_front_matter,
        table_cells,
    )
else:  # run as `python scripts/render_drafts.py`: scripts/ is on sys.path
    from render_pdfs import (
        AUTOLINK,
        BOLD,
        FENCE,
        FIXED_DATE,
        FOOTER_RE,
        HEADING,
        IMAGE,
        ITALIC,
        LINK,
        MARGIN_MM,
        TABLE_SEPARATOR,
        Block,
        RenderError,
        parse_blocks,
        render_markdown,
        split_front_matter,
        table_cells,
    )

CODE_SPAN = re.compile(r"`([^`]+)`")
ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
ORDERED_MARKER = re.compile(r"^(\s*)\d{1,3}[.)]\s+", re.MULTILINE)
SEPARATOR_LINE = re.compile(r"\s*\|?[\s:|-]+\|?\s*")
ZIP_DATE = FIXED_DATE.timetuple()[:6]  # zip members' timestamp
AUTHOR = "Jury Blanc"
CODE_FONT = "Courier New"
MAX_LIST_DEPTH = 3  # "List Bullet", "List Bullet 2", "List Bullet 3"


# --- Markdown: tables as rows of cells, everything else via parse_blocks -----


@dataclass(frozen=True)
class MarkdownTable:
    """A pipe table: its rows of cells, and which rows are header rows."""

    rows: tuple[tuple[str, ...], ...]
    header: tuple[bool, ...]

    @property
    def columns(self) -> int:
        return max(len(row) for row in self.rows)


def _table(lines: Sequence[str]) -> MarkdownTable | None:
    """Cells of a run of pipe-table lines (a header row is followed by a separator)."""
    rows: list[tuple[str, ...]] = []
    header: list[bool] = []
    for number, line in enumerate(lines):
        if TABLE_SEPARATOR.match(line):
            continue
        rows.append(tuple(table_cells(line)))
        header.append(number + 1 < len(lines) and bool(TABLE_SEPARATOR.match(lines[number + 1])))
    return MarkdownTable(tuple(rows), tuple(header)) if rows else None


def parse_document(body: str) -> list[Block | MarkdownTable]:
    """Blocks in reading order; pipe tables are kept whole instead of one line per row.

    The body is cut into runs of table lines and runs of other lines; the others
    go through the PDF renderer's `parse_blocks`, which ends any open paragraph
    or list item at a table line anyway, so the split changes nothing for them.
    """
    result: list[Block | MarkdownTable] = []
    text: list[str] = []
    table: list[str] = []
    in_fence = False

    def flush_text() -> None:
        if text:
            result.extend(parse_blocks("\n".join(text)))
            text.clear()

    def flush_table() -> None:
        if table:
            parsed = _table(table)
            if parsed is not None:
                result.append(parsed)
            table.clear()

    for line in body.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.strip().startswith("|"):
            flush_text()
            table.append(line)
            continue
        flush_table()
        text.append(line)
    flush_text()
    flush_table()
    return result


# --- Inline formatting -------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


def _unescape(text: str) -> str:
    return ESCAPED.sub(r"\1", text)


def _link_text(match: re.Match[str]) -> str:
    # Same rendering as the PDF: "text (url)", or the url alone when both are equal.
    text, url = match.group(1), match.group(2)
    return text if text == url else f"{text} ({url})"


def _italic_runs(text: str, bold: bool) -> list[Run]:
    text = text.replace("`", "")  # a lone backtick, as the PDF renderer drops it
    runs: list[Run] = []
    position = 0
    for match in ITALIC.finditer(text):
        runs.append(Run(_unescape(text[position : match.start()]), bold))
        runs.append(Run(_unescape(match.group(1) or match.group(2) or ""), bold, italic=True))
        position = match.end()
    runs.append(Run(_unescape(text[position:]), bold))
    return runs


def _styled_runs(text: str, bold: bool) -> list[Run]:
    text = IMAGE.sub(r"\1", text)
    text = LINK.sub(_link_text, text)
    text = AUTOLINK.sub(r"\1", text)
    runs: list[Run] = []
    position = 0
    for match in CODE_SPAN.finditer(text):
        runs += _italic_runs(text[position : match.start()], bold)
        runs.append(Run(match.group(1), bold, code=True))  # code text is literal
        position = match.end()
    runs += _italic_runs(text[position:], bold)
    return runs


def inline_runs(text: str, bold: bool = False) -> list[Run]:
    """Formatted runs of one line of inline Markdown, spaces collapsed, ends trimmed."""
    raw: list[Run] = []
    position = 0
    for match in BOLD.finditer(text):
        raw += _styled_runs(text[position : match.start()], bold)
        raw += _styled_runs(match.group(1) or match.group(2) or "", True)
        position = match.end()
    raw += _styled_runs(text[position:], bold)

    merged: list[Run] = []
    for run in raw:
        piece = re.sub(r"\s+", " ", run.text)
        if merged and merged[-1].text.endswith(" "):
            piece = piece.lstrip(" ")
        if not piece:
            continue
        last = merged[-1] if merged else None
        if last is not None and (last.bold, last.italic, last.code) == (run.bold, run.italic, run.code):
            merged[-1] = Run(last.text + piece, run.bold, run.italic, run.code)
        else:
            merged.append(Run(piece, run.bold, run.italic, run.code))
    if merged:
        first, last = merged[0], merged[-1]
        merged[0] = Run(first.text.lstrip(), first.bold, first.italic, first.code)
        last = merged[-1]
        merged[-1] = Run(last.text.rstrip(), last.bold, last.italic, last.code)
    return [run for run in merged if run.text]


def plain_text(text: str) -> str:
    """Inline Markdown reduced to its text (used for titles)."""
    return "".join(run.text for run in inline_runs(text))


def document_title(body: str) -> str:
    """Text of the first level-1 heading, or ''."""
    for line in body.splitlines():
        heading = HEADING.match(line)
        if heading and len(heading.group(1)) == 1:
            return plain_text(heading.group(2))
    return ""


# --- DOCX --------------------------------------------------------------------


class DocxWriter:
    """Builds a python-docx document from parsed blocks."""

    def __init__(self, *, title: str, lang: str) -> None:
        self.document: DocxDocument = docx.Document()
        self._previous_table = False
        self._list_nums: dict[int, str] = {}  # depth -> numId of the numbered list in progress
        self._setup(title, lang)

    def _setup(self, title: str, lang: str) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)  # A4, like the PDF
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(MARGIN_MM))
        # Document language (spell checking, hyphenation) on the default run properties.
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if r_pr is not None:
                language = r_pr.find(qn("w:lang"))
                if language is None:
                    language = OxmlElement("w:lang")
                    r_pr.append(language)
                language.set(qn("w:val"), lang)
        props = self.document.core_properties
        props.title = title
        props.author = AUTHOR
        props.last_modified_by = AUTHOR
        props.language = lang
        props.revision = 1
        props.created = FIXED_DATE
        props.modified = FIXED_DATE
        props.last_printed = FIXED_DATE

    # Blocks ------------------------------------------------------------------

    def add(self, block: Block | MarkdownTable) -> None:
        if isinstance(block, MarkdownTable):
            self._list_nums.clear()
            self._add_table(block)
            self._previous_table = True
            return
        if block.kind != "item":
            self._list_nums.clear()
        if block.kind == "heading":
            self._paragraph(block.text, f"Heading {min(block.level, 9)}")
        elif block.kind == "item":
            self._add_item(block)
        elif block.kind == "quote":
            self._paragraph(block.text, "Quote")
        elif block.kind == "code":
            paragraph = self.document.add_paragraph(style="No Spacing")
            run = paragraph.add_run(block.text)
            run.font.name = CODE_FONT
            run.font.size = Pt(9.5)
        elif block.kind == "rule":
            self._add_rule()
        else:  # "paragraph", and a table row found outside a table (not produced here)
            self._paragraph(block.text, None)
        self._previous_table = False

    def _paragraph(self, text: str, style: str | None) -> Paragraph:
        paragraph = self.document.add_paragraph(style=style)
        for run in inline_runs(text):
            self._add_run(paragraph, run)
        return paragraph

    @staticmethod
    def _add_run(paragraph: Paragraph, run: Run) -> None:
        added = paragraph.add_run(run.text)
        if run.bold:
            added.bold = True
        if run.italic:
            added.italic = True
        if run.code:
            added.font.name = CODE_FONT

    def _add_item(self, block: Block) -> None:
        depth = min(block.level, MAX_LIST_DEPTH - 1)
        for deeper in [d for d in self._list_nums if d > depth]:
            del self._list_nums[deeper]  # a nested list ended
        suffix = f" {depth + 1}" if depth else ""
        if block.marker == "•":
            self._list_nums.pop(depth, None)
            self._paragraph(block.text, f"List Bullet{suffix}")
            return
        style = f"List Number{suffix}"
        paragraph = self._paragraph(block.text, style)
        if depth not in self._list_nums:
            start = int(re.sub(r"\D", "", block.marker) or "1")
            self._list_nums[depth] = self._restarted_num(style, start)
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = int(self._list_nums[depth])

    def _restarted_num(self, style: str, start: int) -> str:
        """A new Word numbering instance for `style`'s list, starting at `start`."""
        numbering = self.document.part.numbering_part.element
        style_num_pr = self.document.styles[style].element.pPr.numPr
        style_num_id = style_num_pr.numId.val
        abstract_id = next(num.abstractNumId.val for num in numbering.num_lst if num.numId == style_num_id)
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return str(num.numId)

    def _add_rule(self) -> None:
        paragraph = self.document.add_paragraph()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "999999")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().append(borders)

    def _add_table(self, table: MarkdownTable) -> None:
        if self._previous_table:
            self.document.add_paragraph()  # two adjacent tables would merge in Word
        columns = table.columns
        word_table = self.document.add_table(rows=len(table.rows), cols=columns)
        word_table.style = self.document.styles["Table Grid"]
        for row_cells, is_header, row in zip(table.rows, table.header, word_table.rows, strict=True):
            if is_header:
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on each page
            for index, cell in enumerate(row.cells):
                text = row_cells[index] if index < len(row_cells) else ""
                paragraph = cell.paragraphs[0]
                for run in inline_runs(text, bold=is_header):
                    self._add_run(paragraph, run)

    def save(self, out_path: Path) -> None:
        buffer = io.BytesIO()
        self.document.save(buffer)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_bytes(_fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def render_docx(markdown: str, out_path: Path, *, lang: str = "fr-FR") -> None:
    """Render one Markdown draft to a .docx file."""
    _, body = split_front_matter(markdown)
    writer = DocxWriter(title=document_title(body), lang=lang)
    for block in parse_document(body):
        writer.add(block)
    writer.save(out_path)


def render_pdf(markdown: str, out_path: Path) -> None:
    """Render one Markdown draft to PDF with the existing renderer, titled by its first heading."""
    meta, body = split_front_matter(markdown)
    title = document_title(body)
    if not meta and title:
        markdown = f"---\ntitle: {title}\n---\n{body}"
    render_markdown(markdown, out_path)


# --- Read-back check ---------------------------------------------------------


def words(text: str) -> list[str]:
    """Lower-cased word sequence (letters and digits), as the corpus PDF tests compare it."""
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).lower())


def markdown_words(markdown: str, *, ordered_markers: bool = True) -> list[str]:
    """Words of a Markdown source, without table separator rows (and list numbers if asked)."""
    _, body = split_front_matter(markdown)
    # Table separator rows and code fences (with their info string, e.g. ```json) are not text.
    body = "\n".join(line for line in body.splitlines() if not SEPARATOR_LINE.fullmatch(line) and not FENCE.match(line))
    if not ordered_markers:
        body = ORDERED_MARKER.sub(r"\1", body)
    return words(body)


def pdf_text(path: Path) -> str:
    """Text of a PDF read back with pypdf, page footers removed."""
    reader = pypdf.PdfReader(path)
    text: str = FOOTER_RE.sub("", "\n".join(page.extract_text() for page in reader.pages))
    return text


def docx_text(path: Path) -> str:
    """Text of a .docx read back with python-docx: paragraphs and table cells in order."""
    parts: list[str] = []
    for item in docx.Document(str(path)).iter_inner_content():
        if isinstance(item, Table):
            parts.extend(cell.text for row in item.rows for cell in row.cells)
        else:
            parts.append(item.text)
    return "\n".join(parts)


def check_rendering(markdown: str, rendered: Path) -> str | None:
    """None when `rendered` reads back to the Markdown's words, else a short diff."""
    if rendered.suffix == ".pdf":
        expected, got = markdown_words(markdown), words(pdf_text(rendered))
    else:
        expected, got = markdown_words(markdown, ordered_markers=False), words(docx_text(rendered))
    if expected == got:
        return None
    first = next(
        (i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b), min(len(expected), len(got))
    )
    return (
        f"{len(got)} words read back vs {len(expected)} expected; first difference at word {first}: "
        f"expected {expected[first : first + 6]}, got {got[first : first + 6]}"
    )


# --- Command line ------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render Markdown drafts to PDF and/or DOCX.")
    parser.add_argument("files", nargs="+", type=Path, help="Markdown drafts to render")
    parser.add_argument("--pdf", action="store_true", help="write <name>.pdf")
    parser.add_argument("--docx", action="store_true", help="write <name>.docx")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=None,
        help="directory for the renderings (default: next to each Markdown file)",
    )
    parser.add_argument("--lang", default="fr-FR", help="DOCX language tag (default: fr-FR)")
    parser.add_argument("--check", action="store_true", help="read each output back and compare its words")
    args = parser.parse_args(argv)
    if not (args.pdf or args.docx):
        parser.error("choose at least one of --pdf and --docx")

    failures = 0
    try:
        for source in args.files:
            if not source.is_file():
                raise RenderError(f"no such Markdown file: {source}")
            try:
                markdown = source.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise RenderError(f"{source} is not UTF-8 text ({exc.reason})") from exc
            out_dir = args.out_dir if args.out_dir is not None else source.parent
            outputs: list[Path] = []
            if args.pdf:
                outputs.append(out_dir / f"{source.stem}.pdf")
                render_pdf(markdown, outputs[-1])
            if args.docx:
                outputs.append(out_dir / f"{source.stem}.docx")
                render_docx(markdown, outputs[-1], lang=args.lang)
            for out_path in outputs:
                status = ""
                if args.check:
                    problem = check_rendering(markdown, out_path)
                    failures += problem is not None
                    status = f"  [check: {'ok' if problem is None else 'FAILED: ' + problem}]"
                print(f"{source} -> {out_path}{status}")
    except RenderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
