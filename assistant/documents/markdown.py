"""Markdown: heading paths, paragraphs, lists and pipe tables, front matter apart.

A small line-based reader, not a full CommonMark parser. It knows:

* YAML front matter (``---`` ... ``---`` or ``...`` at the very top): removed
  from the text and returned as ``metadata`` when it is a mapping. Anything
  else between two rules is left in the text; invalid YAML is left in the
  text too, with a ``front_matter_invalid`` warning.
* ATX headings (``#`` to ``######``) and setext headings (``===``/``---``
  under a paragraph); they set the heading path of the units that follow.
* Fenced code blocks: kept verbatim as one paragraph; a ``#`` inside them is
  not a heading.
* Pipe tables (a header row then a ``---|---`` rule): one ``table`` unit with
  its rows (the rule excluded) and a ``cell | cell`` rendering.
* Blocks made of bullet or numbered items: ``list`` units, one item per line.

Unit texts are what a reader of the rendered file sees (see ``inline``): inline
markup reduced to its text, soft-wrapped lines joined, bullets shown as "•".
A PDF or Word rendering of the same Markdown therefore yields the same text,
and quotes taken from it read as the candidate's words. Code blocks stay verbatim.
"""

from __future__ import annotations

import re

import yaml

from .inline import display_bullet, plain_inline
from .models import DocumentWarning, LoadedDocument, UnitCollector, UnitKind
from .text import add_block, chunk_text, clean_text, is_bullet, is_list_block

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MAX_FRONT_MATTER_CHARS = 64_000
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def split_front_matter(text: str) -> tuple[dict[str, object], str, list[DocumentWarning]]:
    """Return ``(metadata, body, warnings)``; ``text`` must use ``\\n`` line ends."""
    match = _FRONT_MATTER.match(text)
    if match is None or len(match.group(0)) > _MAX_FRONT_MATTER_CHARS:
        return {}, text, []
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        warning = DocumentWarning(
            code="front_matter_invalid",
            message="L'en-tête YAML (entre les lignes ---) est invalide : il est traité comme du texte ordinaire.",
            detail=str(error),
        )
        return {}, text, [warning]
    if data is None:
        return {}, text[match.end() :], []
    if not isinstance(data, dict):
        return {}, text, []
    metadata = {str(key): value for key, value in data.items()}
    return metadata, text[match.end() :], []


def table_cells(line: str) -> list[str]:
    """Cells of one pipe-table row (outer pipes optional, ``\\|`` escapes a pipe)."""
    line = line.strip().removeprefix("|")
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SEPARATOR.split(line)]


class _MarkdownReader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.collector = UnitCollector()
        self.path: list[tuple[int, str]] = []
        self.block: list[str] = []

    @property
    def section(self) -> tuple[str, ...]:
        return tuple(title for _, title in self.path)

    def flush(self) -> None:
        if self.block:
            kind: UnitKind = "list" if is_list_block(self.block) else "paragraph"
            lines = self.block
            text = _list_text(lines) if kind == "list" else " ".join(plain_inline(_unquote(line)) for line in lines)
            for piece in chunk_text(text.strip()):
                self.collector.add(piece, kind, section=self.section)
            self.block = []

    def heading(self, level: int, title: str) -> None:
        self.flush()
        title = plain_inline(title)
        if not title:
            return
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, title))
        self.collector.add(title, "heading", section=self.section)

    def read(self) -> UnitCollector:
        position = 0
        while position < len(self.lines):
            position = self.step(position)
        self.flush()
        return self.collector

    def step(self, position: int) -> int:
        """Consume one line (or one whole fenced block or table); return the next position."""
        line = self.lines[position]
        if not line.strip():
            if not is_list_block(self.block):
                self.flush()
            return position + 1  # a blank line inside a list keeps the list open (a loose list)
        ends_list = not (is_bullet(line) or line[:1] in (" ", "\t")) and not self.lines[position - 1].strip()
        if ends_list and is_list_block(self.block):
            self.flush()  # the list ended at the blank line before
        fence = _FENCE.match(line)
        if fence:
            return self.fenced(position, fence.group(1))
        atx = _ATX.match(line)
        if atx:
            title = _ATX_CLOSING.sub("", atx.group(2) or "")
            self.heading(len(atx.group(1)), title)
            return position + 1
        setext = _SETEXT.match(line)
        if setext and self.block and not is_list_block(self.block):
            title = " ".join(part.strip() for part in self.block)
            self.block = []
            self.heading(1 if setext.group(1).startswith("=") else 2, title)
            return position + 1
        if _THEMATIC_BREAK.match(line):
            self.flush()
            return position + 1
        if self.starts_table(position):
            return self.table(position)
        if self.block and is_bullet(line) and not is_list_block(self.block):
            self.flush()  # a list interrupts a paragraph
        self.block.append(line)
        return position + 1

    def fenced(self, position: int, marker: str) -> int:
        self.flush()
        end = position + 1
        while end < len(self.lines):
            closing = _FENCE.match(self.lines[end])
            if closing and closing.group(1)[0] == marker[0] and len(closing.group(1)) >= len(marker):
                break
            end += 1
        code = "\n".join(self.lines[position + 1 : end])
        add_block(self.collector, code, self.section)
        return end + 1

    def starts_table(self, position: int) -> bool:
        if position + 1 >= len(self.lines):
            return False
        rule = self.lines[position + 1]
        return "|" in self.lines[position] and "|" in rule and bool(_TABLE_RULE.match(rule))

    def table(self, position: int) -> int:
        self.flush()
        rows = [[plain_inline(cell) for cell in table_cells(self.lines[position])]]
        end = position + 2
        while end < len(self.lines) and self.lines[end].strip() and "|" in self.lines[end]:
            rows.append([plain_inline(cell) for cell in table_cells(self.lines[end])])
            end += 1
        text = "\n".join(" | ".join(row) for row in rows)
        self.collector.add(text, "table", section=self.section, rows=rows)
        return end


def _unquote(line: str) -> str:
    """A block-quote line without its ``>`` markers (the rendering shows an indented paragraph)."""
    return _QUOTE.sub("", line)


def _list_text(lines: list[str]) -> str:
    """One line per item, bullets shown as "•", an item's continuation lines joined to it."""
    items: list[str] = []
    for line in lines:
        if is_bullet(line) or not items:
            items.append(display_bullet(line))
        else:
            items[-1] = f"{items[-1]} {plain_inline(line)}".strip()
    return "\n".join(items)


def load_markdown(text: str, *, name: str) -> LoadedDocument:
    """Build a Markdown document from already decoded ``text``."""
    metadata, body, warnings = split_front_matter(clean_text(text).lstrip("\ufeff"))
    collector = _MarkdownReader(body.split("\n")).read()
    return LoadedDocument.from_units(
        name=name,
        doc_type="markdown",
        units=collector.units,
        warnings=warnings,
        metadata=metadata,
    )
