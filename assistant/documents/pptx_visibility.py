"""What a PowerPoint reader sees: geometry, inherited text styles, colours; the rules behind hidden text.

Text a viewer of the slide show cannot see is hidden (see ``pptx``): a hidden slide, a shape hidden
in the selection pane or placed entirely off the slide, and runs that are unreadable:

* tiny: the effective font size (the run's, else the one its list level inherits, times the
  frame's shrink-to-fit scale) is at most :data:`~assistant.documents.hidden.TINY_PT` points;
* transparent: the text has no fill (and no outline), or a colour at most 10 % opaque;
* white on white: the text colour resolves to white (every component at or above
  :data:`~assistant.documents.hidden.WHITE_MIN`), the shape has no fill of its own (or a white
  one), no filled shape or picture lies under it, and the slide background resolves to white.

Colours are resolved only when that is cheap and certain: explicit RGB, system colours, and theme
colours through the master's colour map, without luminance modifiers. Anything else counts as
"not white", so that legitimate text is never dropped on a guess (white text on a dark theme, a
banner, a photo). Tables never count as white on white (their style fills cells).

Everything here works on the XML elements python-pptx exposes; lxml ships no type hints, so
elements are typed :data:`XmlElement`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pptx.oxml.ns import qn

from .hidden import TINY_PT, WHITE_MIN

XmlElement = Any
"""An lxml element (lxml has no type hints)."""

OPAQUE_MIN = 0.1  # text at most this opaque is transparent
FillKind = Literal["none", "white", "painted"]

_FILLS = frozenset(qn(f"a:{tag}") for tag in ("noFill", "solidFill", "gradFill", "blipFill", "pattFill", "grpFill"))
_COLOR_MODIFIERS_OK = frozenset({qn("a:alpha")})
_MAPPED = frozenset({"bg1", "tx1", "bg2", "tx2"})
_PRESET_WHITE = frozenset({"white", "snow", "ghostWhite", "ivory", "floralWhite", "whiteSmoke"})


# ---- geometry ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle in slide coordinates (EMU)."""

    left: float
    top: float
    right: float
    bottom: float

    def outside(self, width: int, height: int) -> bool:
        """Entirely off a slide of ``width`` x ``height`` (touching an edge from outside counts)."""
        return self.right <= 0 or self.bottom <= 0 or self.left >= width or self.top >= height

    def overlaps(self, other: Box) -> bool:
        horizontal = self.left < other.right and other.left < self.right
        return horizontal and self.top < other.bottom and other.top < self.bottom


@dataclass(frozen=True)
class Transform:
    """Maps a shape's own coordinates to slide coordinates (identity on the slide, scaled inside groups)."""

    sx: float = 1.0
    sy: float = 1.0
    dx: float = 0.0
    dy: float = 0.0

    def box(self, left: int | None, top: int | None, width: int | None, height: int | None) -> Box | None:
        if left is None or top is None or width is None or height is None:
            return None
        x0, y0 = self.sx * left + self.dx, self.sy * top + self.dy
        x1, y1 = self.sx * (left + width) + self.dx, self.sy * (top + height) + self.dy
        return Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    def into_group(self, group: XmlElement) -> Transform:
        """The transform of a group's children: ``off + (x - chOff) * ext / chExt``, then this one."""
        xfrm = group.find(f"{qn('p:grpSpPr')}/{qn('a:xfrm')}")
        if xfrm is None:
            return self
        off, ext = _pair(xfrm, "a:off", "x", "y"), _pair(xfrm, "a:ext", "cx", "cy")
        ch_off, ch_ext = _pair(xfrm, "a:chOff", "x", "y"), _pair(xfrm, "a:chExt", "cx", "cy")
        if off is None or ext is None or ch_off is None or ch_ext is None:
            return self
        kx = ext[0] / ch_ext[0] if ch_ext[0] else 1.0
        ky = ext[1] / ch_ext[1] if ch_ext[1] else 1.0
        return Transform(
            sx=self.sx * kx,
            sy=self.sy * ky,
            dx=self.sx * (off[0] - ch_off[0] * kx) + self.dx,
            dy=self.sy * (off[1] - ch_off[1] * ky) + self.dy,
        )


def _pair(parent: XmlElement, tag: str, first: str, second: str) -> tuple[float, float] | None:
    node = parent.find(qn(tag))
    if node is None:
        return None
    try:
        return float(node.get(first, "0")), float(node.get(second, "0"))
    except ValueError:
        return None


def hidden_shape(element: XmlElement) -> bool:
    """Hidden in the selection pane (``cNvPr hidden="1"``)."""
    props = element.find(f"*/{qn('p:cNvPr')}")
    return props is not None and props.get("hidden") in ("1", "true")


def all_text(element: XmlElement) -> str:
    """Every text run under ``element``, paragraph by paragraph (for the hidden-text detail)."""
    paragraphs = ("".join(t.text or "" for t in p.iter(qn("a:t"))) for p in element.iter(qn("a:p")))
    return " ".join(text for text in paragraphs if text.strip())


