"""Render Markdown files to PDF with fpdf2.

Usage:
    python scripts/render_pdfs.py corpus/cours/a.md corpus/cours/b.md \
        --out-dir corpus/cours/pdf

The renderer is deliberately small. It supports what the corpus uses:
front matter (stripped; its `title` becomes the PDF title metadata),
ATX headings (`#` to `######`, bold and larger), paragraphs, bullet and
numbered lists (nested by indentation), block quotes, fenced code blocks,
horizontal rules and simple pipe tables (each row rendered as the text line
"cell | cell"; the separator row is dropped and the header row is bold).
Inline `**bold**` is rendered bold; other inline markers (`*italic*`,
`` `code` ``) are reduced to their text; a link becomes "text (url)".

Extraction guarantee: the PDF text read back with pypdf holds the Markdown's
words in the same order. Lines are wrapped only at spaces (never at hyphens,
never with added hyphens); characters are written as they are (a Unicode
TrueType font keeps "€", "’", "œ"). A single word wider than the line (a long
URL) is the only thing ever split, after a "/" or "." when it has one. Each
page ends with a footer matching FOOTER_RE, which a comparison should remove
first.

Output is deterministic: the same input gives byte-identical PDFs.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FONT_FAMILY = "DejaVu"

# Footer text written on every page; tests strip it before comparing words.
FOOTER_TEMPLATE = "Page {page} / {{nb}}"
FOOTER_RE = re.compile(r"^\s*Page \d+ / \d+\s*$", re.MULTILINE)

# Layout, in millimetres and points.
MARGIN_MM = 20.0
BODY_PT = 10.5
LINE_MM = 5.5
PARAGRAPH_GAP_MM = 2.0
HEADING_PT = {1: 18.0, 2: 14.0, 3: 12.0}
HEADING_DEFAULT_PT = 11.0
INDENT_MM = 6.0
FIXED_DATE = datetime(2000, 1, 1, tzinfo=UTC)  # reproducible output

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$")
FENCE = re.compile(r"^\s*(```|~~~)")
RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
URL_BREAK_AFTER = "/.-?&=#"  # where an overlong word (a URL) may be split
BOLD = re.compile(r"\*\*(.+?)\*\*|(?<!\w)__(.+?)__(?!\w)")
ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)")


class RenderError(Exception):
    """A problem the user can fix (missing font, unreadable input)."""


# --- Markdown blocks ---------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One rendered unit: heading, paragraph, list item, table row, code or rule."""

    kind: str  # "heading" | "paragraph" | "item" | "quote" | "row" | "code" | "rule"
    text: str = ""
    level: int = 0  # heading level, or list nesting depth
    marker: str = ""  # list marker as printed ("•", "1.")
    bold: bool = False  # whole block bold (table header rows)


def split_front_matter(markdown: str) -> tuple[dict[str, str], str]:
    """Return simple `key: value` front matter pairs and the body without them."""
    lines = markdown.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, markdown
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            meta: dict[str, str] = {}
            for entry in lines[1:end]:
                key, sep, value = entry.partition(":")
                if sep and not entry.startswith((" ", "\t")):
                    meta[key.strip()] = value.strip().strip("\"'")
            return meta, "\n".join(lines[end + 1 :])
    return {}, markdown


def table_cells(line: str) -> list[str]:
    """Split a pipe-table row into stripped cells (escaped pipes are kept)."""
    row = line.strip()
    row = row.removeprefix("|")
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    cells = re.split(r"(?<!\\)\|", row)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def parse_blocks(body: str) -> list[Block]:
    """Turn a Markdown body into a flat list of blocks, in reading order."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    item: Block | None = None
    item_lines: list[str] = []
    lines = body.splitlines()

    def flush() -> None:
        nonlocal item
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()
        if item is not None:
            text = " ".join(item_lines)
            blocks.append(Block("item", text, item.level, item.marker))
            item = None
            item_lines.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        index += 1
        if not stripped:
            flush()
            continue
        if FENCE.match(line):
            flush()
            while index < len(lines) and not FENCE.match(lines[index]):
                if lines[index].strip():
                    blocks.append(Block("code", lines[index].rstrip()))
                index += 1
            index += 1  # closing fence
            continue
        heading = HEADING.match(line)
        if heading:
            flush()
            blocks.append(Block("heading", heading.group(2), len(heading.group(1))))
            continue
        if RULE.match(line):
            flush()
            blocks.append(Block("rule"))
            continue
        if stripped.startswith("|"):
            flush()
            is_header = index < len(lines) and bool(TABLE_SEPARATOR.match(lines[index]))
            if TABLE_SEPARATOR.match(line):
                continue
            cells = table_cells(line)
            blocks.append(Block("row", " | ".join(cells), bold=is_header))
            continue
        if stripped.startswith(">"):
            flush()
            blocks.append(Block("quote", stripped.lstrip(">").strip()))
            continue
        bullet = BULLET.match(line)
        if bullet:
            flush()
            depth = len(bullet.group(1).expandtabs(4)) // 2
            raw = bullet.group(2)
            marker = "•" if raw in "-*+" else raw
            item = Block("item", level=depth, marker=marker)
            item_lines.append(bullet.group(3).strip())
            continue
        if item is not None:
            item_lines.append(stripped)  # continuation of a list item
        else:
            paragraph.append(stripped)
    flush()
    return blocks


# --- Inline text -------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A word to lay out, with its weight."""

    text: str
    bold: bool


