"""Positioned text runs of a PDF page, read with pypdf's text visitors, grouped into lines.

pypdf calls ``visitor_text`` with pieces of text as it flushes them, together with the text and
transformation matrices at the start of the piece and the font. From those we keep, per run: the
text, its start (x, baseline y), an advance width computed from the font's glyph widths, the
rendered size and the font's family and weight. Runs that the hidden-text tracker flags (white on
white, or tiny) are left out. Lines are runs on the same baseline, ordered by x; a line is cut into
*segments* where a wide horizontal gap separates runs (table cells, a list marker and its text).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from pypdf import PageObject

from .pdf_fonts import FontInfo, font_info
from .pdf_hidden import PdfHiddenTracker
from .pdf_paint import compose
from .text import clean_text

Color = tuple[float, float, float]
BLACK: Color = (0.0, 0.0, 0.0)

SEGMENT_GAP_EM = 0.7  # a gap wider than this (in em) between two runs separates segments
SPACE_GAP_EM = 0.15  # a gap wider than this between two runs stands for a space


@dataclass(frozen=True)
class Run:
    """A piece of text as pypdf handed it over, placed on the page (points, origin bottom left)."""

    text: str
    x: float
    y: float
    x_end: float
    """Where the last visible glyph ends (trailing spaces excluded)."""
    size: float
    font: FontInfo
    color: Color = BLACK

    @property
    def style(self) -> tuple[float, str, bool, bool, Color]:
        return (round(self.size * 2) / 2, self.font.family, self.font.bold, self.font.italic, self.color)


@dataclass
class Segment:
    """Runs of one line with no wide gap between them (a table cell's line, a list item's text)."""

    runs: list[Run]

    @property
    def x0(self) -> float:
        return self.runs[0].x

    @cached_property
    def x1(self) -> float:
        return max(run.x_end for run in self.runs)

    @cached_property
    def text(self) -> str:
        return join_runs(self.runs)


@dataclass
class Line:
    """Runs on one baseline of a page, cut into segments; built once, then only read."""

    page: int
    y: float
    segments: list[Segment]
    size: float
    style: tuple[float, str, bool, bool, Color]
    bold: bool
    """Every visible character is bold."""

    @cached_property
    def runs(self) -> list[Run]:
        return [run for segment in self.segments for run in segment.runs]

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    @cached_property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)

    def word_width(self, word: str) -> float:
        """Width of ``word`` set in this line's first font."""
        first = self.runs[0]
        return first.font.advance(word) * first.size


def broken_word(
    previous: Segment | Line, following: Segment | Line, left: float, right: float, may_glue: Callable[[str, str], bool]
) -> bool:
    """Was a word too long for the column (``left`` to ``right``) cut at the end of ``previous``?

    Layout engines cut such a word where the line is full, without a hyphen; ``may_glue`` says
    whether the two halves can be one word (see ``Joiner.may_glue``).
    """
    before, after = previous.text.split(), following.text.split()
    if not before or not after or not may_glue(before[-1], after[0]):
        return False
    last, first = previous.runs[-1], following.runs[0]
    full = previous.x1 + first.font.advance(after[0][0]) * first.size > right - 0.5
    return full and last.font.advance(before[-1] + after[0]) * last.size > right - left


def join_runs(runs: list[Run]) -> str:
    """Texts of runs ordered by x, with a space where the gap between two runs calls for one.

    A space left between a styled span and the period or comma that follows it ("**A** .", as
    some renderers write inline markup word by word) is dropped.
    """
    parts: list[str] = []
    previous: Run | None = None
    for run in runs:
        text = run.text
        if previous is not None and parts:
            if not parts[-1].endswith(" ") and not text.startswith(" "):
                if run.x - previous.x_end > SPACE_GAP_EM * run.size:
                    parts.append(" ")
            elif text.lstrip()[:1] in (".", ",") and previous.font.bold != run.font.bold:
                parts[-1] = parts[-1].rstrip()
                text = text.lstrip()
        parts.append(text)
        previous = run
    return " ".join("".join(parts).split())


