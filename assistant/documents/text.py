"""Plain text: paragraphs split on blank lines, plus text helpers shared by parsers.

A block whose lines are all bullet items becomes a ``list`` unit. Any block
longer than :data:`MAX_UNIT_CHARS` (a 5 MB file with no newline, a huge
pasted paragraph) is cut into pieces of about that size, at a line break or
a space when there is one near the end, so a unit never explodes.
"""

from __future__ import annotations

import re
import unicodedata

from .models import LoadedDocument, UnitCollector, UnitKind

MAX_UNIT_CHARS = 2_000

_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BLANK_LINES = re.compile(r"\n(?:[ \t\v]*\n)+")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})
_BULLET = re.compile(r"^[ \t]*(?:[-*+•◦▪–·]|\d{1,3}[.)])[ \t]+\S")


def clean_text(text: str) -> str:
    """Normalise line ends and Unicode (NFC, no ligatures) and drop control characters.

    Form feeds (page breaks) become blank lines; tabs and newlines are kept.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _CONTROL_CHARS.sub("", text)
    return unicodedata.normalize("NFC", text.translate(_LIGATURES))


def split_blocks(text: str) -> list[str]:
    """Blocks separated by blank lines, without surrounding blank space."""
    blocks = (block.strip("\n").rstrip() for block in _BLANK_LINES.split(text))
    return [block for block in blocks if block.strip()]


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def is_list_block(lines: list[str]) -> bool:
    """Every line is a bullet item or an indented continuation of one."""
    if not lines or not is_bullet(lines[0]):
        return False
    return all(is_bullet(line) or line[:1] in (" ", "\t") for line in lines)


def chunk_text(text: str, size: int = MAX_UNIT_CHARS) -> list[str]:
    """Cut ``text`` into pieces of at most ``size`` characters.

    Cuts fall on the last line break in the second half of the window, else
    on the last space, else (one enormous word) exactly at ``size``.
    """
    if len(text) <= size:
        return [text]
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = window.rfind("\n")
        if cut < size // 2:
            cut = max(window.rfind(" "), window.rfind("\t"))
        if cut < size // 2:
            cut = size
        piece = text[start : start + cut].strip()
        if piece:
            pieces.append(piece)
        start += cut
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def render_rows(rows: list[list[str]]) -> str:
    """A table's text: one line per row, cells joined by " | " (whitespace inside a cell collapsed)."""
    return "\n".join(" | ".join(" ".join(cell.split()) for cell in row) for row in rows)


def add_block(collector: UnitCollector, block: str, section: tuple[str, ...] = ()) -> None:
    """Add a paragraph or list block, chunked if it is too long."""
    kind: UnitKind = "list" if is_list_block(block.split("\n")) else "paragraph"
    for piece in chunk_text(block):
        collector.add(piece, kind, section=section)


def load_text(text: str, *, name: str) -> LoadedDocument:
    """Build a plain-text document from already decoded ``text``."""
    collector = UnitCollector()
    for block in split_blocks(clean_text(text)):
        add_block(collector, block)
    return LoadedDocument.from_units(name=name, doc_type="text", units=collector.units)