def plain_inline(text: str) -> str:
    """Reduce inline markers other than bold to their text."""
    text = IMAGE.sub(r"\1", text)
    text = LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    text = AUTOLINK.sub(r"\1", text)
    text = text.replace("`", "")
    text = ITALIC.sub(lambda m: m.group(1) or m.group(2) or "", text)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|>])", r"\1", text)


def inline_words(text: str, bold: bool = False) -> list[Word]:
    """Split inline Markdown into words, keeping `**bold**` spans bold."""
    words: list[Word] = []
    position = 0
    for match in BOLD.finditer(text):
        words += [Word(w, bold) for w in plain_inline(text[position : match.start()]).split()]
        inner = match.group(1) or match.group(2) or ""
        words += [Word(w, True) for w in plain_inline(inner).split()]
        position = match.end()
    words += [Word(w, bold) for w in plain_inline(text[position:]).split()]
    return words


# --- PDF ---------------------------------------------------------------------


class MarkdownPDF(FPDF):
    """FPDF with Unicode fonts, a page-number footer and word-safe wrapping."""

    def __init__(self) -> None:
        super().__init__(format="A4", unit="mm")
        for path in (FONT_REGULAR, FONT_BOLD):
            if not path.is_file():
                raise RenderError(
                    f"font not found: {path}. Install the DejaVu fonts "
                    "(Debian/Ubuntu: apt-get install fonts-dejavu-core)."
                )
        self.add_font(FONT_FAMILY, "", str(FONT_REGULAR))
        self.add_font(FONT_FAMILY, "B", str(FONT_BOLD))
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=MARGIN_MM)
        self.set_creation_date(FIXED_DATE)
        self.set_font(FONT_FAMILY, "", BODY_PT)

    def footer(self) -> None:
        self.set_y(-MARGIN_MM + 5)
        self.set_font(FONT_FAMILY, "", 8)
        self.cell(0, 5, FOOTER_TEMPLATE.format(page=self.page_no()), align="C")

    def _width(self, text: str, bold: bool, size: float) -> float:
        self.set_font(FONT_FAMILY, "B" if bold else "", size)
        return self.get_string_width(text)

    def _lines(self, words: Sequence[Word], width: float, size: float) -> Iterator[list[Word]]:
        """Greedy wrapping at spaces; only a word longer than a line is split."""
        line: list[Word] = []
        used = 0.0
        for word in words:
            for piece in self._pieces(word, width, size):
                piece_width = self._width(piece.text, piece.bold, size)
                space = self._width(" ", line[-1].bold, size) if line else 0.0
                if line and used + space + piece_width > width:
                    yield line
                    line, used, space = [], 0.0, 0.0
                line.append(piece)
                used += space + piece_width
        if line:
            yield line

    def _pieces(self, word: Word, width: float, size: float) -> Iterator[Word]:
        if self._width(word.text, word.bold, size) <= width:
            yield word
            return
        chunk = ""
        for char in word.text:
            if chunk and self._width(chunk + char, word.bold, size) > width:
                # Prefer splitting after a URL separator, else between characters.
                cut = max(chunk.rfind(sep) for sep in URL_BREAK_AFTER) + 1
                if cut <= 0:
                    cut = len(chunk)
                yield Word(chunk[:cut], word.bold)
                chunk = chunk[cut:]
            chunk += char
        if chunk:
            yield Word(chunk, word.bold)

    def write_words(self, words: Sequence[Word], size: float, left: float, line_mm: float) -> None:
        """Write words as wrapped lines starting at x=`left`."""
        width = self.w - self.r_margin - left
        for line in self._lines(words, width, size):
            if self.will_page_break(line_mm):
                self.add_page()
            self.set_x(left)
            runs: list[tuple[bool, list[str]]] = []
            for word in line:
                if runs and runs[-1][0] == word.bold:
                    runs[-1][1].append(word.text)
                else:
                    runs.append((word.bold, [word.text]))
            for number, (bold, texts) in enumerate(runs):
                text = " ".join(texts) + (" " if number < len(runs) - 1 else "")
                self.set_font(FONT_FAMILY, "B" if bold else "", size)
                self.cell(self.get_string_width(text), line_mm, text)
            self.ln(line_mm)
        self.set_font(FONT_FAMILY, "", BODY_PT)

    def render_block(self, block: Block) -> None:
        if block.kind == "heading":
            size = HEADING_PT.get(block.level, HEADING_DEFAULT_PT)
            line_mm = size * 0.5
            if self.will_page_break(line_mm + 3 * LINE_MM):
                self.add_page()  # keep a heading with the lines that follow
            elif self.get_y() > self.t_margin + 1:
                self.ln(PARAGRAPH_GAP_MM * 2)
            self.write_words(inline_words(block.text, bold=True), size, self.l_margin, line_mm)
            self.ln(PARAGRAPH_GAP_MM)
        elif block.kind == "item":
            left = self.l_margin + INDENT_MM * block.level
            marker = block.marker
            marker_width = max(self._width(marker + " ", False, BODY_PT), INDENT_MM)
            if self.will_page_break(LINE_MM):
                self.add_page()
            self.set_x(left)
            self.set_font(FONT_FAMILY, "", BODY_PT)
            self.cell(marker_width, LINE_MM, marker)
            y = self.get_y()
            self.write_words(inline_words(block.text), BODY_PT, left + marker_width, LINE_MM)
            if self.get_y() == y:  # empty item: still move to the next line
                self.ln(LINE_MM)
            self.ln(PARAGRAPH_GAP_MM / 2)
        elif block.kind == "quote":
            left = self.l_margin + INDENT_MM
            self.write_words(inline_words(block.text), BODY_PT, left, LINE_MM)
            self.ln(PARAGRAPH_GAP_MM)
        elif block.kind == "row":
            words = inline_words(block.text, bold=block.bold)
            self.write_words(words, BODY_PT, self.l_margin, LINE_MM)
            self.ln(PARAGRAPH_GAP_MM / 2)
        elif block.kind == "code":
            words = [Word(w, False) for w in block.text.split()]
            self.write_words(words, BODY_PT, self.l_margin + INDENT_MM, LINE_MM)
        elif block.kind == "rule":
            self.ln(PARAGRAPH_GAP_MM)
            y = self.get_y()
            self.line(self.l_margin, y, self.w - self.r_margin, y)
            self.ln(PARAGRAPH_GAP_MM)
        else:
            self.write_words(inline_words(block.text), BODY_PT, self.l_margin, LINE_MM)
            self.ln(PARAGRAPH_GAP_MM)


def render_markdown(markdown: str, out_path: Path) -> None:
    """Render one Markdown document to `out_path`."""
    meta, body = split_front_matter(markdown)
    pdf = MarkdownPDF()
    if meta.get("title"):
        pdf.set_title(meta["title"])
    pdf.add_page()
    for block in parse_blocks(body):
        pdf.render_block(block)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out_path))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render Markdown files to PDF (fpdf2).")
    parser.add_argument("files", nargs="+", type=Path, help="Markdown files to render")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=None,
        help="directory for the PDFs (default: next to each Markdown file)",
    )
    args = parser.parse_args(argv)
    try:
        for source in args.files:
            if not source.is_file():
                raise RenderError(f"no such Markdown file: {source}")
            try:
                markdown = source.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise RenderError(f"{source} is not UTF-8 text ({exc.reason})") from exc
            out_dir = args.out_dir if args.out_dir is not None else source.parent
            out_path = out_dir / f"{source.stem}.pdf"
            render_markdown(markdown, out_path)
            print(f"{source} -> {out_path}")
    except RenderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
