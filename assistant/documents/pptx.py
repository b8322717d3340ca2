"""PowerPoint (.pptx) with python-pptx: slides in order, each one a section named by its title.

* A slide's title (its title placeholder) is a ``heading`` unit; it is the section of everything
  else on the slide: ``section=(title,)``. A slide without a (visible) title gets the section
  "Diapositive N" and no heading unit. Every unit carries its 1-based ``slide`` number (hidden
  slides counted, as PowerPoint numbers them), so locations read "diapo 3, § Budget".
* Shapes are read in z-order (the order of the slide's shape tree), group shapes recursively.
  In a text frame, consecutive bulleted or numbered paragraphs form one ``list`` unit, one item
  per line ("• item", "1. item"; nested levels indented by two spaces per level); the other
  paragraphs, up to an empty one, form one ``paragraph`` unit, one line each. Bullets are
  inherited the PowerPoint way: paragraph, the shape's list style, its layout and master
  placeholders, the master's text styles (content placeholders are bulleted, text boxes are not).
* A table is one ``table`` unit: ``rows`` holds the cell texts (a merged cell once) and the text
  renders each row as ``cell | cell``, as for Word.
* Speaker notes come after the slide's content, as one ``paragraph`` unit whose section is
  ``(title, "Notes de l'orateur")``.
* Dates, footers and slide numbers are not read; nor are charts, SmartArt diagrams, embedded
  objects and pictures.
* Hidden text (see ``pptx_visibility``: hidden slides, shapes hidden or off the slide, tiny,
  transparent or white-on-white runs) is left out of the units and reported in one
  ``hidden_text`` warning whose ``detail`` holds the text, so the review still sees instructions
  hidden there.

Limits: the package goes through the ZIP guards of ``ooxml`` (size once decompressed) before
python-pptx parses it; a deck of more than ``max_slides`` slides is ``too_many_slides`` (counted
from ``presentation.xml`` before the slides are parsed); slides stop being read once the text
passes ``max_chars`` (the loader then cuts and warns). A package python-pptx cannot open is
``corrupted``; a deck without readable text is ``no_text`` when it holds pictures, else ``empty``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pptx
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.presentation import Presentation
from pptx.shapes.base import BaseShape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.group import GroupShape
from pptx.slide import Slide, SlideMaster

from .docx_numbering import format_number
from .errors import CorruptedDocumentError, EmptyDocumentError, NoTextError, TooManySlidesError
from .hidden import hidden_warning
from .models import LoadedDocument, LoadLimits, UnitCollector, untitled_slide
from .ooxml import MAX_EXPANSION, check_expansion, read_member
from .pptx_visibility import (
    Box,
    Bullet,
    Palette,
    RunRules,
    TextStyles,
    Transform,
    XmlElement,
    all_text,
    background_kind,
    bullet_of,
    color_map_of,
    font_scale,
    hidden_shape,
    own_fill,
)
from .text import chunk_text, clean_text, render_rows

KIND = "fichier PowerPoint"
NOTES_TITLE = "Notes de l'orateur"
BULLET = "•"
HIDDEN_MESSAGE = (
    "La présentation contient du texte invisible (diapositive masquée, texte hors de la diapositive, "
    "masqué, blanc ou minuscule) : il n'est pas pris en compte ({slides})."
)
_DEFAULT_SIZE = (9_144_000, 6_858_000)  # 10 x 7.5 inches, python-pptx's default deck
_MAX_GROUP_DEPTH = 16
_MAX_HIDDEN_CHARS = 20_000  # enough for the warning's detail; a huge hidden slide is not kept whole
_MAX_LEVEL = 8
_MAX_LISTED_SLIDES = 10
_SKIPPED_PLACEHOLDERS = frozenset({"dt", "ftr", "sldNum", "hdr"})
_TITLE_PLACEHOLDERS = frozenset({"title", "ctrTitle"})
_MASTER_PLACEHOLDER = {"title": "title", "ctrTitle": "title", "dt": "dt", "ftr": "ftr", "sldNum": "sldNum"}
_NUMBER_SCHEME = re.compile(r"^(arabic|alphaLc|alphaUc|romanLc|romanUc)(Period|ParenR|ParenBoth|Plain)")
_NUMBER_FORMAT = {
    "arabic": "decimal",
    "alphaLc": "lowerLetter",
    "alphaUc": "upperLetter",
    "romanLc": "lowerRoman",
    "romanUc": "upperRoman",
}
_NUMBER_WRAP = {"Period": "{}.", "ParenR": "{})", "ParenBoth": "({})", "Plain": "{}"}


def load_pptx(data: bytes, *, name: str, limits: LoadLimits) -> LoadedDocument:
    check_expansion(data, name, limits, kind=KIND)
    declared = _declared_slides(data, limit=MAX_EXPANSION * limits.max_bytes)
    if declared is not None and declared > limits.max_slides:
        raise TooManySlidesError(name, slides=declared, limit=limits.max_slides)
    try:
        deck = pptx.Presentation(io.BytesIO(data))
    except Exception as error:
        raise CorruptedDocumentError(name, kind=KIND, detail=repr(error)) from error
    slides = list(deck.slides)
    if len(slides) > limits.max_slides:
        raise TooManySlidesError(name, slides=len(slides), limit=limits.max_slides)
    reader = _DeckReader(deck)
    for number, slide in enumerate(slides, start=1):
        if reader.collector.chars > limits.max_chars:
            break  # the loader cuts at max_chars and says so
        reader.slide(number, slide)
    if not reader.collector.units:
        if reader.pictures:
            raise NoTextError(name, detail="PPTX slides hold pictures but no text")
        raise EmptyDocumentError(name, detail=f"PPTX without text ({len(slides)} slides)")
    warning = hidden_warning(reader.hidden, message=HIDDEN_MESSAGE.format(slides=_slide_list(reader.hidden_slides)))
    return LoadedDocument.from_units(
        name=name, doc_type="pptx", units=reader.collector.units, warnings=[warning] if warning else []
    )


def _slide_list(numbers: set[int]) -> str:
    """The slides a warning names: "diapo 4, 7" (the first ones only when there are many)."""
    shown = sorted(numbers)
    more = "…" if len(shown) > _MAX_LISTED_SLIDES else ""
    return "diapo " + ", ".join(str(n) for n in shown[:_MAX_LISTED_SLIDES]) + more


def _declared_slides(data: bytes, *, limit: int) -> int | None:
    """The number of slides ``presentation.xml`` lists, read before python-pptx parses every slide."""
    blob = read_member(data, "ppt/presentation.xml", limit=limit)
    if blob is None:
        return None
    try:
        slide_list = parse_xml(blob).find(qn("p:sldIdLst"))
    except Exception:  # python-pptx reports the damaged package
        return None
    return 0 if slide_list is None else len(slide_list.findall(qn("p:sldId")))


def number_marker(bullet: Bullet, number: int) -> str:
    """The rendered number of an auto-numbered paragraph ("3.", "b)", "(iv)")."""
    match = _NUMBER_SCHEME.match(bullet.scheme)
    fmt, wrap = (match.group(1), match.group(2)) if match else ("arabic", "Period")
    return _NUMBER_WRAP[wrap].format(format_number(number, _NUMBER_FORMAT[fmt]))


def _placeholder(element: XmlElement) -> XmlElement | None:
    return element.find(f"*/{qn('p:nvPr')}/{qn('p:ph')}")


def _find_placeholder(root: XmlElement, *, idx: str | None = None, kind: str | None = None) -> XmlElement | None:
    for shape in root.iter(qn("p:sp")):
        ph = _placeholder(shape)
        if ph is None:
            continue
        if (idx is not None and ph.get("idx", "0") == idx) or (kind is not None and ph.get("type", "obj") == kind):
            return shape
    return None


def _list_style(shape: XmlElement | None) -> XmlElement | None:
    if shape is None:
        return None
    return shape.find(f"{qn('p:txBody')}/{qn('a:lstStyle')}")


@dataclass
class _SlideContext:
    number: int
    section: tuple[str, ...]
    palette: Palette
    layout: XmlElement
    master: XmlElement
    white_background: bool
    painted: list[Box | None] = field(default_factory=list)
    """Boxes of the filled shapes and pictures read so far (under the next ones); None: position unknown."""

    def painted_under(self, box: Box | None) -> bool:
        if box is None:
            return bool(self.painted)
        return any(other is None or other.overlaps(box) for other in self.painted)


class _DeckReader:
    def __init__(self, deck: Presentation) -> None:
        self.collector = UnitCollector()
        self.hidden: list[str] = []
        self.hidden_chars = 0
        self.hidden_slides: set[int] = set()
        self.pictures = False
        self.width = int(deck.slide_width or _DEFAULT_SIZE[0])
        self.height = int(deck.slide_height or _DEFAULT_SIZE[1])
        self.themes: dict[int, XmlElement | None] = {}

    # ---- slides -------------------------------------------------------------------------------------

    def slide(self, number: int, slide: Slide) -> None:
        element = slide.element
        if element.get("show") in ("0", "false"):
            self.hide(number, all_text(element), self.notes_text(slide))
            return
        layout = slide.slide_layout
        master = layout.slide_master
        palette = Palette.of(self.theme(master), color_map_of(master.element, layout.element, element))
        background = background_kind(palette, element, layout.element, master.element)
        context = _SlideContext(number, (), palette, layout.element, master.element, background != "painted")
        title_shape = slide.shapes.title
        title = self.title(title_shape, context) if title_shape is not None else ""
        context.section = (title,) if title else (untitled_slide(number),)
        if title:
            self.collector.add(title, "heading", slide=number, section=context.section)
        for shape in slide.shapes:
            if title_shape is not None and shape.element is title_shape.element:
                continue
            self.shape(shape, context, Transform(), 0)
        self.notes(slide, context)

    def theme(self, master: SlideMaster) -> XmlElement | None:
        key = id(master.part)
        if key not in self.themes:
            try:
                self.themes[key] = parse_xml(master.part.part_related_by(RT.THEME).blob)
            except Exception:  # no theme, or a damaged one: scheme colours stay unknown
                self.themes[key] = None
        return self.themes[key]

    def hide(self, number: int, *texts: str) -> None:
        for text in texts:
            if not text.strip():
                continue
            self.hidden_slides.add(number)
            if self.hidden_chars < _MAX_HIDDEN_CHARS:
                self.hidden.append(text)
                self.hidden_chars += len(text)

    # ---- shapes -------------------------------------------------------------------------------------

    def box(self, shape: BaseShape, transform: Transform) -> Box | None:
        try:  # a placeholder inherits its position from its layout, which may lack it
            return transform.box(shape.left, shape.top, shape.width, shape.height)
        except Exception:
            return None

    def place(self, shape: BaseShape, context: _SlideContext, transform: Transform) -> tuple[bool, Box | None]:
        """(shown, box on the slide); the text of a shape hidden or entirely off the slide goes to ``hidden``."""
        box = self.box(shape, transform)
        if hidden_shape(shape.element) or (box is not None and box.outside(self.width, self.height)):
            self.hide(context.number, all_text(shape.element))
            return False, box
        return True, box

    def white_backdrop(self, element: XmlElement, context: _SlideContext, box: Box | None) -> bool:
        """Only white behind this shape's text: no fill of its own, nothing painted under it, a white slide."""
        return (
            context.white_background
            and own_fill(element, context.palette) != "painted"
            and not context.painted_under(box)
        )

    def title(self, shape: BaseShape, context: _SlideContext) -> str:
        shown, box = self.place(shape, context, Transform())
        if not shown:
            return ""
        element = shape.element
        lines = self.shape_lines(element, context, box)
        return " ".join(" ".join(text.split()) for _, _, text in lines if text)

    def shape(self, shape: BaseShape, context: _SlideContext, transform: Transform, depth: int) -> None:
        shown, box = self.place(shape, context, transform)
        if not shown:
            return
        element = shape.element
        if isinstance(shape, GroupShape):
            if depth >= _MAX_GROUP_DEPTH:  # pathological nesting: the text, flat
                self.add_paragraph(all_text(element), context)
                return
            inner = transform.into_group(element)
            for child in shape.shapes:
                self.shape(child, context, inner, depth + 1)
            return
        ph = _placeholder(element)
        if ph is not None and ph.get("type") in _SKIPPED_PLACEHOLDERS:
            return
        if isinstance(shape, GraphicFrame) and shape.has_table:
            self.table(shape, context)
            context.painted.append(box)
            return
        if element.tag == qn("p:pic"):
            self.pictures = True
            context.painted.append(box)
            return
        if element.find(qn("p:txBody")) is not None:
            self.text_frame(element, context, box)
        if own_fill(element, context.palette) == "painted":
            context.painted.append(box)

    def styles(self, element: XmlElement, context: _SlideContext) -> TextStyles:
        """The list styles of a shape's text, nearest first."""
        sources = [_list_style(element)]
        text_styles = context.master.find(qn("p:txStyles"))
        ph = _placeholder(element)
        if ph is None:
            master_style = "p:otherStyle"
        else:
            kind = ph.get("type", "obj")
            layout_shape = _find_placeholder(context.layout, idx=ph.get("idx", "0"))
            if layout_shape is None:
                layout_shape = _find_placeholder(context.layout, kind=kind)
            sources.append(_list_style(layout_shape))
            sources.append(_list_style(_find_placeholder(context.master, kind=_MASTER_PLACEHOLDER.get(kind, "body"))))
            master_style = "p:titleStyle" if kind in _TITLE_PLACEHOLDERS else "p:bodyStyle"
        if text_styles is not None:
            sources.append(text_styles.find(qn(master_style)))
        return TextStyles(tuple(source for source in sources if source is not None))

    def shape_lines(
        self, element: XmlElement, context: _SlideContext, box: Box | None
    ) -> list[tuple[int, Bullet | None, str]]:
        return self.frame_lines(
            element, context, self.styles(element, context), self.white_backdrop(element, context, box)
        )

    def frame_lines(
        self, element: XmlElement, context: _SlideContext, styles: TextStyles, white: bool
    ) -> list[tuple[int, Bullet | None, str]]:
        """(level, bullet, visible text) of each paragraph of a shape's text; hidden runs go to ``hidden``.

        ``white``: the text lies on white only, so white text is hidden.
        """
        body = element.find(qn("p:txBody"))
        if body is None:
            body = element.find(qn("a:txBody"))  # table cells
        if body is None:
            return []
        rules = RunRules(context.palette, font_scale(body), white)
        lines: list[tuple[int, Bullet | None, str]] = []
        for paragraph in body.findall(qn("a:p")):
            level = _level(paragraph)
            inherited = styles.inherited(level)
            visible, hidden = _split_runs(paragraph, inherited, rules)
            self.hide(context.number, hidden)
            text = clean_text(visible).strip()
            lines.append((level, bullet_of(styles.own(paragraph) + inherited) if text else None, text))
        return lines

    def text_frame(self, element: XmlElement, context: _SlideContext, box: Box | None) -> None:
        items: list[str] = []
        paragraph: list[str] = []
        counters: dict[int, int] = {}

        def flush_items() -> None:
            if items:
                for piece in chunk_text("\n".join(items)):
                    self.collector.add(piece, "list", slide=context.number, section=context.section)
                items.clear()
                counters.clear()

        def flush_paragraph() -> None:
            if paragraph:
                self.add_paragraph("\n".join(paragraph), context)
                paragraph.clear()

        lines = self.shape_lines(element, context, box)
        for level, bullet, text in lines:
            if not text:
                flush_items()
                flush_paragraph()
            elif bullet is None:
                flush_items()
                paragraph.append(text)
            else:
                flush_paragraph()
                items.append("  " * level + f"{self.marker(bullet, level, counters)} {' '.join(text.split())}")
        flush_items()
        flush_paragraph()

    @staticmethod
    def marker(bullet: Bullet, level: int, counters: dict[int, int]) -> str:
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if bullet.kind == "char":
            counters.pop(level, None)
            return BULLET
        counters[level] = counters[level] + 1 if level in counters else bullet.start
        return number_marker(bullet, counters[level])

    def add_paragraph(self, text: str, context: _SlideContext, section: tuple[str, ...] | None = None) -> None:
        for piece in chunk_text(text):
            self.collector.add(piece, "paragraph", slide=context.number, section=section or context.section)

    def table(self, frame: GraphicFrame, context: _SlideContext) -> None:
        rows: list[list[str]] = []
        cell_styles = TextStyles(())
        for row in frame.table.rows:
            cells: list[str] = []
            for cell in row.cells:
                if cell.is_spanned:  # covered by a merged cell, counted once
                    continue
                # white text in a table is not judged: table styles fill their cells
                lines = self.frame_lines(cell._tc, context, cell_styles, white=False)
                cells.append("\n".join(text for _, _, text in lines if text))
            if any(cells):
                rows.append(cells)
        if rows:
            self.collector.add(render_rows(rows), "table", slide=context.number, section=context.section, rows=rows)

    # ---- notes --------------------------------------------------------------------------------------

    def notes_text(self, slide: Slide) -> str:
        if not slide.has_notes_slide:
            return ""
        placeholder = slide.notes_slide.notes_placeholder
        return all_text(placeholder.element) if placeholder is not None else ""

    def notes(self, slide: Slide, context: _SlideContext) -> None:
        if not slide.has_notes_slide:
            return
        placeholder = slide.notes_slide.notes_placeholder
        if placeholder is None:
            return
        element = placeholder.element
        if hidden_shape(element):
            self.hide(context.number, all_text(element))
            return
        # The notes page is white and nothing is drawn under the notes: white text there is hidden.
        lines = self.frame_lines(element, context, TextStyles(_own(element)), white=True)
        text = "\n".join(text for _, _, text in lines if text)
        if text:
            self.add_paragraph(text, context, (*context.section, NOTES_TITLE))


def _own(element: XmlElement) -> tuple[XmlElement, ...]:
    style = _list_style(element)
    return (style,) if style is not None else ()


def _level(paragraph: XmlElement) -> int:
    props = paragraph.find(qn("a:pPr"))
    try:
        level = int(props.get("lvl", "0")) if props is not None else 0
    except ValueError:
        level = 0
    return min(max(level, 0), _MAX_LEVEL)


def _split_runs(paragraph: XmlElement, props: list[XmlElement], rules: RunRules) -> tuple[str, str]:
    """(visible text, hidden text) of a paragraph, run by run; a line break is a newline."""
    visible: list[str] = []
    hidden: list[str] = []
    for child in paragraph:
        if child.tag == qn("a:br"):
            visible.append("\n")
            continue
        if child.tag not in (qn("a:r"), qn("a:fld")):
            continue
        node = child.find(qn("a:t"))
        text = (node.text or "") if node is not None else ""
        if text:
            (hidden if rules.hidden(child.find(qn("a:rPr")), props) else visible).append(text)
    return "".join(visible), "".join(hidden)
