"""What lies behind text on a PDF page: the areas painted before it, with their colour.

White text is hidden only where nothing but white lies behind it: on the bare page or on a white
fill. White text on a coloured table cell or banner (PowerPoint table headers, Word shading) is
visible. :class:`PagePaint` follows the page's content stream in the same pass as the text
extraction (pypdf's operator visitors) and keeps, in page coordinates, the areas painted so far:

* filled paths (``re``, ``m``/``l``/``h`` polygons, ``c``/``v``/``y`` curves flattened), painted by
  ``f``/``F``/``f*``/``B``/``B*``/``b``/``b*`` with the fill colour of the graphics state
  (``rg``/``g``/``k``/``sc``/``scn``, blended with white by the fill alpha ``ca`` of an
  ``ExtGState``), inside the clipping paths (``W``/``W*``) in force. ``q``/``Q`` save and restore
  the state, ``cm`` is read from pypdf, forms XObjects are placed with the matrix at their ``Do``;
* images, shadings (``sh``), pattern fills, colours of spaces that are not read (spot colours,
  indexed, Lab), fills under a soft mask and paint inside form XObjects (whose bounding box and
  matrix are not read): their colour is not known, so they count as white. They cover what was
  painted under them, and white text over them stays hidden, as it always was.

The backdrop at a point is the last painted area that covers it (none: the white page). Text lies
on a *painted* backdrop when two points of its first glyph, low and high in the em box, both have
a known, non-white backdrop: a thin rule or a cell border under a glyph is not enough.

Painted areas are indexed by a coarse grid, so that looking behind a glyph tests the few areas
near it (and the large ones). The work is bounded: path points, painted areas and area tests per
page are capped. Past a cap the page's backdrops count as unknown, and white text on the page is
hidden, as it always was. Only fill colours decide: strokes and text render modes are not followed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace

from pypdf.generic import PdfObject

from .hidden import WHITE_MIN

Color = tuple[float, float, float]
Point = tuple[float, float]

BLACK: Color = (0.0, 0.0, 0.0)
MAX_POINTS = 200_000  # path points kept per page (curves count their flattened points)
MAX_AREAS = 100_000  # painted areas per page
MAX_TESTS = 1_000_000  # area tests per page when looking behind text
GRID = 32.0  # points: side of the cells of the grid that indexes painted areas
MAX_AREA_CELLS = 12  # an area over more grid cells is on a short list tested at every point
MAX_CLIPS = 8  # nested clipping paths followed; past that, what is painted counts as unknown
MAX_SAVES = 4_096  # q nesting followed
CURVE_STEPS = 8  # segments per flattened Bézier curve
GLYPH_SAMPLES: tuple[Point, ...] = ((0.25, 0.15), (0.25, 0.6))
"""Points of the first glyph (in em, from its origin on the baseline) that must both lie on paint."""

_FILL_RULES: dict[bytes, bool] = {
    b"f": False,
    b"F": False,
    b"B": False,
    b"b": False,
    b"f*": True,
    b"B*": True,
    b"b*": True,
}
_NO_FILL = frozenset({b"S", b"s", b"n"})


def is_white(color: Color) -> bool:
    return min(color) >= WHITE_MIN


def compose(inner: Sequence[float], outer: Sequence[float]) -> list[float]:
    """The matrix that applies ``inner``, then ``outer`` (PDF row-vector convention)."""
    return [
        inner[0] * outer[0] + inner[1] * outer[2],
        inner[0] * outer[1] + inner[1] * outer[3],
        inner[2] * outer[0] + inner[3] * outer[2],
        inner[2] * outer[1] + inner[3] * outer[3],
        inner[4] * outer[0] + inner[5] * outer[2] + outer[4],
        inner[4] * outer[1] + inner[5] * outer[3] + outer[5],
    ]


def _apply(m: Sequence[float], x: float, y: float) -> Point:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


@dataclass(frozen=True, slots=True)
class Shape:
    """A filled or clipping area in page coordinates: closed polygons and a fill rule."""

    polygons: tuple[tuple[Point, ...], ...]
    even_odd: bool
    box: tuple[float, float, float, float]

    @classmethod
    def of(cls, polygons: Sequence[Sequence[Point]], *, even_odd: bool = False) -> Shape:
        kept = tuple(tuple(polygon) for polygon in polygons if len(polygon) >= 3)
        if not kept:
            return cls((), even_odd, (0.0, 0.0, -1.0, -1.0))  # covers nothing
        xs = [x for polygon in kept for x, _ in polygon]
        ys = [y for polygon in kept for _, y in polygon]
        return cls(kept, even_odd, (min(xs), min(ys), max(xs), max(ys)))

    def contains(self, x: float, y: float) -> bool:
        left, bottom, right, top = self.box
        if not (left <= x <= right and bottom <= y <= top):
            return False
        # A ray to the right: its crossings (even-odd rule) or their signed sum (nonzero rule).
        crossings = winding = 0
        for polygon in self.polygons:
            x1, y1 = polygon[-1]
            for x2, y2 in polygon:
                if (y1 <= y) != (y2 <= y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
                    winding += 1 if y2 > y1 else -1
                x1, y1 = x2, y2
        return crossings % 2 == 1 if self.even_odd else winding != 0


@dataclass(frozen=True, slots=True)
class Area:
    """Something painted on the page: a shape (None: all of the clipping area) inside clips."""

    shape: Shape | None
    clips: tuple[Shape, ...]
    painted: bool
    """Painted in a known colour that is not white."""

    @property
    def box(self) -> tuple[float, float, float, float] | None:
        """Where the area can be (left, bottom, right, top), None for anywhere."""
        boxes = [shape.box for shape in (self.shape, *self.clips) if shape is not None]
        if not boxes:
            return None
        return (
            max(box[0] for box in boxes),
            max(box[1] for box in boxes),
            min(box[2] for box in boxes),
            min(box[3] for box in boxes),
        )

    def covers(self, x: float, y: float) -> bool:
        if self.shape is not None and not self.shape.contains(x, y):
            return False
        return all(clip.contains(x, y) for clip in self.clips)


@dataclass(frozen=True, slots=True)
class GraphicsState:
    """The part of the PDF graphics state that decides colours and where paint lands."""

    fill: Color = BLACK
    """The last fill colour read (the text colour too)."""
    plain: bool = True
    """Fills are painted in that colour (not a pattern or a colour space that is not read)."""
    device: bool = True
    """The fill colour space reads like DeviceGray, DeviceRGB or DeviceCMYK (by component count)."""
    alpha: float = 1.0
    alpha_known: bool = True
    clips: tuple[Shape, ...] = ()
    clip_known: bool = True
    font_size: float = 0.0


@dataclass(frozen=True, slots=True)
class _Form:
    """What a ``Do`` saved: the graphics state, the form's placement, the operator count."""

    state: GraphicsState
    saved: int
    dropped: int
    base: list[float] | None
    ctm: list[float]
    operators: int


