"""Word list numbering rendered as the reader sees it: "1.", "a)", "iii.", "•".

Word does not store a list item's number in its text: the paragraph (or its style) points to a
numbering instance (``numId``) and a level (``ilvl``); ``numbering.xml`` says how that level is
formatted (``numFmt``: decimal, lowerLetter, bullet...) and written (``lvlText``: "%1.", "%1.%2").
This module keeps one counter per instance and level, resets deeper levels when a shallower one
advances, and honours start values and ``startOverride``. Unknown formats fall back to decimal;
bullets are shown as "•" whatever glyph the font draws.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

BULLET = "•"
_PLACEHOLDER = re.compile(r"%([1-9])")
_MAX_STYLE_DEPTH = 8
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]  # fmt: skip


@dataclass(frozen=True)
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


def _int(element: object, name: str) -> int | None:
    child = element.find(qn(name)) if element is not None else None  # type: ignore[attr-defined]
    value = child.get(qn("w:val")) if child is not None else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _num_ref(element: object) -> tuple[str | None, int | None]:
    """(numId, ilvl) of a paragraph or style element's ``w:pPr/w:numPr``, each None when absent."""
    num_pr = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")  # type: ignore[attr-defined]
    if num_pr is None:
        return None, None
    num_id = num_pr.find(qn("w:numId"))
    return (str(num_id.get(qn("w:val"))) if num_id is not None else None), _int(num_pr, "w:ilvl")


def _roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def _letters(number: int) -> str:
    out = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def format_number(number: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(number)
    if fmt == "upperLetter":
        return _letters(number).upper()
    if fmt == "lowerRoman":
        return _roman(number)
    if fmt == "upperRoman":
        return _roman(number).upper()
    return str(number)


@dataclass
class NumberingRenderer:
    """Numbers list paragraphs in document order; create one per document."""

    levels: dict[str, dict[int, Level]] = field(default_factory=dict)
    """numId -> ilvl -> level definition."""
    starts: dict[str, dict[int, int]] = field(default_factory=dict)
    """numId -> ilvl -> startOverride."""
    style_numbering: dict[str, tuple[str, int]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Document) -> NumberingRenderer:
        renderer = cls()
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return renderer
        abstract: dict[str, dict[int, Level]] = {}
        for node in numbering.findall(qn("w:abstractNum")):
            levels: dict[int, Level] = {}
            for lvl in node.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                fmt_node, text_node = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
                levels[ilvl] = Level(
                    fmt=fmt_node.get(qn("w:val"), "decimal") if fmt_node is not None else "decimal",
                    text=text_node.get(qn("w:val"), "") if text_node is not None else f"%{ilvl + 1}.",
                    start=_int(lvl, "w:start") or 1,
                )
            abstract[str(node.get(qn("w:abstractNumId")))] = levels
        for num in numbering.findall(qn("w:num")):
            num_id = str(num.get(qn("w:numId")))
            ref = num.find(qn("w:abstractNumId"))
            renderer.levels[num_id] = abstract.get(str(ref.get(qn("w:val"))) if ref is not None else "", {})
            for override in num.findall(qn("w:lvlOverride")):
                start = _int(override, "w:startOverride")
                if start is not None:
                    renderer.starts.setdefault(num_id, {})[int(override.get(qn("w:ilvl"), "0"))] = start
        return renderer

    def _num_pr(self, paragraph: Paragraph) -> tuple[str, int] | None:
        num_id, ilvl = _num_ref(paragraph._p)
        if num_id is not None:
            return num_id, ilvl or 0
        style = paragraph.style
        for _ in range(_MAX_STYLE_DEPTH):  # numbering inherited from the style ("List Number")
            if style is None:
                break
            style_num, style_lvl = _num_ref(style.element)
            if style_num is not None:
                return style_num, ilvl if ilvl is not None else style_lvl or 0
            style = style.base_style
        return None

    def marker(self, paragraph: Paragraph) -> str | None:
        """The rendered marker of a numbered or bulleted paragraph ("1.", "a)", "•"), or None."""
        found = self._num_pr(paragraph)
        if found is None or found[0] == "0":  # numId 0 means "numbering removed"
            return None
        num_id, ilvl = found
        levels = self.levels.get(num_id, {})
        level = levels.get(ilvl, Level())
        if level.fmt == "none":
            return None
        if level.fmt == "bullet":
            return BULLET
        counts = self.counters.setdefault(num_id, {})
        start = self.starts.get(num_id, {}).get(ilvl, level.start)
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else start
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]

        def value(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lvl = levels.get(k, Level())
            number = counts.get(k, self.starts.get(num_id, {}).get(k, lvl.start))
            return format_number(number, lvl.fmt)

        return _PLACEHOLDER.sub(value, level.text).strip() or None
