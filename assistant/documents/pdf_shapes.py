"""Vector shapes of a PDF page that carry structure: rules (table borders) and marks (list bullets).

Chromium (Skia) draws list bullets as small paths and table borders as thin filled rectangles;
LibreOffice and Word stroke table borders as lines. :class:`ShapeCollector` follows a page's
content stream in the text extraction's pass (pypdf's operator visitors, see
:class:`ShapeTracker`) and keeps, in page coordinates:

* **rules**: straight horizontal or vertical strokes, and filled rectangles at most
  :data:`MAX_RULE_WIDTH` thick, at least :data:`MIN_RULE_LENGTH` long;
* **marks**: small filled or stroked shapes (a disc, a circle, a square) between
  :data:`MIN_MARK` and :data:`MAX_MARK` wide and high, not much wider than high. A mark a little
  left of a line, level with its text and smaller than its letters, is the line's list bullet
  (:func:`bulleted_lines`).

Paths are read from ``m``/``l``/``c``/``v``/``y``/``h``/``re`` with the transformation matrix pypdf
hands over (a form XObject's operators are placed by the matrix at its ``Do``), and kept when
painted (``f``/``F``/``f*``/``B``/``B*``/``b``/``b*`` fill, ``S``/``s`` and the ``B`` family
stroke) in a colour that is not white. Curves count by their control points, enough for a box.
The work is bounded: points per path and shapes per page are capped, past which the rest of the
page's shapes are ignored.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from .pdf_hidden import PdfHiddenTracker
from .pdf_paint import compose
from .pdf_runs import Line

Point = tuple[float, float]

MAX_RULE_WIDTH = 2.0  # points: thicker than this is a filled area, not a rule
MIN_RULE_LENGTH = 2.0  # points
MIN_MARK = 1.0  # points
MAX_MARK = 12.0  # points
MAX_MARK_ASPECT = 2.0  # a mark is at most this many times wider than high (or higher than wide)
MAX_PATH_POINTS = 5_000
MAX_SHAPES = 20_000  # rules and marks kept per page
WHITE = 0.95  # every colour component at least this: white paint, invisible on the page
AXIS_TOLERANCE = 0.5  # points: a stroke this far from horizontal or vertical is still straight
# A bullet drawn before a line: its size, its distance to the text and the height of its middle above
# the baseline, in em of the line's text.
BULLET_MIN_EM, BULLET_MAX_EM = 0.12, 0.75
BULLET_MIN_GAP_EM, BULLET_MAX_GAP_EM = 0.1, 2.5
BULLET_LOW_EM, BULLET_HIGH_EM = -0.1, 0.75
MAX_BULLET_TESTS = 64  # marks looked at per line

_FILL = frozenset({b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"})
_STROKE = frozenset({b"S", b"s", b"B", b"B*", b"b", b"b*"})
_CLOSE_AND_PAINT = frozenset({b"s", b"b", b"b*"})
_FILL_COLOR = frozenset({b"g", b"rg", b"k", b"sc", b"scn"})
_STROKE_COLOR = frozenset({b"G", b"RG", b"K", b"SC", b"SCN"})


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal (``at`` is y) or vertical (``at`` is x) line from ``start`` to ``end``."""

    horizontal: bool
    at: float
    start: float
    end: float
    width: float