_DEVICE_SPACES = {
    "/DeviceGray": True,
    "/DeviceRGB": True,
    "/DeviceCMYK": True,
    "/G": True,
    "/RGB": True,
    "/CMYK": True,
    "/Pattern": False,
}
_DEVICE_LIKE_FAMILIES = frozenset({"/DeviceGray", "/DeviceRGB", "/DeviceCMYK", "/CalGray", "/CalRGB", "/ICCBased"})


def _resolve(value: object) -> object:
    return value.get_object() if isinstance(value, PdfObject) else value


def _resource(resources: Mapping[str, object] | None, key: str) -> Mapping[str, object]:
    """One category of a page's resources (empty when missing or malformed)."""
    value = _resolve(resources.get(key)) if resources is not None else None
    return value if isinstance(value, Mapping) else {}


def _device_like(space: object) -> bool:
    """Is a colour space resource read like a device space: gray, RGB or CMYK, by component count?

    ICC-based spaces are (their alternate is a device space of the same count); spot colours,
    indexed and Lab spaces are not.
    """
    if isinstance(space, str):
        return _DEVICE_SPACES.get(space, False)
    if isinstance(space, Sequence) and space:
        return str(_resolve(space[0])) in _DEVICE_LIKE_FAMILIES
    return False


def _cells(box: tuple[float, float, float, float]) -> list[tuple[int, int]] | None:
    """The grid cells a box overlaps, None when they are too many (or the box is not finite)."""
    if not all(math.isfinite(value) for value in box):
        return None
    left, bottom = math.floor(box[0] / GRID), math.floor(box[1] / GRID)
    right, top = math.floor(box[2] / GRID), math.floor(box[3] / GRID)
    if (right - left + 1) * (top - bottom + 1) > MAX_AREA_CELLS:
        return None
    return [(gx, gy) for gx in range(left, right + 1) for gy in range(bottom, top + 1)]