class RunCollector:
    """pypdf visitors for one page: the hidden-text tracker runs first, visible runs are kept."""

    def __init__(self, tracker: PdfHiddenTracker) -> None:
        self.tracker = tracker
        self.runs: list[Run] = []
        self.skipped_chars = 0
        """Visible characters not set upright (rotated text): they cannot be laid out."""
        self.failed = False
        """A run could not be read: the page's layout is not trusted."""
        self._fonts: dict[int, FontInfo] = {}
        self._fills: dict[tuple[float, float], Color] = {}

    def before(self, op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        self.tracker.before(op, args, cm, tm)
        if op in (b"Tj", b"TJ", b"'", b'"'):
            try:
                m = compose(tm, cm)
                self._fills[(round(m[4], 1), round(m[5], 1))] = self.tracker.fill
            except (IndexError, TypeError):
                pass

    def text(self, text: str, cm: list[float], tm: list[float], font_dict: object, font_size: float) -> None:
        hidden = len(self.tracker.hidden)
        self.tracker.text(text, cm, tm, font_dict, font_size)
        if len(self.tracker.hidden) > hidden or not isinstance(text, str) or not text.strip() or font_dict is None:
            return
        try:
            self._add(text, compose(list(tm), list(cm)), font_dict, float(font_size))
        except Exception:  # a malformed operand must not cost the page its text
            self.failed = True

    def _add(self, text: str, m: list[float], font_dict: object, font_size: float) -> None:
        scale_x, scale_y = math.hypot(m[0], m[1]), math.hypot(m[2], m[3])
        if m[0] <= 0 or m[3] <= 0 or abs(m[1]) > 0.01 * scale_x or abs(m[2]) > 0.01 * scale_y:
            self.skipped_chars += len(text.strip())
            return
        font = self._fonts.get(id(font_dict))
        if font is None:
            font = self._fonts[id(font_dict)] = font_info(font_dict)
        size = abs(font_size) * scale_y
        color = self._fills.get((round(m[4], 1), round(m[5], 1)), self.tracker.fill)
        # Some producers hand over several lines at once: place them one line pitch apart.
        for number, piece in enumerate(text.split("\n")):
            if not piece.strip():
                continue
            y = m[5] - number * 1.2 * size
            x_end = m[4] + font.advance(piece.rstrip()) * abs(font_size) * scale_x
            self.runs.append(Run(clean_text(piece), m[4], y, x_end, size, font, color))

    def visitors(self) -> dict[str, Callable[..., None]]:
        return {
            "visitor_operand_before": self.before,
            "visitor_operand_after": self.tracker.after,
            "visitor_text": self.text,
        }


def extract_runs(page: PageObject, tracker: PdfHiddenTracker) -> tuple[str, RunCollector]:
    """The page's plain text (pypdf's own rendering) and the runs collected on the way."""
    collector = RunCollector(tracker)
    text = page.extract_text(**collector.visitors())  # type: ignore[arg-type]
    return text, collector


def build_lines(runs: list[Run], page: int) -> list[Line]:
    """Group runs into lines (same baseline), top to bottom; runs in a line are ordered by x."""
    groups: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (-r.y, r.x)):
        if groups:
            reference = max(groups[-1], key=lambda r: len(r.text))
            if abs(reference.y - run.y) <= 0.4 * max(reference.size, run.size):
                groups[-1].append(run)
                continue
        groups.append([run])
    return [_line(group, page) for group in groups]


def _dedupe(runs: list[Run]) -> list[Run]:
    """Drop a run drawn twice at the same place (fake bold, shadows)."""
    kept: list[Run] = []
    for run in runs:
        if not any(k.text == run.text and abs(k.x - run.x) < 1 and abs(k.y - run.y) < 1 for k in kept[-3:]):
            kept.append(run)
    return kept


def _line(runs: list[Run], page: int) -> Line:
    runs = _dedupe(sorted(runs, key=lambda r: r.x))
    segments: list[Segment] = [Segment([runs[0]])]
    for run in runs[1:]:
        previous = segments[-1].runs[-1]
        gap = run.x - previous.x_end
        if gap > SEGMENT_GAP_EM * max(run.size, previous.size) and run.text.strip():
            segments.append(Segment([run]))
        else:
            segments[-1].runs.append(run)
    weights: dict[tuple[float, str, bool, bool, Color], int] = {}
    bold_chars = visible = 0
    for run in runs:
        count = len("".join(run.text.split()))
        weights[run.style] = weights.get(run.style, 0) + count
        visible += count
        bold_chars += count if run.font.bold else 0
    style = max(weights, key=lambda key: weights[key])
    main = max(runs, key=lambda r: len(r.text.strip()))
    return Line(page, main.y, segments, style[0], style, bold=visible > 0 and bold_chars == visible)