# ---- colours ----------------------------------------------------------------------------------------


def _hex_rgb(value: str | None) -> tuple[float, float, float] | None:
    if value is None or len(value) != 6:
        return None
    try:
        return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    except ValueError:
        return None


@dataclass
class Palette:
    """The scheme colours of one slide (its master's theme, through the effective colour map)."""

    scheme: dict[str, XmlElement] = field(default_factory=dict)
    """Theme colour name (dk1, lt1, accent1...) -> its colour element."""
    color_map: dict[str, str] = field(default_factory=dict)
    """bg1/tx1/bg2/tx2 -> theme colour name."""
    fill_styles: list[XmlElement] = field(default_factory=list)
    background_styles: list[XmlElement] = field(default_factory=list)

    @classmethod
    def of(cls, theme: XmlElement | None, color_map: dict[str, str]) -> Palette:
        if theme is None:
            return cls(color_map=color_map)
        scheme_node = theme.find(f"{qn('a:themeElements')}/{qn('a:clrScheme')}")
        scheme = {} if scheme_node is None else {child.tag.rsplit("}", 1)[-1]: child for child in scheme_node}
        formats = theme.find(f"{qn('a:themeElements')}/{qn('a:fmtScheme')}")
        fills = formats.find(qn("a:fillStyleLst")) if formats is not None else None
        backgrounds = formats.find(qn("a:bgFillStyleLst")) if formats is not None else None
        return cls(
            scheme={name: node[0] for name, node in scheme.items() if len(node)},
            color_map=color_map,
            fill_styles=list(fills) if fills is not None else [],
            background_styles=list(backgrounds) if backgrounds is not None else [],
        )

    def rgb(self, color: XmlElement, placeholder: XmlElement | None = None, depth: int = 0) -> tuple[float, ...] | None:
        """The RGB of a colour element (0..1), or None when it is not certain."""
        if depth > 3 or any(child.tag not in _COLOR_MODIFIERS_OK for child in color):
            return None
        tag = color.tag
        if tag == qn("a:srgbClr"):
            return _hex_rgb(color.get("val"))
        if tag == qn("a:sysClr"):
            return _hex_rgb(color.get("lastClr"))
        if tag == qn("a:prstClr"):
            return (1.0, 1.0, 1.0) if color.get("val") in _PRESET_WHITE else None
        if tag == qn("a:schemeClr"):
            name = str(color.get("val", ""))
            if name == "phClr":
                return self.rgb(placeholder, None, depth + 1) if placeholder is not None else None
            name = self.color_map.get(name, name) if name in _MAPPED else name
            target = self.scheme.get(name)
            return self.rgb(target, None, depth + 1) if target is not None else None
        return None

    def is_white(self, color: XmlElement | None, placeholder: XmlElement | None = None) -> bool:
        rgb = self.rgb(color, placeholder) if color is not None else None
        return rgb is not None and min(rgb) >= WHITE_MIN

    def fill_kind(self, fill: XmlElement, placeholder: XmlElement | None = None) -> FillKind:
        """A fill element (noFill, solidFill...) as none / white / painted."""
        if fill.tag in (qn("a:noFill"), qn("a:grpFill")):
            return "none"
        if fill.tag == qn("a:solidFill") and len(fill) and self.is_white(fill[0], placeholder):
            return "white"
        return "painted"

    def style_fill(self, ref: XmlElement) -> FillKind:
        """The fill a ``fillRef`` / ``bgRef`` points to in the theme (0: none, 1-999: fills, 1001+: backgrounds)."""
        try:
            idx = int(ref.get("idx", "0"))
        except ValueError:
            return "painted"
        if idx == 0:
            return "none"
        styles, position = (self.background_styles, idx - 1001) if idx >= 1001 else (self.fill_styles, idx - 1)
        if not 0 <= position < len(styles):
            return "painted"
        return self.fill_kind(styles[position], ref[0] if len(ref) else None)


def color_map_of(*elements: XmlElement) -> dict[str, str]:
    """The effective colour map: the master's ``p:clrMap``, overridden by a layout's or slide's ``clrMapOvr``."""
    mapping: dict[str, str] = {"bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2"}
    for element in elements:  # master first, slide last
        node = element.find(qn("p:clrMap"))
        if node is None:
            node = element.find(f"{qn('p:clrMapOvr')}/{qn('a:overrideClrMapping')}")
        if node is not None:
            mapping.update({key: str(value) for key, value in node.attrib.items() if key in _MAPPED})
    return mapping


