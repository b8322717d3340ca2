"""PDF structure recovery: headings, paragraphs, lists and tables from the geometry of text runs.

The goal is that a PDF rendering of a draft gives the same units as its source would (see
``markdown`` and ``docx``): one heading unit per heading with its heading path, one paragraph per
paragraph (wrapped lines joined with a space, hyphenation undone), one list per run of list items
(one item per line, bullets shown as "•"), one table per table (rows of cells, "cell | cell" text).

* Page lines come from :mod:`pdf_runs`, the rules and small marks drawn on the page from
  :mod:`pdf_shapes`; running headers, footers and page numbers are dropped (:mod:`pdf_margins`).
* Tables drawn with borders are read from their grid of rules (:mod:`pdf_grid`), whatever their
  cell padding; other tables drawn in columns are rebuilt from the text (:mod:`pdf_tables`). A
  table going on after a page break joins the table before it (see ``Table.extend``).
* The body text is the most common size (by characters) outside tables. A line is a heading when
  it is clearly larger, or bold in another font family than the body (see :mod:`pdf_stats`);
  heading levels rank heading styles by size, and a heading pops the headings of its level or
  deeper. A heading wrapped over several lines is one heading, even when its last line holds only
  punctuation ("»").
* The document's title (its first block: a heading at least :data:`TITLE_MIN_BODY` times the body
  size, in a style no other heading has) is a heading unit but, as a Word "Title", no parent of
  what follows. In a slide deck (landscape pages, most opening with a heading) each slide's title
  starts the heading path afresh.
* Consecutive lines form one paragraph while the vertical gap stays at the usual line spacing and
  size and indent stay the same; across a page break, when the last line of the page was full.
* A line starting with a bullet or a number marker, or with a bullet drawn at its left (browsers
  draw them as paths), starts a list item; its wrapped lines, indented like its text, join it.
  Paragraphs that read "cell | cell" in a row form a table.
* A page whose layout cannot be read keeps its plain text as one paragraph.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from typing import Literal

from .models import UnitCollector
from .pdf_grid import find_grids, ruled_tables
from .pdf_margins import PageContent, drop_running_lines
from .pdf_runs import Line, join_runs
from .pdf_shapes import bulleted_lines
from .pdf_stats import HEADING_MIN_DELTA, Stats, body_stats, layout_stats
from .pdf_tables import Table, find_tables
from .pdf_words import Joiner, first_chunk, inline_marker, separate_marker
from .text import chunk_text

MAX_HEADING_LINES = 4
TITLE_MIN_BODY = 1.8  # a document title is set at least this many times the body size
MIN_BODY_CHARS = 200  # text outside tables that tells the body size (less: the tables' text does)
SLIDE_TITLED_SHARE = 0.5  # a deck: landscape pages, at least this share of them opening with a heading
ROW_SPLIT_ROOM = 1.6  # line pitches: a table row split by a page break ends about this close to the bottom
INDENT_TOLERANCE_EM = 0.45
_PIPE = " | "
_SENTENCE_END = frozenset(".!?:…")


BlockKind = Literal["heading", "paragraph", "item", "table", "raw"]


@dataclass
class Block:
    """Consecutive lines read as one heading, paragraph or list item; or a table; or a raw page."""

    kind: BlockKind
    page: int
    lines: list[Line] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    marker: str = ""
    indent: float = 0.0
    """x where the block's wrapped lines start."""
    table: Table | None = None
    last_page: int = 0

    def add(self, line: Line, text: str | None = None) -> None:
        self.lines.append(line)
        self.parts.append(line.text if text is None else text)
        self.last_page = line.page

    def text(self, joiner: Joiner) -> str:
        text = ""
        for part in self.parts:
            text = joiner.join(text, part)
        return text


def _line_marker(line: Line) -> tuple[str, float, str] | None:
    """``(marker, text x, text)`` when the line starts with a marker set apart from its text."""
    runs = line.runs
    marker = separate_marker(runs[0].text)
    if marker is None or len(runs) < 2:
        return None
    gap = runs[1].x - runs[0].x_end
    if marker != "•" and gap < 0.2 * runs[0].size:
        return None
    rest = [segment.text for segment in line.segments]
    first = line.segments[0]
    rest[0] = join_runs(first.runs[1:]) if len(first.runs) > 1 else ""
    return marker, runs[1].x, " ".join(" ".join(part for part in rest if part).split())