def _numbers(args: Sequence[object]) -> list[float]:
    return [float(arg) for arg in args]  # type: ignore[arg-type]


def _color(values: Sequence[float]) -> Color | None:
    """A fill colour from gray, RGB or CMYK components (by their count), None otherwise."""
    if len(values) == 1:
        return (values[0], values[0], values[0])
    if len(values) == 3:
        return (values[0], values[1], values[2])
    if len(values) == 4:
        c, m, y, k = values
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


class PagePaint:
    """pypdf operator visitors (``before``, ``after``) that track what is painted on one page.

    ``resources``: the page's ``/Resources``, to read the fill alpha of ``gs`` and the colour
    spaces of ``cs``.
    """

    def __init__(self, resources: Mapping[str, object] | None = None) -> None:
        self.state = GraphicsState()
        self.exhausted = False
        """A cap was reached: backdrops on this page are unknown."""
        self._graphics_states = _resource(resources, "/ExtGState")
        self._color_spaces = _resource(resources, "/ColorSpace")
        self._saved: list[GraphicsState] = []
        self._dropped = 0
        self._forms: list[_Form] = []
        self._base: list[float] | None = None
        self._path: list[list[Point]] = []
        self._open = False
        self._clip: bool | None = None
        self._areas: list[Area] = []
        self._grid: dict[tuple[int, int], list[int]] = {}
        """Grid cell -> indexes of the areas that may cover part of it, in painting order."""
        self._large: list[int] = []
        """Indexes of the areas over too many grid cells (or unbounded), in painting order."""
        self._points = 0
        self._tests = 0
        self._operators = 0

    # --- looking behind text ------------------------------------------------------------------

    def painted_behind(self, cm: Sequence[float], tm: Sequence[float], font_size: float) -> bool:
        """Does paint of a known, non-white colour lie behind the glyph drawn at ``tm`` x ``cm``?"""
        if self.exhausted or not self._areas:
            return False
        try:
            m = compose(tm, self._ctm(cm))
            size = abs(float(font_size))
            samples = [
                (m[4] + size * (dx * m[0] + dy * m[2]), m[5] + size * (dx * m[1] + dy * m[3]))
                for dx, dy in GLYPH_SAMPLES
            ]
        except (IndexError, TypeError, ValueError):
            return False
        return all(self._painted_at(x, y) for x, y in samples)

    def _painted_at(self, x: float, y: float) -> bool:
        """Is the last area painted over (x, y) of a known, non-white colour?"""
        if not (math.isfinite(x) and math.isfinite(y)):
            return False
        local = self._grid.get((math.floor(x / GRID), math.floor(y / GRID)), [])
        large = self._large
        i, j = len(local) - 1, len(large) - 1
        while i >= 0 or j >= 0:  # both lists, newest first
            if j < 0 or (i >= 0 and local[i] > large[j]):
                index, i = local[i], i - 1
            else:
                index, j = large[j], j - 1
            self._tests += 1
            if self._tests > MAX_TESTS:
                self.exhausted = True
                return False
            area = self._areas[index]
            if area.covers(x, y):
                return area.painted
        return False  # the bare page

    def _add_area(self, area: Area) -> None:
        if self.exhausted:
            return
        if len(self._areas) >= MAX_AREAS:
            self.exhausted = True
            return
        box = area.box
        if box is not None and (box[0] > box[2] or box[1] > box[3]):
            return  # clipped away, or no area at all
        index = len(self._areas)
        self._areas.append(area)
        cells = None if box is None else _cells(box)
        if cells is None:
            self._large.append(index)
            return
        for cell in cells:
            self._grid.setdefault(cell, []).append(index)

    # --- visitors -----------------------------------------------------------------------------

    def before(self, op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        self._operators += 1
        handler = _HANDLERS.get(op)
        if handler is None:
            if op in _FILL_RULES:
                self._paint(_FILL_RULES[op])
            elif op in _NO_FILL:
                self._end_path()
            return
        # Malformed operands: the operator is ignored, as viewers do.
        with suppress(ArithmeticError, IndexError, TypeError, ValueError):
            handler(self, args, cm)

    def after(self, op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        if op == b"Do" and self._forms:
            self._leave_form()

    # --- graphics state -----------------------------------------------------------------------

    def _save(self, args: list[object], cm: list[float]) -> None:
        if len(self._saved) < MAX_SAVES:
            self._saved.append(self.state)
        else:
            self._dropped += 1

    def _restore(self, args: list[object], cm: list[float]) -> None:
        if self._dropped:
            self._dropped -= 1
        elif self._saved:
            self.state = self._saved.pop()

    def _set_device_color(self, args: list[object], cm: list[float]) -> None:
        """``g``, ``rg``, ``k``: a colour in a device colour space."""
        color = _color(_numbers(args))
        if color is not None:
            self.state = replace(self.state, fill=color, plain=True, device=True)

    def _set_color(self, args: list[object], cm: list[float]) -> None:
        """``sc``, ``scn``: a colour in the current colour space (a pattern when a name comes last)."""
        color = None if not self.state.device or (args and isinstance(args[-1], str)) else _color(_numbers(args))
        if color is None:  # a pattern, a spot colour...: the text colour is left as it was
            self.state = replace(self.state, plain=False)
        else:
            self.state = replace(self.state, fill=color, plain=True)

    def _set_space(self, args: list[object], cm: list[float]) -> None:
        """``cs``: device-like spaces are read by component count; others (spot, indexed, Lab...) are not."""
        name = str(args[0])
        space = _DEVICE_SPACES.get(name)
        if space is None and self._base is None:  # inside a form, names refer to its own resources
            space = _device_like(_resolve(self._color_spaces.get(name)))
        self.state = replace(self.state, plain=False, device=bool(space))

    def _set_graphics_state(self, args: list[object], cm: list[float]) -> None:
        entry = None if self._base is not None else _resolve(self._graphics_states.get(str(args[0])))
        if not isinstance(entry, Mapping):  # not found, or inside a form (its own resources)
            self.state = replace(self.state, alpha_known=False)
            return
        alpha, mask = _resolve(entry.get("/ca")), _resolve(entry.get("/SMask"))
        if alpha is not None:
            self.state = replace(self.state, alpha=min(1.0, max(0.0, float(alpha))))  # type: ignore[arg-type]
        if mask is not None and mask != "/None":  # a soft mask may hide what is painted
            self.state = replace(self.state, alpha_known=False)

    def _set_font(self, args: list[object], cm: list[float]) -> None:
        self.state = replace(self.state, font_size=float(args[1]))  # type: ignore[arg-type]

    # --- paths --------------------------------------------------------------------------------

    def _ctm(self, cm: Sequence[float]) -> Sequence[float]:
        return cm if self._base is None else compose(cm, self._base)

    def _budget(self, count: int) -> bool:
        """Count ``count`` more path points; False (and the page's backdrops unknown) past the cap."""
        if self.exhausted:
            return False
        self._points += count
        if self._points > MAX_POINTS:
            self.exhausted = True
            self._path = []
            return False
        return True

    def _current(self) -> Point | None:
        """The current point: the end of the open subpath, or the start of the closed one."""
        if not self._path:
            return None
        return self._path[-1][-1] if self._open else self._path[-1][0]

    def _begin(self, points: list[Point]) -> None:
        if self._budget(len(points)):
            self._path.append(points)
            self._open = True

    def _extend(self, points: list[Point]) -> None:
        start = self._current()
        if start is None:
            self._begin(points)
        elif not self._open:  # a segment after h starts a new subpath where the closed one started
            self._begin([start, *points])
        elif self._budget(len(points)):
            self._path[-1].extend(points)

    def _move(self, args: list[object], cm: list[float]) -> None:
        x, y = _numbers(args[:2])
        self._begin([_apply(self._ctm(cm), x, y)])

    def _line(self, args: list[object], cm: list[float]) -> None:
        x, y = _numbers(args[:2])
        self._extend([_apply(self._ctm(cm), x, y)])

    def _curve(self, op: bytes, args: list[object], cm: list[float]) -> None:
        values = _numbers(args)
        m = self._ctm(cm)
        points = [_apply(m, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]
        current = self._current()
        start = current if current is not None else points[0]
        if op == b"c" and len(points) == 3:
            p1, p2, p3 = points
        elif op == b"v" and len(points) == 2:
            p1, p2, p3 = start, points[0], points[1]
        elif op == b"y" and len(points) == 2:
            p1, p2, p3 = points[0], points[1], points[1]
        else:
            return
        flat: list[Point] = [] if current is not None else [start]
        for step in range(1, CURVE_STEPS + 1):
            t = step / CURVE_STEPS
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
            flat.append(
                (
                    a * start[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * start[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
        self._extend(flat)

    def _close(self, args: list[object], cm: list[float]) -> None:
        self._open = False

    def _rectangle(self, args: list[object], cm: list[float]) -> None:
        x, y, width, height = _numbers(args[:4])
        m = self._ctm(cm)
        corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
        self._begin([_apply(m, cx, cy) for cx, cy in corners])
        self._open = False

    def _clip_path(self, even_odd: bool) -> None:
        self._clip = even_odd

    def _paint(self, even_odd: bool) -> None:
        shape = Shape.of(self._path, even_odd=even_odd)
        if shape.polygons and not self.exhausted:
            state = self.state
            color = tuple(1.0 - state.alpha * (1.0 - c) for c in state.fill)
            # Paint inside a form counts as unknown: its bounding box and matrix are not read.
            known = state.plain and state.alpha_known and state.clip_known and self._base is None
            painted = known and min(color) < WHITE_MIN
            self._add_area(Area(shape, state.clips, painted))
        self._end_path()

    def _end_path(self) -> None:
        if self._clip is not None:
            if len(self.state.clips) >= MAX_CLIPS or self.exhausted:
                self.state = replace(self.state, clip_known=False)
            else:
                clip = Shape.of(self._path, even_odd=self._clip)
                self.state = replace(self.state, clips=(*self.state.clips, clip))
        self._path, self._open, self._clip = [], False, None

    # --- images, shadings and forms -----------------------------------------------------------

    def _unknown(self, shape: Shape | None) -> None:
        """Paint of an unknown colour (image, shading): it counts as white."""
        self._add_area(Area(shape, self.state.clips, painted=False))

    def _shading(self, args: list[object], cm: list[float]) -> None:
        self._unknown(None)

    def _inline_image(self, args: list[object], cm: list[float]) -> None:
        self._unknown(self._unit_square(self._ctm(cm)))

    @staticmethod
    def _unit_square(m: Sequence[float]) -> Shape:
        return Shape.of([[_apply(m, 0, 0), _apply(m, 1, 0), _apply(m, 1, 1), _apply(m, 0, 1)]])

    def _enter_form(self, args: list[object], cm: list[float]) -> None:
        # pypdf reads a form's operators with its own matrices, starting from the identity:
        # they are placed on the page by the matrix at the Do (the form's /Matrix is not read).
        ctm = list(self._ctm(cm))
        form = _Form(self.state, len(self._saved), self._dropped, self._base, ctm, self._operators)
        self._forms.append(form)
        self._base = ctm
        self._path, self._open, self._clip = [], False, None

    def _leave_form(self) -> None:
        form = self._forms.pop()
        # A form's Do saves and restores the graphics state around its content.
        self.state, self._base, self._dropped = form.state, form.base, form.dropped
        del self._saved[form.saved :]
        self._path, self._open, self._clip = [], False, None
        if self._operators == form.operators:  # nothing read inside: an image
            self._unknown(self._unit_square(form.ctm))


def _curve_handler(op: bytes) -> Callable[[PagePaint, list[object], list[float]], None]:
    return lambda paint, args, cm: paint._curve(op, args, cm)


def _clip_handler(even_odd: bool) -> Callable[[PagePaint, list[object], list[float]], None]:
    return lambda paint, args, cm: paint._clip_path(even_odd)


_HANDLERS: dict[bytes, Callable[[PagePaint, list[object], list[float]], None]] = {
    b"q": PagePaint._save,
    b"Q": PagePaint._restore,
    b"rg": PagePaint._set_device_color,
    b"g": PagePaint._set_device_color,
    b"k": PagePaint._set_device_color,
    b"sc": PagePaint._set_color,
    b"scn": PagePaint._set_color,
    b"cs": PagePaint._set_space,
    b"gs": PagePaint._set_graphics_state,
    b"Tf": PagePaint._set_font,
    b"m": PagePaint._move,
    b"l": PagePaint._line,
    b"c": _curve_handler(b"c"),
    b"v": _curve_handler(b"v"),
    b"y": _curve_handler(b"y"),
    b"h": PagePaint._close,
    b"re": PagePaint._rectangle,
    b"W": _clip_handler(False),
    b"W*": _clip_handler(True),
    b"sh": PagePaint._shading,
    b"Do": PagePaint._enter_form,
    b"INLINE IMAGE": PagePaint._inline_image,
}