@dataclass(frozen=True, slots=True)
class Mark:
    """A small drawn shape: its box in page coordinates."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class PageShapes:
    rules: list[Rule] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rules) + len(self.marks)


@dataclass(slots=True)
class _State:
    fill_white: bool = False
    stroke_white: bool = False
    line_width: float = 1.0


def _numbers(args: Sequence[object]) -> list[float]:
    return [float(arg) for arg in args]  # type: ignore[arg-type]


def _is_white(args: Sequence[object]) -> bool | None:
    """Whether gray, RGB or CMYK components (by their count) make white; None for a pattern."""
    if args and isinstance(args[-1], str):
        return None
    values = _numbers(args)
    if len(values) in (1, 3):
        return min(values) >= WHITE
    if len(values) == 4:
        return max(values) <= 1 - WHITE
    return None


class ShapeCollector:
    """pypdf operator visitor (``before``, ``after``) that keeps a page's rules and marks."""

    def __init__(self) -> None:
        self.shapes = PageShapes()
        self._state = _State()
        self._saved: list[_State] = []
        self._forms: list[tuple[list[float] | None, _State, int]] = []
        self._base: list[float] | None = None
        self._subpaths: list[list[Point]] = []
        self._closed: list[bool] = []
        self._points = 0
        self._full = False

    def before(self, op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        if self._full:
            return
        with suppress(ArithmeticError, IndexError, TypeError, ValueError):
            self._operator(op, args, cm)

    def after(self, op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        if op == b"Do" and self._forms:
            self._base, self._state, saved = self._forms.pop()
            del self._saved[saved:]
            self._clear()

    def _operator(self, op: bytes, args: list[object], cm: list[float]) -> None:
        if op in (b"m", b"l", b"c", b"v", b"y", b"re", b"h"):
            self._path(op, args, cm)
        elif op in _FILL or op in _STROKE:
            self._paint(op, cm)
        elif op == b"n":
            self._clear()
        elif op == b"q":
            self._saved.append(_State(self._state.fill_white, self._state.stroke_white, self._state.line_width))
        elif op == b"Q":
            if self._saved:
                self._state = self._saved.pop()
        elif op == b"w":
            self._state.line_width = abs(float(args[0]))  # type: ignore[arg-type]
        elif op in _FILL_COLOR:
            white = _is_white(args)
            self._state.fill_white = bool(white)
        elif op in _STROKE_COLOR:
            white = _is_white(args)
            self._state.stroke_white = bool(white)
        elif op == b"Do":
            # pypdf reads a form's operators with matrices of their own, from the identity.
            state = _State(self._state.fill_white, self._state.stroke_white, self._state.line_width)
            self._forms.append((self._base, state, len(self._saved)))
            self._base = list(self._matrix(cm))
            self._clear()

    def _matrix(self, cm: Sequence[float]) -> Sequence[float]:
        return cm if self._base is None else compose(cm, self._base)

    def _path(self, op: bytes, args: list[object], cm: list[float]) -> None:
        if op == b"h":
            if self._closed:
                self._closed[-1] = True
            return
        m = self._matrix(cm)
        values = _numbers(args)
        if op == b"re":
            x, y, width, height = values[:4]
            corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
            if self._begin([(m[0] * cx + m[2] * cy + m[4], m[1] * cx + m[3] * cy + m[5]) for cx, cy in corners]):
                self._closed[-1] = True
            return
        points = [
            (m[0] * values[i] + m[2] * values[i + 1] + m[4], m[1] * values[i] + m[3] * values[i + 1] + m[5])
            for i in range(0, len(values) - 1, 2)
        ]
        if op == b"m" or not self._subpaths or self._closed[-1]:
            self._begin(points)
        elif self._count(len(points)):
            self._subpaths[-1].extend(points)

    def _count(self, points: int) -> bool:
        """Count ``points`` more in the current path; past the cap the path is dropped."""
        self._points += points
        if self._points > MAX_PATH_POINTS:
            self._subpaths, self._closed = [], []
            return False
        return True

    def _begin(self, points: list[Point]) -> bool:
        if not self._count(len(points)):
            return False
        self._subpaths.append(points)
        self._closed.append(False)
        return True

    def _clear(self) -> None:
        self._subpaths, self._closed, self._points = [], [], 0

    def _paint(self, op: bytes, cm: list[float]) -> None:
        fill = op in _FILL and not self._state.fill_white
        stroke = op in _STROKE and not self._state.stroke_white
        m = self._matrix(cm)
        width = self._state.line_width * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
        for points, closed in zip(self._subpaths, self._closed, strict=True):
            if fill:
                self._filled(points)
            if stroke:
                self._stroked(points, closed or op in _CLOSE_AND_PAINT, width)
        self._clear()

    def _filled(self, points: list[Point]) -> None:
        xs, ys = [x for x, _ in points], [y for _, y in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        width, height = x1 - x0, y1 - y0
        if height <= MAX_RULE_WIDTH and width >= MIN_RULE_LENGTH and width > height:
            self._add_rule(Rule(True, (y0 + y1) / 2, x0, x1, height))
        elif width <= MAX_RULE_WIDTH and height >= MIN_RULE_LENGTH and height > width:
            self._add_rule(Rule(False, (x0 + x1) / 2, y0, y1, width))
        else:
            self._add_mark(x0, y0, x1, y1)

    def _stroked(self, points: list[Point], closed: bool, width: float) -> None:
        if len(points) < 2:
            return
        if width <= MAX_RULE_WIDTH:
            ends = list(zip(points, points[1:] + points[:1] if closed else points[1:], strict=False))
            for (xa, ya), (xb, yb) in ends:
                if abs(ya - yb) <= AXIS_TOLERANCE and abs(xa - xb) >= MIN_RULE_LENGTH:
                    self._add_rule(Rule(True, (ya + yb) / 2, min(xa, xb), max(xa, xb), width))
                elif abs(xa - xb) <= AXIS_TOLERANCE and abs(ya - yb) >= MIN_RULE_LENGTH:
                    self._add_rule(Rule(False, (xa + xb) / 2, min(ya, yb), max(ya, yb), width))
        if closed or len(points) > 2:
            xs, ys = [x for x, _ in points], [y for _, y in points]
            half = width / 2
            self._add_mark(min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half)

    def _add_rule(self, rule: Rule) -> None:
        self.shapes.rules.append(rule)
        self._full = self.shapes.count >= MAX_SHAPES

    def _add_mark(self, x0: float, y0: float, x1: float, y1: float) -> None:
        width, height = x1 - x0, y1 - y0
        if not (MIN_MARK <= width <= MAX_MARK and MIN_MARK <= height <= MAX_MARK):
            return
        if max(width, height) > MAX_MARK_ASPECT * min(width, height):
            return
        self.shapes.marks.append(Mark(x0, y0, x1, y1))
        self._full = self.shapes.count >= MAX_SHAPES


class ShapeTracker(PdfHiddenTracker):
    """The hidden-text tracker of a page, collecting the page's shapes in the same pass."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # whatever the hidden-text tracker takes
        self.collector = ShapeCollector()

    @property
    def shapes(self) -> PageShapes:
        return self.collector.shapes

    def before(self, op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        self.collector.before(op, args, cm, tm)
        super().before(op, args, cm, tm)

    def after(self, op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        self.collector.after(op, args, cm, tm)
        super().after(op, args, cm, tm)


def bulleted_lines(lines: Sequence[Line], marks: Sequence[Mark]) -> set[int]:
    """Ids of the lines with a mark drawn at their left, level with their text: a list bullet."""
    found: set[int] = set()
    if not marks or not lines:
        return found
    ordered = sorted(marks, key=lambda mark: mark.y0 + mark.y1)
    middles = [(mark.y0 + mark.y1) / 2 for mark in ordered]
    for line in lines:
        size = line.size
        low = bisect.bisect_left(middles, line.y + BULLET_LOW_EM * size)
        high = bisect.bisect_right(middles, line.y + BULLET_HIGH_EM * size)
        for mark in ordered[low : min(high, low + MAX_BULLET_TESTS)]:
            gap = line.x0 - mark.x1
            if (
                BULLET_MIN_EM * size <= mark.width <= BULLET_MAX_EM * size
                and BULLET_MIN_EM * size <= mark.height <= BULLET_MAX_EM * size
                and BULLET_MIN_GAP_EM * size <= gap <= BULLET_MAX_GAP_EM * size
            ):
                found.add(id(line))
                break
    return found