def _start(line: Line, stats: Stats, drawn: Set[int]) -> Block:
    """The block that ``line`` opens: a heading, a list item (marker apart, inline or drawn) or a paragraph."""
    block = Block("paragraph", line.page, indent=line.x0)
    if stats.is_heading(line):
        block.kind = "heading"
    elif (found := _line_marker(line)) is not None:
        block.kind, block.marker, block.indent = "item", found[0], found[1]
        block.add(line, found[2])
        return block
    elif _PIPE not in line.text and (inline := inline_marker(line.text)) is not None:
        block.kind, block.marker = "item", inline[0]
        block.add(line, inline[1])
        return block
    elif id(line) in drawn:
        block.kind, block.marker = "item", "•"
    block.add(line)
    return block


def _fits_after(previous: Line, line: Line, right: float) -> bool:
    """Would the first word of ``line`` have fitted at the end of ``previous`` (so it was not wrapped)?"""
    chunk = first_chunk(line.text)
    glued = previous.text.endswith("-")
    return bool(chunk) and previous.x1 + line.word_width(chunk if glued else " " + chunk) <= right - 0.5


def _continues_on_next_page(block: Block, line: Line, stats: Stats, first_on_page: bool) -> bool:
    """Does the first line of a page go on with the block that ended the previous page?

    Only when that block's last line was full and in the same weight. A page left with room
    for another line after a sentence end means the block ended there (widow control may leave
    room too, but not after a finished sentence).
    """
    last = block.lines[-1]
    if not first_on_page or block.last_page != line.page - 1 or last.bold != line.bold:
        return False
    if _fits_after(last, line, stats.right):
        return False
    room = last.y - stats.bottom
    return not (room > 0.5 * stats.pitch_for(last.size) and last.text.rstrip()[-1:] in _SENTENCE_END)


def _continues(block: Block, line: Line, stats: Stats, first_on_page: bool, drawn: Set[int]) -> bool:
    """Does ``line`` go on with ``block`` (same paragraph, item or heading)?"""
    if block.kind not in ("paragraph", "item", "heading") or not block.lines:
        return False
    last = block.lines[-1]
    if abs(line.size - last.size) >= HEADING_MIN_DELTA:
        return False
    if block.kind == "heading":
        # A wrapped heading may leave a lone mark on its last line ("»", "?").
        return (
            (stats.is_heading(line) or not any(char.isalnum() for char in line.text))
            and line.style == last.style
            and line.page == last.page
            and 0 < last.y - line.y <= 1.6 * line.size
            and len(block.lines) < MAX_HEADING_LINES
        )
    if stats.is_heading(line) or _line_marker(line) is not None or id(line) in drawn:
        return False
    if block.kind == "item" and inline_marker(line.text) is not None:
        return False
    if last.bold != line.bold and _fits_after(last, line, stats.right):
        return False  # a short bold line above plain text (or the reverse) ends its paragraph
    tolerance = INDENT_TOLERANCE_EM * line.size
    if abs(line.x0 - block.indent) > tolerance:
        first_line_indent = (
            block.kind == "paragraph" and len(block.lines) == 1 and 0 < last.x0 - line.x0 <= 4 * line.size
        )
        if not first_line_indent:
            return False
    if line.page == last.page:
        usual = stats.pitch_for(line.size)
        if not 0 < last.y - line.y <= usual + max(0.5, 0.08 * usual):
            return False
    elif not _continues_on_next_page(block, line, stats, first_on_page):
        return False
    if abs(line.x0 - block.indent) > tolerance:
        block.indent = line.x0
    return True