def background_kind(palette: Palette, *elements: XmlElement) -> FillKind:
    """The background of a slide: the first ``p:bg`` of the slide, its layout, its master (none: white)."""
    for element in elements:  # slide first, master last
        bg = element.find(f"{qn('p:cSld')}/{qn('p:bg')}")
        if bg is None:
            continue
        props = bg.find(qn("p:bgPr"))
        if props is not None:
            fill = next((child for child in props if child.tag in _FILLS), None)
            return "none" if fill is None else palette.fill_kind(fill)
        ref = bg.find(qn("p:bgRef"))
        return palette.style_fill(ref) if ref is not None else "painted"
    return "none"


def own_fill(element: XmlElement, palette: Palette) -> FillKind:
    """The fill of a shape itself: its ``spPr`` fill, else its style's ``fillRef``; pictures are painted."""
    if element.tag in (qn("p:pic"), qn("p:graphicFrame")):
        return "painted"
    props = element.find(qn("p:spPr"))
    fill = next((child for child in props if child.tag in _FILLS), None) if props is not None else None
    if fill is not None:
        return palette.fill_kind(fill)
    ref = element.find(f"{qn('p:style')}/{qn('a:fillRef')}")
    return palette.style_fill(ref) if ref is not None else "none"


# ---- text styles and runs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TextStyles:
    """The list styles a text frame inherits, nearest first (its own ``lstStyle``, placeholders, master)."""

    sources: tuple[XmlElement, ...] = ()

    @staticmethod
    def own(paragraph: XmlElement) -> list[XmlElement]:
        """The paragraph's own properties (``a:pPr``), when it has some."""
        props = paragraph.find(qn("a:pPr"))
        return [props] if props is not None else []

    def inherited(self, level: int) -> list[XmlElement]:
        """The properties each style gives paragraphs of ``level`` (its ``lvlNpPr``), nearest first.

        Run defaults (font size, colour) are read from these only, not from a paragraph's own
        ``a:pPr/a:defRPr`` (defaults for text typed later): erring this way can only let hidden
        text through into the units, where the review still reads it, never hide readable text.
        """
        tag = qn(f"a:lvl{level + 1}pPr")
        return [node for source in self.sources if (node := source.find(tag)) is not None]


@dataclass(frozen=True)
class Bullet:
    """A paragraph's bullet: a glyph ("char") or an automatic number (``scheme`` such as "arabicPeriod")."""

    kind: Literal["char", "number"]
    scheme: str = ""
    start: int = 1


def bullet_of(props: list[XmlElement]) -> Bullet | None:
    """The bullet of a paragraph from its properties, nearest first (``buNone`` stops the search)."""
    for node in props:
        for child in node:
            if child.tag == qn("a:buNone"):
                return None
            if child.tag == qn("a:buAutoNum"):
                try:
                    start = int(child.get("startAt", "1"))
                except ValueError:
                    start = 1
                return Bullet("number", str(child.get("type", "arabicPeriod")), start)
            if child.tag in (qn("a:buChar"), qn("a:buBlip")):
                return Bullet("char")
    return None


@dataclass(frozen=True)
class RunRules:
    """How to judge the runs of one text frame."""

    palette: Palette
    font_scale: float = 1.0
    """Shrink-to-fit scale of the frame (``normAutofit fontScale``)."""
    white_backdrop: bool = False
    """Nothing but white behind the frame: white text there is invisible."""

    def hidden(self, run_props: XmlElement | None, level_props: list[XmlElement]) -> bool:
        """Is a run unreadable: tiny, transparent, or white on white? ``level_props``: its inherited styles."""
        chain = [run_props] if run_props is not None else []
        chain.extend(node for props in level_props if (node := props.find(qn("a:defRPr"))) is not None)
        size = next((node.get("sz") for node in chain if node.get("sz") is not None), None)
        try:
            if size is not None and int(size) / 100 * self.font_scale <= TINY_PT:
                return True
        except ValueError:
            pass
        for node in chain:
            fill = next((child for child in node if child.tag in _FILLS), None)
            if fill is not None:
                return self._invisible_fill(node, fill)
        return False

    def _invisible_fill(self, run_props: XmlElement, fill: XmlElement) -> bool:
        if fill.tag == qn("a:noFill"):
            outline = run_props.find(qn("a:ln"))
            return outline is None or outline.find(qn("a:noFill")) is not None or not len(outline)
        if fill.tag != qn("a:solidFill") or not len(fill):
            return False
        color = fill[0]
        alpha = color.find(qn("a:alpha"))
        try:
            if alpha is not None and int(alpha.get("val", "100000")) / 100_000 <= OPAQUE_MIN:
                return True
        except ValueError:
            pass
        return self.white_backdrop and self.palette.is_white(color)


def font_scale(body: XmlElement) -> float:
    """The shrink-to-fit scale of a ``txBody`` (1.0 when the text is not shrunk)."""
    autofit = body.find(f"{qn('a:bodyPr')}/{qn('a:normAutofit')}")
    if autofit is None:
        return 1.0
    try:
        return int(autofit.get("fontScale", "100000")) / 100_000
    except ValueError:
        return 1.0