def _blocks(pages: list[PageContent], items: list[list[Line | Table]], stats: Stats, drawn: Set[int]) -> list[Block]:
    blocks: list[Block] = []
    for page, page_items in zip(pages, items, strict=True):
        if page.lines is None:
            blocks.append(Block("raw", page.number, parts=[page.text], last_page=page.number))
            continue
        for position, item in enumerate(page_items):
            previous = blocks[-1] if blocks else None
            if isinstance(item, Table):
                table = previous.table if previous is not None and position == 0 else None
                after_break = previous is not None and previous.last_page == page.number - 1
                if previous is not None and table is not None and after_break and table.continues(item):
                    # The same table, going on after the page break; a row is split only on a full page.
                    table.extend(
                        item, split=table.bottom() - stats.bottom <= ROW_SPLIT_ROOM * stats.pitch_for(table.size)
                    )
                    previous.last_page = page.number
                    continue
                blocks.append(Block("table", page.number, table=item, last_page=page.number))
            elif previous is not None and _continues(previous, item, stats, position == 0, drawn):
                previous.add(item)
            else:
                blocks.append(_start(item, stats, drawn))
    return [block for block in blocks if block.kind == "table" or block.lines or block.parts]


def _heading_levels(blocks: list[Block]) -> dict[tuple[float, bool, bool, str], int]:
    keys = {_heading_key(block.lines[0]) for block in blocks if block.kind == "heading"}
    ordered = sorted(keys, key=lambda key: (-key[0], key[2], not key[1], key[3]))
    return {key: level for level, key in enumerate(ordered, start=1)}


def _heading_key(line: Line) -> tuple[float, bool, bool, str]:
    size, family, bold, italic, _ = line.style
    return (size, bold, italic, family)


def _is_pipe_row(block: Block, joiner: Joiner) -> bool:
    """A paragraph reading "cell | cell": a table row as some renderers write it."""
    return block.kind == "paragraph" and _PIPE in block.text(joiner)


def _all_bold(block: Block) -> bool:
    return all(line.bold for line in block.lines)


def _run_end(blocks: list[Block], start: int, belongs: Callable[[Block], bool]) -> int:
    end = start
    while end < len(blocks) and belongs(blocks[end]):
        end += 1
    return end


def _pipe_table(group: list[Block], joiner: Joiner) -> list[list[str]] | None:
    """Rows of a table written as "cell | cell" lines, or None when ``group`` is not one."""
    if len(group) < 2 and not _all_bold(group[0]):
        return None  # one plain line with a pipe in it is a paragraph
    return [[cell.strip() for cell in block.text(joiner).split("|")] for block in group]


def _pipe_group_end(blocks: list[Block], start: int, joiner: Joiner) -> int:
    """End of the run of pipe rows at ``start``; a bold row after plain rows heads the next table."""
    end = _run_end(blocks, start, lambda block: _is_pipe_row(block, joiner))
    for cut in range(start + 1, end):
        if _all_bold(blocks[cut]) and not _all_bold(blocks[cut - 1]):
            return cut
    return end


def _document_title(blocks: list[Block], body_size: float) -> Block | None:
    """The document's title: its first block, a heading much larger than the body in a style of its own.

    Like a Word "Title", it is a heading whose section is itself, but no parent of what follows.
    """
    headings = [block for block in blocks if block.kind == "heading"]
    if not blocks or blocks[0].kind != "heading":
        return None
    first = blocks[0].lines[0]
    key = _heading_key(first)
    if first.size < TITLE_MIN_BODY * body_size:
        return None
    others = [block.lines[0] for block in headings[1:]]
    if any(_heading_key(line) == key or line.size > first.size for line in others):
        return None
    return blocks[0]


def _slide_titles(blocks: list[Block], pages: list[PageContent]) -> set[int]:
    """Ids of the headings that open a slide: in a deck (landscape pages, most opening with a heading)."""
    laid = [page for page in pages if page.lines]
    if len(laid) < 2 or any(page.width <= page.top - page.bottom for page in laid):
        return set()
    openers = blocks[:1] + [block for previous, block in itertools.pairwise(blocks) if block.page != previous.last_page]
    titles = {id(block) for block in openers if block.kind == "heading"}
    return titles if len(titles) >= SLIDE_TITLED_SHARE * len(laid) else set()


def _emit(blocks: list[Block], joiner: Joiner, collector: UnitCollector, pages: list[PageContent], body: float) -> None:
    """Turn blocks into units: heading path, lists from runs of items, tables from runs of rows.

    A slide's title starts the heading path afresh; the document's title is no parent.
    """
    levels = _heading_levels(blocks)
    slide_titles = _slide_titles(blocks, pages)
    title_block = None if slide_titles else _document_title(blocks, body)
    path: list[tuple[int, str]] = []
    position = 0
    while position < len(blocks):
        block = blocks[position]
        section = tuple(title for _, title in path)
        end = position + 1
        if block is title_block:
            title = block.text(joiner)
            collector.add(title, "heading", page=block.page, section=(title,))
        elif block.kind == "heading":
            title = block.text(joiner)
            level = 0 if id(block) in slide_titles else levels[_heading_key(block.lines[0])]
            while title and path and path[-1][0] >= level:
                path.pop()
            if title:
                path.append((level, title))
                collector.add(title, "heading", page=block.page, section=tuple(t for _, t in path))
        elif block.kind == "table" and block.table is not None:
            _add_table(collector, block.table.cells(joiner), block.page, section)
        elif block.kind == "item":
            end = _run_end(blocks, position, lambda other: other.kind == "item")
            items = [f"{item.marker} {item.text(joiner)}".strip() for item in blocks[position:end]]
            for piece in chunk_text("\n".join(items)):
                collector.add(piece, "list", page=block.page, section=section)
        elif block.kind == "raw":
            collector.add(block.parts[0], "paragraph", page=block.page, section=section)
        elif _is_pipe_row(block, joiner):
            cut = _pipe_group_end(blocks, position, joiner)
            rows = _pipe_table(blocks[position:cut], joiner)
            if rows is None:
                _add_paragraph(collector, block.text(joiner), block.page, section)
            else:
                _add_table(collector, rows, block.page, section)
                end = cut
        else:
            _add_paragraph(collector, block.text(joiner), block.page, section)
        position = end


def _add_table(collector: UnitCollector, rows: list[list[str]], page: int, section: tuple[str, ...]) -> None:
    text = "\n".join(_PIPE.join(row) for row in rows)
    collector.add(text, "table", page=page, section=section, rows=rows)


def _add_paragraph(collector: UnitCollector, text: str, page: int, section: tuple[str, ...]) -> None:
    for piece in chunk_text(text.strip()):
        collector.add(piece, "paragraph", page=page, section=section)


def layout_units(pages: list[PageContent], collector: UnitCollector) -> None:
    """Add the units of the laid-out ``pages`` (in order) to ``collector``."""
    grids = {page.number: find_grids(page.shapes.rules) for page in pages if page.lines}
    drop_running_lines(pages, lambda page, line: any(grid.holds(line) for grid in grids[page.number]))
    ruled = {page.number: ruled_tables(page.lines, grids[page.number]) for page in pages if page.lines}
    in_tables = {id(line) for found in ruled.values() for members, _ in found for line in members}
    lines = [line for page in pages for line in page.lines or []]
    # The body is the text outside tables (a document of wide tables may set them smaller), if any.
    outside = [line for line in lines if id(line) not in in_tables]
    body = body_stats(outside if sum(len(line.text) for line in outside) >= MIN_BODY_CHARS else lines)
    items = [
        find_tables(page.lines, body.right, body.is_heading, ruled[page.number]) if page.lines else [] for page in pages
    ]
    drawn = {
        index
        for page, page_items in zip(pages, items, strict=True)
        for index in bulleted_lines([item for item in page_items if isinstance(item, Line)], page.shapes.marks)
    }
    stats = layout_stats(body, pages, items)
    texts: list[str] = []
    for page_items in items:
        for item in page_items:
            if isinstance(item, Line):
                texts.append(item.text)
            else:
                texts.extend(segment.text for row in item.rows for cell in row.values() for segment in cell)
    joiner = Joiner(texts)
    _emit(_blocks(pages, items, stats, drawn), joiner, collector, pages, stats.body_size)
