"""Office drafts: build the files candidates really hand in from YAML specs, and their PDF exports.

Every spec ``evals/drafts/office/src/<name>.yaml`` (format: ``evals/drafts/office/SPEC.md``) becomes:

* ``format: docx``: ``<name>.docx`` written with python-docx the way Word users write (Title and
  Heading 1-3 styles, "List Bullet"/"List Number" paragraphs with numbering restarted per list,
  real "Table Grid" tables with a bold repeating header row, a "Caption" paragraph before a table,
  page breaks); ``<name>.lo.pdf``, that file exported by LibreOffice headless (Word/Writer's
  "Save as PDF"); ``<name>.chromium.pdf``, an HTML rendering of the same spec printed to PDF by
  Chromium (a Google Docs or browser export).
* ``format: pptx``: ``<name>.pptx`` written with python-pptx ("Title and Content" slides, bullets
  with levels, table graphic frames, grouped text boxes, speaker notes); ``<name>.pptx.pdf``, that
  deck exported by LibreOffice Impress.

``evals/drafts/office/labels.yaml`` is regenerated on every run: one entry per file present in
``evals/drafts/office/`` (the format of ``evals/drafts/labels.yaml`` plus ``format``, ``source``
and, when ``splits.yaml`` names the spec, ``split``).

The DOCX and PPTX files are deterministic (fixed core properties and zip timestamps). The PDFs get
fixed dates and document ids: Chromium's are then byte-identical from run to run; LibreOffice's
still differ in their embedded font subsets.

Usage (from the project root)::

    python -m evals.office_drafts [--only NAME ...] [--no-pdf] [--check | --check-only]

``--check`` (after building) or ``--check-only`` reads every file back (python-docx, python-pptx,
pypdf) and prints the agreement ratio (difflib) of its word sequence with the spec's: markup and
bullets ignored, list numbers expected in the PDFs only, speaker notes in the .pptx only. It exits
non-zero when a file is below 0.9. The PDFs' ratios stay a little under 1: table headers repeated
on each page, and cells read line by line across a row.
"""

from __future__ import annotations

import argparse
import difflib
import html
import io
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import pptx
import yaml
from docx.enum.text import WD_BREAK
from docx.shared import Emu as DocxEmu
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.presentation import Presentation as PptxPresentation
from pptx.shapes.autoshape import Shape as PptxShape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.group import GroupShape
from pptx.shapes.placeholder import TablePlaceholder
from pptx.slide import Slide
from pptx.table import Table as PptxTable
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from assistant.pack import load_pack
from assistant.pack.referentiel import Referentiel
from scripts.render_drafts import (
    AUTHOR,
    DocxWriter,
    MarkdownTable,
    Run,
    _fixed_zip,
    docx_text,
    inline_runs,
    pdf_text,
    plain_text,
    words,
)
from scripts.render_pdfs import FIXED_DATE, Block

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
DRAFTS_DIR = ROOT / "evals" / "drafts"
OFFICE_DIR = DRAFTS_DIR / "office"
SRC_DIR = OFFICE_DIR / "src"
SPLITS_FILE = OFFICE_DIR / "splits.yaml"
LABELS_PREFIX = "office"  # `file` and `source` in labels.yaml are relative to evals/drafts/

CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium, as the browser tests use
CHROMIUM_TIMEOUT_S = 120
SOFFICE_TIMEOUT_S = 120  # per file of a LibreOffice batch, plus the start-up below
SOFFICE_START_S = 60
CHECK_THRESHOLD = 0.9

FileFormat = Literal["docx", "lo-pdf", "chromium-pdf", "pptx", "pptx-pdf"]
SUFFIXES: dict[FileFormat, str] = {
    "docx": ".docx",
    "lo-pdf": ".lo.pdf",
    "chromium-pdf": ".chromium.pdf",
    "pptx": ".pptx",
    "pptx-pdf": ".pptx.pdf",
}
DOCX_FORMATS: tuple[FileFormat, ...] = ("docx", "lo-pdf", "chromium-pdf")
PPTX_FORMATS: tuple[FileFormat, ...] = ("pptx", "pptx-pdf")
PDF_TOOLS = ("libreoffice", "chromium")
LANG_TAGS = {"fr": "fr-FR", "en": "en-GB"}
# Character widths in em. DejaVu Sans / Serif stand in for Calibri / Cambria wherever those are not
# installed (CI), and are wider: about 0.55 em a character on average (0.62 bold), up to 0.66 in a
# word full of m and w (DejaVu Serif, regular). Line counts use the average; a word must fit whole,
# so it uses the upper end.
CHAR_EM = 0.6
WORD_EM, BOLD_WORD_EM = 0.68, 0.76
DOCX_TABLE_PT = (11, 10, 9)  # python-docx's default template: Cambria 11; smaller for wide tables
DOCX_CELL_PAD_PT = 14  # "Table Grid" cell margins (2 × 0.08 in) and a little slack


class SpecError(Exception):
    """A spec that cannot be built, with a message naming the file and the field."""


class BuildError(Exception):
    """A rendering tool missing or failing."""


# --- Spec model ----------------------------------------------------------------------------------

_MAPPING_HINT = "quote it: an unquoted ': ' inside a YAML item makes a mapping"


def _scalar_text(value: object) -> object:
    """YAML scalars as text: numbers become strings; mappings and booleans are spec mistakes."""
    if isinstance(value, bool):
        raise ValueError(f"got the boolean {value!r} (YAML reads yes/no/on/off/true/false as booleans): quote it")
    if isinstance(value, int | float):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, dict):
        raise ValueError(f"got a mapping {value!r}: {_MAPPING_HINT}")
    return value


Text = Annotated[str, BeforeValidator(_scalar_text)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListNode(_Model):
    """A list item and the items nested under it."""

    text: str
    children: tuple[ListNode, ...] = ()


def _list_nodes(value: object) -> tuple[ListNode, ...]:
    if not isinstance(value, list):
        raise ValueError(f"a list is expected, got {type(value).__name__}")
    nodes: list[ListNode] = []
    for position, item in enumerate(value):
        if isinstance(item, list):
            if not nodes:
                raise ValueError(f"item {position}: a nested list must follow the item it belongs to")
            last = nodes[-1]
            nodes[-1] = ListNode(text=last.text, children=last.children + _list_nodes(item))
            continue
        try:
            text = _scalar_text(item)
        except ValueError as exc:
            raise ValueError(f"item {position}: {exc}") from None
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"item {position}: an item is a non-empty string, got {item!r}")
        nodes.append(ListNode(text=text))
    if not nodes:
        raise ValueError("the list is empty")
    return tuple(nodes)


def _as_list_nodes(value: object) -> object:
    if isinstance(value, tuple) and all(isinstance(node, ListNode) for node in value):
        return value
    return _list_nodes(value)


ListItems = Annotated[tuple[ListNode, ...], BeforeValidator(_as_list_nodes)]


class TableSpec(_Model):
    caption: Text | None = None
    header: list[Text] = Field(min_length=1)
    rows: list[list[Text]] = Field(min_length=1)
    bold_last_row: bool = False

    @model_validator(mode="after")
    def _rows_fit_the_header(self) -> TableSpec:
        for number, row in enumerate(self.rows):
            if len(row) > len(self.header):
                raise ValueError(f"rows.{number} has {len(row)} cells, the header {len(self.header)}")
        return self

    @property
    def grid(self) -> list[list[str]]:
        """Header and rows, short rows padded with empty cells."""
        width = len(self.header)
        return [list(self.header), *([*row, *[""] * (width - len(row))] for row in self.rows)]


BLOCK_KEYS = ("h1", "h2", "h3", "p", "bullets", "numbered", "table", "page_break")


class BlockSpec(_Model):
    """One block of a docx spec: exactly one of its fields is set."""

    h1: Text | None = None
    h2: Text | None = None
    h3: Text | None = None
    p: Text | None = None
    bullets: ListItems | None = None
    numbered: ListItems | None = None
    table: TableSpec | None = None
    page_break: Literal[True] | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: object) -> object:
        if not isinstance(data, dict):
            raise ValueError(f"a block is a mapping with one key among {', '.join(BLOCK_KEYS)}; got {data!r}")
        if len(data) != 1:
            raise ValueError(f"a block has exactly one key among {', '.join(BLOCK_KEYS)}; got {sorted(data)}")
        return data

    @property
    def kind(self) -> str:
        return next(key for key in BLOCK_KEYS if getattr(self, key) is not None)


class SlideSpec(_Model):
    title: Text
    bullets: ListItems | None = None
    table: TableSpec | None = None
    group: list[Text] | None = Field(default=None, min_length=1)
    notes: Text | None = None


class Label(_Model):
    status: Literal["covered", "partial", "missing"]
    reason: str = Field(min_length=1)


class Spec(_Model):
    name: str
    evaluation: str
    kind: Literal["strong", "mixed", "weak", "stuffed"]
    style: Literal["tables", "slides", "prose", "bullets", "appendix", "mixed"]
    lang: Literal["fr", "en"]
    format: Literal["docx", "pptx"]
    what: str = Field(min_length=1)
    labels: dict[str, Label]
    blocks: list[BlockSpec] | None = Field(default=None, min_length=1)
    slides: list[SlideSpec] | None = Field(default=None, min_length=1)

    @field_validator("name")
    @classmethod
    def _name_is_the_stem(cls, value: str, info: ValidationInfo) -> str:
        stem = (info.context or {}).get("stem")
        if stem is not None and value != stem:
            raise ValueError(f"must be the file stem {stem!r}")
        return value

    @field_validator("evaluation")
    @classmethod
    def _known_evaluation(cls, value: str, info: ValidationInfo) -> str:
        ref: Referentiel | None = (info.context or {}).get("ref")
        if ref is not None and value not in ref.evaluation_keys:
            raise ValueError(f"unknown evaluation {value!r}; the pack has {', '.join(ref.evaluation_keys)}")
        return value

    @field_validator("labels")
    @classmethod
    def _labels_cover_the_criteria(cls, value: dict[str, Label], info: ValidationInfo) -> dict[str, Label]:
        ref: Referentiel | None = (info.context or {}).get("ref")
        evaluation = info.data.get("evaluation")
        if ref is None or evaluation is None:
            return value
        expected = [criterion.code for criterion in ref.criteria_of(evaluation)]
        missing = [code for code in expected if code not in value]
        extra = [code for code in value if code not in expected]
        if missing or extra:
            problems = ([f"missing {', '.join(missing)}"] if missing else []) + (
                [f"unknown {', '.join(extra)}"] if extra else []
            )
            raise ValueError(f"{evaluation} is labelled on exactly {', '.join(expected)}: {'; '.join(problems)}")
        return {code: value[code] for code in expected}  # référentiel order

    @model_validator(mode="after")
    def _content_matches_the_format(self) -> Spec:
        if self.format == "docx" and (self.blocks is None or self.slides is not None):
            raise ValueError("format: docx needs `blocks` (and no `slides`)")
        if self.format == "pptx":
            if self.slides is None or self.blocks is not None:
                raise ValueError("format: pptx needs `slides` (and no `blocks`)")
            if self.style != "slides":
                raise ValueError("format: pptx goes with style: slides")
        return self

    @property
    def formats(self) -> tuple[FileFormat, ...]:
        return DOCX_FORMATS if self.format == "docx" else PPTX_FORMATS

    @property
    def title(self) -> str:
        if self.blocks:
            for block in self.blocks:
                if block.h1 is not None:
                    return plain_text(block.h1)
        if self.slides:
            return plain_text(self.slides[0].title)
        return self.name


def _reference() -> Referentiel:
    return load_pack(CORPUS_DIR).ref


def _error_message(path: Path, error: ValidationError) -> str:
    lines = [f"{path}: {error.error_count()} problem(s)"]
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"  {where}: {message}")
    return "\n".join(lines)


def load_spec(path: Path, ref: Referentiel | None = None) -> Spec:
    """Read and validate one spec; raise SpecError naming the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot read the YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path}: a spec is a YAML mapping")
    try:
        return Spec.model_validate(data, context={"ref": ref or _reference(), "stem": path.stem})
    except ValidationError as exc:
        raise SpecError(_error_message(path, exc)) from None


def load_specs(src_dir: Path = SRC_DIR, ref: Referentiel | None = None) -> tuple[dict[str, Spec], dict[str, str]]:
    """Every spec of ``src_dir``: the valid ones, and an error message per invalid one (by stem)."""
    ref = ref or _reference()
    specs: dict[str, Spec] = {}
    errors: dict[str, str] = {}
    for path in sorted(src_dir.glob("*.yaml")):
        try:
            specs[path.stem] = load_spec(path, ref)
        except SpecError as exc:
            errors[path.stem] = str(exc)
    return specs, errors


def load_splits(path: Path = SPLITS_FILE) -> dict[str, str]:
    """``splits.yaml``: spec name -> tune | test (empty when the file does not exist)."""
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise SpecError(f"{path}: a mapping name -> tune | test is expected")
    bad = {name: split for name, split in data.items() if split not in ("tune", "test")}
    if bad:
        raise SpecError(f"{path}: splits are tune or test; got {bad}")
    return {str(name): str(split) for name, split in data.items()}


# --- Spec text -----------------------------------------------------------------------------------


def _walk(nodes: Sequence[ListNode], depth: int = 0) -> Iterator[tuple[int, int, ListNode]]:
    """(depth, position among its siblings, node) depth first."""
    for position, node in enumerate(nodes):
        yield depth, position, node
        yield from _walk(node.children, depth + 1)


def _table_texts(table: TableSpec) -> list[str]:
    return [*([table.caption] if table.caption else []), *(cell for row in table.grid for cell in row)]


def block_texts(block: BlockSpec, *, numbers: bool = False) -> list[str]:
    """The texts a block shows, in reading order (inline markup still in).

    ``numbers``: numbered items start with their number, as a PDF export prints it.
    """
    if block.table is not None:
        return _table_texts(block.table)
    items = block.numbered if block.numbered is not None else block.bullets
    numbered = numbers and block.numbered is not None
    if items is not None:
        return [f"{position + 1}. {node.text}" if numbered else node.text for _, position, node in _walk(items)]
    text = block.h1 or block.h2 or block.h3 or block.p
    return [text] if text else []


def slide_texts(slide: SlideSpec, *, notes: bool) -> list[str]:
    texts = [slide.title]
    if slide.bullets:
        texts += [node.text for _, _, node in _walk(slide.bullets)]
    if slide.table:
        texts += _table_texts(slide.table)
    texts += slide.group or []
    if notes and slide.notes:
        texts.append(slide.notes)
    return texts


def spec_words(spec: Spec, *, notes: bool = True, numbers: bool = False) -> list[str]:
    """The spec's word sequence, markup removed (speaker notes only when ``notes``, list numbers
    only when ``numbers``)."""
    texts: list[str] = []
    for block in spec.blocks or []:
        texts += block_texts(block, numbers=numbers)
    for slide in spec.slides or []:
        texts += slide_texts(slide, notes=notes)
    return compare_words("\n".join(plain_text(text) for text in texts))


def compare_words(text: str) -> list[str]:
    """Words for the read-back comparison: compatibility forms folded (PDF ligatures such as "ﬁ")."""
    return words(unicodedata.normalize("NFKC", text))


# --- Shared layout -------------------------------------------------------------------------------


def _column_needs(grid: Sequence[Sequence[str]], size_pt: float, pad: int) -> tuple[list[int], list[int]]:
    """Per column, the width (EMU) of its longest word (the least it can take without breaking a
    word) and of its longest cell on one line (the most it can use). The header row is bold."""
    columns = max(len(row) for row in grid)
    low, high = [], []
    for index in range(columns):
        longest_word = longest_cell = 0.0
        for number, row in enumerate(grid):
            text = plain_text(row[index]) if index < len(row) else ""
            em = BOLD_WORD_EM if number == 0 else WORD_EM
            longest_word = max(longest_word, *(len(word) * em for word in text.split()), 0.0)
            longest_cell = max(longest_cell, len(text) * CHAR_EM)
        low.append(int(Pt(longest_word * size_pt)) + pad)
        high.append(int(Pt(longest_cell * size_pt)) + pad)
    return low, high


def fits_without_breaking_words(grid: Sequence[Sequence[str]], total: int, size_pt: float, pad: int) -> bool:
    return sum(_column_needs(grid, size_pt, pad)[0]) <= total


def column_widths(grid: Sequence[Sequence[str]], total: int, size_pt: float, pad: int) -> list[int]:
    """Column widths (EMU) summing to ``total``, the way a browser lays out an automatic table.

    Every column gets at least its longest word when the table allows it; the room left goes to the
    columns whose cells want more, in proportion to what they want (``pad``: the cell margins).
    """
    low, high = _column_needs(grid, size_pt, pad)
    if sum(high) <= total:
        weights = [float(width) for width in high]
    elif sum(low) >= total:
        weights = [float(width) for width in low]
    else:
        room, wanted = total - sum(low), sum(h - lo for h, lo in zip(high, low, strict=True))
        weights = [lo + room * (h - lo) / wanted for h, lo in zip(high, low, strict=True)]
    widths = [int(total * weight / sum(weights)) for weight in weights]
    widths[-1] += total - sum(widths)
    return widths


# --- DOCX ----------------------------------------------------------------------------------------


class SpecDocxWriter(DocxWriter):
    """The Markdown drafts' Word writer (styles, numbering restarts, tables), fed from spec blocks."""

    def __init__(self, spec: Spec) -> None:
        super().__init__(title=spec.title, lang=LANG_TAGS[spec.lang])
        self._first = True

    def add_block(self, block: BlockSpec) -> None:
        first, self._first = self._first, False
        if block.h1 is not None and first:
            self._list_nums.clear()
            self._paragraph(block.h1, "Title")  # a document's first line: its title
            self._previous_table = False
        elif block.h1 is not None or block.h2 is not None or block.h3 is not None:
            level = 1 if block.h1 is not None else 2 if block.h2 is not None else 3
            self.add(Block("heading", block.h1 or block.h2 or block.h3 or "", level))
        elif block.p is not None:
            self.add(Block("paragraph", block.p))
        elif block.bullets is not None or block.numbered is not None:
            self._list_nums.clear()  # two lists in a row: the second restarts its numbering
            numbered = block.numbered is not None
            for depth, position, node in _walk(block.numbered or block.bullets or ()):
                self.add(Block("item", node.text, depth, f"{position + 1}." if numbered else "•"))
        elif block.table is not None:
            self._add_spec_table(block.table)
        elif block.page_break:
            self._list_nums.clear()
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # Ctrl+Enter
            self._previous_table = False

    def _add_spec_table(self, table: TableSpec) -> None:
        if table.caption:
            self._list_nums.clear()
            self._paragraph(table.caption, "Caption")  # Word's Insert Caption style
            self._previous_table = False
        grid = table.grid
        self.add(MarkdownTable(tuple(tuple(row) for row in grid), (True, *[False] * (len(grid) - 1))))
        word_table = self.document.tables[-1]
        section = self.document.sections[0]
        usable = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
        pad = int(Pt(DOCX_CELL_PAD_PT))
        # A table too wide for its words gets a smaller font, as Word users do, down to a limit.
        size = next((pt for pt in DOCX_TABLE_PT if fits_without_breaking_words(grid, usable, pt, pad)), None)
        widths = column_widths(grid, usable, size or DOCX_TABLE_PT[-1], pad)
        for column, width in zip(word_table.columns, widths, strict=True):
            column.width = DocxEmu(width)
            for cell in column.cells:
                cell.width = DocxEmu(width)
        last = len(word_table.rows) - 1
        for number, row in enumerate(word_table.rows):
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        if table.bold_last_row and number == last:
                            run.bold = True
                        if size != DOCX_TABLE_PT[0]:
                            run.font.size = Pt(size or DOCX_TABLE_PT[-1])


def render_docx(spec: Spec, out_path: Path) -> None:
    writer = SpecDocxWriter(spec)
    for block in spec.blocks or []:
        writer.add_block(block)
    writer.save(out_path)


# --- HTML (browser / Google Docs export) ---------------------------------------------------------

HTML_STYLE = """
@page { size: A4; margin: 20mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; color: #000; }
h1 { font-size: 20pt; margin: 0 0 10pt; }
h2 { font-size: 15pt; margin: 16pt 0 6pt; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; }
h1, h2, h3, .caption { break-after: avoid; }
p { margin: 0 0 6pt; }
ul, ol { margin: 0 0 6pt; padding-left: 22pt; }
li { margin: 0 0 2pt; }
.caption { font-style: italic; font-size: 9.5pt; margin: 8pt 0 3pt; }
table { border-collapse: collapse; width: 100%; margin: 0 0 10pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #000; padding: 3pt 5pt; text-align: left; vertical-align: top; }
th { font-weight: bold; background: #f2f2f2; }
tr.total td { font-weight: bold; }
""".strip()


def _html_runs(text: str) -> str:
    out: list[str] = []
    for run in inline_runs(text):
        piece = html.escape(run.text, quote=False)
        if run.code:
            piece = f"<code>{piece}</code>"
        if run.italic:
            piece = f"<em>{piece}</em>"
        if run.bold:
            piece = f"<strong>{piece}</strong>"
        out.append(piece)
    return "".join(out)


def _html_list(nodes: Sequence[ListNode], tag: str) -> str:
    items = []
    for node in nodes:
        nested = _html_list(node.children, tag) if node.children else ""
        items.append(f"<li>{_html_runs(node.text)}{nested}</li>")
    return f"<{tag}>{''.join(items)}</{tag}>"


def _html_table(table: TableSpec, attrs: str) -> str:
    grid = table.grid
    head = "".join(f"<th>{_html_runs(cell)}</th>" for cell in grid[0])
    body = []
    for number, row in enumerate(grid[1:], start=1):
        css = ' class="total"' if table.bold_last_row and number == len(grid) - 1 else ""
        body.append(f"<tr{css}>" + "".join(f"<td>{_html_runs(cell)}</td>" for cell in row) + "</tr>")
    caption = f'<p class="caption"{attrs}>{_html_runs(table.caption)}</p>' if table.caption else ""
    table_attrs = "" if caption else attrs
    return f"{caption}<table{table_attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(spec: Spec) -> str:
    """A standalone HTML page for the spec (escaped), as a browser or Google Docs would print it."""
    parts: list[str] = []
    page_break = False
    for block in spec.blocks or []:
        if block.page_break:
            page_break = bool(parts)  # a break before anything is no break
            continue
        attrs = ' style="break-before: page"' if page_break else ""
        page_break = False
        if block.h1 is not None or block.h2 is not None or block.h3 is not None:
            tag = "h1" if block.h1 is not None else "h2" if block.h2 is not None else "h3"
            parts.append(f"<{tag}{attrs}>{_html_runs(block.h1 or block.h2 or block.h3 or '')}</{tag}>")
        elif block.p is not None:
            parts.append(f"<p{attrs}>{_html_runs(block.p)}</p>")
        elif block.bullets is not None or block.numbered is not None:
            tag = "ol" if block.numbered is not None else "ul"
            listing = _html_list(block.numbered or block.bullets or (), tag)
            parts.append(listing.replace(f"<{tag}>", f"<{tag}{attrs}>", 1))
        elif block.table is not None:
            parts.append(_html_table(block.table, attrs))
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="{spec.lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(spec.title)}</title>\n<style>\n{HTML_STYLE}\n</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def chromium() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


def print_to_pdf(html_path: Path, out_path: Path) -> None:
    """Chromium headless print-to-PDF, with a private profile (safe to run next to other Chromiums)."""
    binary = chromium()
    if binary is None:
        raise BuildError(f"Chromium is not installed ({CHROMIUM}): apt-get install -y chromium")
    out_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="jb-chromium-") as profile:
        command = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            f"--user-data-dir={profile}", f"--print-to-pdf={out_path}", html_path.resolve().as_uri(),
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, timeout=CHROMIUM_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise BuildError(f"Chromium took more than {CHROMIUM_TIMEOUT_S} s on {html_path.name}") from exc
    if done.returncode != 0 or not out_path.is_file() or out_path.stat().st_size == 0:
        tail = done.stderr.decode(errors="replace")[-800:]
        raise BuildError(f"Chromium printed no PDF for {html_path.name} (exit {done.returncode}): {tail}")
    fix_pdf_metadata(out_path)


# --- PPTX ----------------------------------------------------------------------------------------

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)  # 16:9, PowerPoint's default
MARGIN = Inches(0.6)
TITLE_TOP, TITLE_H = Inches(0.35), Inches(1.1)
CONTENT_TOP, CONTENT_BOTTOM = Inches(1.6), Inches(7.05)
GAP = Inches(0.2)
PPTX_CELL_PAD = Inches(0.25)  # default cell margins (2 × 0.1 in) and a little slack
# Font sizes tried from large to small until the slide's content fits.
BULLET_PT = (20, 18, 16, 14, 12, 11)
TABLE_PT = (14, 13, 12, 11, 10, 9)
GROUP_PT = (16, 14, 13, 12, 11, 10)
GROUP_COLUMNS = 4
GROUP_MIN_H = Inches(0.9)
TITLE_PT = ((40, 40), (60, 32), (90, 28), (10**6, 24))  # (up to so many characters, font size)
BOX_LINE = RGBColor.from_string("2F5496")  # type: ignore[no-untyped-call]
BOX_FILL = RGBColor.from_string("EEF3FA")  # type: ignore[no-untyped-call]


def _lines(text: str, width: int, size: float) -> int:
    """Estimated wrapped line count of ``text`` in a box ``width`` EMU wide at ``size`` pt."""
    per_line = max(8, int(Emu(width).pt / (CHAR_EM * size)))
    return max(1, math.ceil(len(plain_text(text)) / per_line))


def _text_height(texts: Sequence[tuple[str, int]], width: int, size: float) -> int:
    """Height of paragraphs (text, indent level) in EMU."""
    lines = sum(_lines(text, width - Inches(0.4) * level, size) for text, level in texts)
    return int(Pt(size * 1.25 * lines + 6 * len(texts))) + Inches(0.2)


def _table_height(grid: Sequence[Sequence[str]], widths: Sequence[int], size: float) -> int:
    total = 0
    for row in grid:
        lines = max(_lines(cell, width - Inches(0.2), size) for cell, width in zip(row, widths, strict=True))
        total += int(Pt(size * 1.2 * lines)) + Inches(0.1)
    return total


@dataclass
class SlidePlan:
    """Font sizes and region heights of one slide's content (stacked: bullets, table, group)."""

    bullet_pt: int
    table_pt: int
    group_pt: int
    heights: dict[str, int] = field(default_factory=dict)
    table_widths: list[int] = field(default_factory=list)


def _slide_table_widths(grid: Sequence[Sequence[str]], size: int) -> list[int]:
    return column_widths(grid, SLIDE_W - 2 * MARGIN, size, int(PPTX_CELL_PAD))


def plan_slide(slide: SlideSpec) -> SlidePlan:
    width = SLIDE_W - 2 * MARGIN
    available = CONTENT_BOTTOM - CONTENT_TOP
    items = [(node.text, depth) for depth, _, node in _walk(slide.bullets or ())]
    grid = slide.table.grid if slide.table else []
    boxes = slide.group or []
    columns = min(len(boxes), GROUP_COLUMNS) or 1
    box_rows = math.ceil(len(boxes) / columns)
    plan = SlidePlan(BULLET_PT[-1], TABLE_PT[-1], GROUP_PT[-1])
    for bullet_pt, table_pt, group_pt in zip(BULLET_PT, TABLE_PT, GROUP_PT, strict=True):
        heights: dict[str, int] = {}
        widths = _slide_table_widths(grid, table_pt) if grid else []
        if items:
            heights["bullets"] = _text_height(items, width, bullet_pt)
        if grid:
            heights["table"] = _table_height(grid, widths, table_pt)
        if boxes:
            box_w = (width - GAP * (columns - 1)) // columns
            box_h = max(GROUP_MIN_H, *(_text_height([(box, 0)], box_w, group_pt) for box in boxes))
            heights["group"] = box_h * box_rows + GAP * (box_rows - 1)
        plan = SlidePlan(bullet_pt, table_pt, group_pt, heights, widths)
        if sum(heights.values()) + GAP * (len(heights) - 1) <= available:
            break
    return plan


def _fill_text_frame(frame: TextFrame, items: Sequence[tuple[str, int]], size: int) -> None:
    frame.word_wrap = True
    for number, (text, level) in enumerate(items):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()  # type: ignore[no-untyped-call]
        paragraph.level = level
        for run in inline_runs(text):
            _add_pptx_run(paragraph, run, size)


def _add_pptx_run(paragraph: Any, run: Run, size: int) -> None:
    added = paragraph.add_run()
    added.text = run.text
    added.font.size = Pt(size)
    if run.bold:
        added.font.bold = True
    if run.italic:
        added.font.italic = True


def _fill_table(table: PptxTable, spec: TableSpec, widths: Sequence[int], size: int) -> None:
    table.first_row = True  # header row
    grid = spec.grid
    for index, width in enumerate(widths):
        table.columns[index].width = Emu(width)
    for row_number, (row, cells) in enumerate(zip(table.rows, grid, strict=True)):
        bold = row_number == 0 or (spec.bold_last_row and row_number == len(grid) - 1)
        for cell, text in zip(row.cells, cells, strict=True):
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            paragraph = cell.text_frame.paragraphs[0]
            for run in inline_runs(text, bold=bold):
                _add_pptx_run(paragraph, run, size)


def _place(shape: Any, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


class DeckWriter:
    """python-pptx deck: one "Title and Content" slide per spec slide."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.deck: PptxPresentation = pptx.Presentation()
        self.deck.slide_width, self.deck.slide_height = SLIDE_W, SLIDE_H
        self.layout = next(layout for layout in self.deck.slide_layouts if layout.name == "Title and Content")
        props = self.deck.core_properties
        props.title = spec.title
        props.author = AUTHOR
        props.last_modified_by = AUTHOR
        props.language = LANG_TAGS[spec.lang]
        props.revision = 1
        naive = FIXED_DATE.replace(tzinfo=None)
        props.created = props.modified = props.last_printed = naive

    def add_slide(self, spec: SlideSpec) -> Slide:
        slide: Slide = self.deck.slides.add_slide(self.layout)
        width = SLIDE_W - 2 * MARGIN
        title = slide.shapes.title
        body = next(p for p in slide.placeholders if p.placeholder_format.idx == 1)
        assert title is not None
        _place(title, MARGIN, TITLE_TOP, width, TITLE_H)
        title.text_frame.text = plain_text(spec.title)
        title_pt = next((pt for limit, pt in TITLE_PT if len(title.text_frame.text) <= limit), TITLE_PT[-1][1])
        for paragraph in title.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(title_pt)
        title.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        plan = plan_slide(spec)
        top: int = CONTENT_TOP
        if spec.bullets:
            _place(body, MARGIN, top, width, plan.heights["bullets"])
            items = [(node.text, depth) for depth, _, node in _walk(spec.bullets)]
            _fill_text_frame(body.text_frame, items, plan.bullet_pt)
            body.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # PowerPoint's "shrink text on overflow"
            top += plan.heights["bullets"] + GAP
        if spec.table:
            grid = spec.table.grid
            height = plan.heights["table"]
            if spec.bullets:
                frame: GraphicFrame = slide.shapes.add_table(
                    len(grid), len(grid[0]), Emu(MARGIN), Emu(top), Emu(width), Emu(height)
                )
            else:  # the content placeholder's "Insert Table" button
                _place(body, MARGIN, top, width, height)
                # python-pptx offers insert_table() on table placeholders only; a content placeholder
                # takes a table the same way (the graphic frame inherits the placeholder's idx).
                placeholder = TablePlaceholder(body._element, body._parent)
                frame = placeholder.insert_table(len(grid), len(grid[0]))  # type: ignore[no-untyped-call]
            _fill_table(frame.table, spec.table, plan.table_widths, plan.table_pt)
            top += height + GAP
        elif not spec.bullets:
            body._element.getparent().remove(body._element)  # an empty placeholder is not content
        if spec.group:
            self._add_group(slide, spec.group, top, plan)
        if spec.notes:
            notes = [plain_text(line) for line in spec.notes.splitlines() if line.strip()]
            frame_of_notes = slide.notes_slide.notes_text_frame
            assert frame_of_notes is not None  # the default notes master has a body placeholder
            frame_of_notes.text = "\n".join(notes)
        return slide

    @staticmethod
    def _add_group(slide: Slide, texts: Sequence[str], top: int, plan: SlidePlan) -> GroupShape:
        width = SLIDE_W - 2 * MARGIN
        columns = min(len(texts), GROUP_COLUMNS)
        rows = math.ceil(len(texts) / columns)
        box_w = (width - GAP * (columns - 1)) // columns
        box_h = (plan.heights["group"] - GAP * (rows - 1)) // rows
        group = slide.shapes.add_group_shape()
        for number, text in enumerate(texts):
            row, column = divmod(number, columns)
            left, box_top = MARGIN + column * (box_w + GAP), top + row * (box_h + GAP)
            box: PptxShape = group.shapes.add_textbox(Emu(left), Emu(box_top), Emu(box_w), Emu(box_h))
            box.line.color.rgb = BOX_LINE
            box.fill.solid()
            box.fill.fore_color.rgb = BOX_FILL
            _fill_text_frame(box.text_frame, [(text, 0)], plan.group_pt)
            box.text_frame.auto_size = MSO_AUTO_SIZE.NONE  # same-size boxes, as drawn
            box.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        return group

    def save(self, out_path: Path) -> None:
        buffer = io.BytesIO()
        self.deck.save(buffer)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_bytes(_fixed_zip(buffer.getvalue()))


def render_pptx(spec: Spec, out_path: Path) -> None:
    writer = DeckWriter(spec)
    for slide in spec.slides or []:
        writer.add_slide(slide)
    writer.save(out_path)


# --- LibreOffice ---------------------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_has(module: Literal["writer", "impress"]) -> bool:
    """Whether LibreOffice is installed with Writer / Impress (Debian ships each as its own package)."""
    binary = soffice()
    if binary is None:
        return False
    registry = Path(binary).resolve().parent.parent / "share" / "registry"
    return not registry.is_dir() or (registry / f"{module}.xcd").is_file()  # unknown layout: assume so


def convert_with_libreoffice(files: Sequence[Path], targets: Sequence[Path]) -> None:
    """One LibreOffice run exports every file (Writer for .docx, Impress for .pptx) to its target PDF.

    A private profile keeps it apart from any other LibreOffice running at the same time.
    """
    if not files:
        return
    binary = soffice()
    modules: set[Literal["writer", "impress"]] = {"writer" if f.suffix == ".docx" else "impress" for f in files}
    absent = sorted(module for module in modules if not libreoffice_has(module))
    if binary is None or absent:
        names = absent or sorted(modules)
        packages = " ".join(f"libreoffice-{module}-nogui" for module in names)
        raise BuildError(
            f"LibreOffice ({', '.join(names)}) is not installed: apt-get install -y --no-install-recommends {packages}"
        )
    timeout = SOFFICE_START_S + SOFFICE_TIMEOUT_S * len(files)
    with tempfile.TemporaryDirectory(prefix="jb-soffice-") as work:
        profile, out_dir = Path(work) / "profile", Path(work) / "out"
        command = [
            binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(out_dir), *(str(f.resolve()) for f in files),
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise BuildError(f"LibreOffice took more than {timeout} s on {len(files)} file(s)") from exc
        missing = []
        for source, target in zip(files, targets, strict=True):
            produced = out_dir / f"{source.stem}.pdf"
            if not produced.is_file() or produced.stat().st_size == 0:
                missing.append(source.name)
                continue
            target.unlink(missing_ok=True)
            shutil.move(produced, target)
            fix_pdf_metadata(target)
        if missing:
            tail = (done.stdout + done.stderr).decode(errors="replace")[-800:]
            raise BuildError(f"LibreOffice produced no PDF for {', '.join(missing)} (exit {done.returncode}): {tail}")


# --- Reproducible PDFs ---------------------------------------------------------------------------

_PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((D:[^)]*)\)")
_PDF_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_XMP_DATE = re.compile(rb"<xmp:(CreateDate|ModifyDate|MetadataDate)>([^<]*)</xmp:\1>")
_FIXED_PDF_DATE = b"D:20000101000000Z"


def fix_pdf_metadata(path: Path) -> None:
    """Replace the export time and document id by fixed values of the same length (offsets unchanged)."""
    data = path.read_bytes()

    def date(match: re.Match[bytes]) -> bytes:
        old = match.group(2)
        new = (_FIXED_PDF_DATE + b"0" * len(old))[: len(old)] if len(old) >= 16 else old
        return match.group(0).replace(old, new)

    def identifier(match: re.Match[bytes]) -> bytes:
        first, second = match.group(1), match.group(2)
        return match.group(0).replace(first, b"0" * len(first)).replace(second, b"0" * len(second))

    def xmp(match: re.Match[bytes]) -> bytes:
        old = match.group(2)
        new = (b"2000-01-01T00:00:00" + b"0" * len(old))[: len(old)]
        return match.group(0).replace(old, new)

    fixed = _XMP_DATE.sub(xmp, _PDF_ID.sub(identifier, _PDF_DATE.sub(date, data)))
    if fixed != data:
        path.write_bytes(fixed)


# --- Build ---------------------------------------------------------------------------------------


def output_path(out_dir: Path, name: str, fmt: FileFormat) -> Path:
    return out_dir / f"{name}{SUFFIXES[fmt]}"


def build(
    specs: Sequence[Spec],
    out_dir: Path = OFFICE_DIR,
    *,
    pdf_tools: Collection[str] = PDF_TOOLS,
    log: Callable[[str], None] = print,
) -> dict[str, dict[FileFormat, Path]]:
    """Write every spec's files into ``out_dir``; returns name -> format -> path.

    ``pdf_tools`` picks the PDF exports ("libreoffice", "chromium"; empty: none). A PDF not exported
    now is deleted, so a file in ``out_dir`` is never older than its spec's DOCX or PPTX.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    produced: dict[str, dict[FileFormat, Path]] = {}
    to_convert: list[tuple[Path, Path, str]] = []
    to_print: list[tuple[Spec, Path]] = []
    for number, spec in enumerate(specs, start=1):
        started = time.perf_counter()
        files: dict[FileFormat, Path] = {}
        main_format: FileFormat = "docx" if spec.format == "docx" else "pptx"
        main_path = output_path(out_dir, spec.name, main_format)
        if spec.format == "docx":
            render_docx(spec, main_path)
        else:
            render_pptx(spec, main_path)
        files[main_format] = main_path
        log(f"[{number}/{len(specs)}] {main_path.name} ({time.perf_counter() - started:.2f} s)")
        pdf_format: FileFormat = "lo-pdf" if spec.format == "docx" else "pptx-pdf"
        if "libreoffice" in pdf_tools:
            target = output_path(out_dir, spec.name, pdf_format)
            to_convert.append((main_path, target, spec.name))
            files[pdf_format] = target
        else:
            output_path(out_dir, spec.name, pdf_format).unlink(missing_ok=True)
        if spec.format == "docx":
            target = output_path(out_dir, spec.name, "chromium-pdf")
            if "chromium" in pdf_tools:
                to_print.append((spec, target))
                files["chromium-pdf"] = target
            else:
                target.unlink(missing_ok=True)
        produced[spec.name] = files

    def run_libreoffice() -> None:
        if not to_convert:
            return
        started = time.perf_counter()
        convert_with_libreoffice([source for source, _, _ in to_convert], [target for _, target, _ in to_convert])
        elapsed = time.perf_counter() - started
        for _, target, _ in to_convert:
            log(f"  {target.name} (LibreOffice batch of {len(to_convert)}: {elapsed:.1f} s)")

    def run_chromium() -> None:
        with tempfile.TemporaryDirectory(prefix="jb-html-") as work:
            for spec, target in to_print:
                started = time.perf_counter()
                page = Path(work) / f"{spec.name}.html"
                page.write_text(render_html(spec), encoding="utf-8")
                print_to_pdf(page, target)
                log(f"  {target.name} ({time.perf_counter() - started:.1f} s)")

    # LibreOffice (one batch) and Chromium (one file at a time) run side by side.
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(run_libreoffice), pool.submit(run_chromium)]
        errors = [job.exception() for job in jobs]
    for error in errors:
        if error is not None:
            raise error
    return produced


def existing_files(spec: Spec, out_dir: Path) -> dict[FileFormat, Path]:
    return {fmt: path for fmt in spec.formats if (path := output_path(out_dir, spec.name, fmt)).is_file()}


def remove_orphans(out_dir: Path, names: Collection[str], log: Callable[[str], None] = print) -> None:
    """Delete built files whose spec is gone (only files with the builder's suffixes)."""
    for path in sorted(out_dir.iterdir()):
        if not path.is_file():
            continue
        for suffix in sorted(SUFFIXES.values(), key=len, reverse=True):
            if path.name.endswith(suffix):
                if path.name.removesuffix(suffix) not in names:
                    path.unlink()
                    log(f"removed {path.name} (no spec)")
                break


# --- labels.yaml ---------------------------------------------------------------------------------

LABELS_HEADER = """\
# GENERATED by `python -m evals.office_drafts` from evals/drafts/office/src/*.yaml: do not edit by hand;
# edit the specs (format: evals/drafts/office/SPEC.md) and re-run the builder to regenerate this file.
# One entry per built file; `file` and `source` are relative to evals/drafts/, `source` is the DOCX or
# PPTX a PDF was exported from (the Chromium PDF prints an HTML rendering of the same spec).
# status: covered | partial | missing, judged on what the draft shows (evals/drafts/README.md).
# split: tune | test, from evals/drafts/office/splits.yaml when it names the spec.
"""


def label_entries(
    specs: Sequence[Spec], out_dir: Path = OFFICE_DIR, splits: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """One labels.yaml entry per file of ``out_dir`` built from one of ``specs``."""
    entries: list[dict[str, Any]] = []
    for spec in sorted(specs, key=lambda s: s.name):
        main = f"{LABELS_PREFIX}/{spec.name}{SUFFIXES['docx' if spec.format == 'docx' else 'pptx']}"
        for fmt, path in existing_files(spec, out_dir).items():
            entry: dict[str, Any] = {
                "file": f"{LABELS_PREFIX}/{path.name}",
                "evaluation": spec.evaluation,
                "kind": spec.kind,
                "style": spec.style,
                "lang": spec.lang,
                "format": fmt,
            }
            if fmt not in ("docx", "pptx"):
                entry["source"] = main
            if splits and spec.name in splits:
                entry["split"] = splits[spec.name]
            entry["labels"] = {code: label.model_dump() for code, label in spec.labels.items()}
            entries.append(entry)
    return entries


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def dump_labels(entries: Sequence[Mapping[str, Any]]) -> str:
    """labels.yaml text in the style of evals/drafts/labels.yaml (one flow mapping per label)."""
    lines = [LABELS_HEADER.rstrip("\n")]
    for entry in entries:
        lines.append("")
        first = True
        for key, value in entry.items():
            prefix = "- " if first else "  "
            first = False
            if key == "labels":
                lines.append(f"{prefix}labels:")
                for code, label in value.items():
                    lines.append(f"    {code}: {{status: {label['status']}, reason: {_quoted(label['reason'])}}}")
            else:
                lines.append(f"{prefix}{key}: {value}")
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != (list(entries) or None):
        raise AssertionError("labels.yaml does not read back as the entries it was written from")
    return text


def write_labels(specs: Sequence[Spec], out_dir: Path = OFFICE_DIR, splits: Mapping[str, str] | None = None) -> Path:
    path = out_dir / "labels.yaml"
    path.write_text(dump_labels(label_entries(specs, out_dir, splits)), encoding="utf-8")
    return path


# --- Read-back check -----------------------------------------------------------------------------


def pptx_text(path: Path, *, notes: bool = True) -> str:
    """Text of a deck read back with python-pptx: per slide its shapes in order, tables, groups, notes."""

    def shape_texts(shape: Any) -> Iterator[str]:
        if isinstance(shape, GroupShape):
            for inner in shape.shapes:
                yield from shape_texts(inner)
        elif getattr(shape, "has_table", False):
            yield from (cell.text for row in shape.table.rows for cell in row.cells)
        elif getattr(shape, "has_text_frame", False):
            yield shape.text_frame.text

    parts: list[str] = []
    for slide in pptx.Presentation(str(path)).slides:
        for shape in slide.shapes:
            parts.extend(shape_texts(shape))
        if notes and slide.has_notes_slide:
            frame = slide.notes_slide.notes_text_frame
            if frame is not None:
                parts.append(frame.text)
    return "\n".join(parts)


def read_back_words(path: Path, fmt: FileFormat) -> list[str]:
    if fmt == "docx":
        return compare_words(docx_text(path))
    if fmt == "pptx":
        return compare_words(pptx_text(path))
    return compare_words(pdf_text(path))


def agreement(expected: Sequence[str], got: Sequence[str]) -> float:
    if not expected and not got:
        return 1.0
    return difflib.SequenceMatcher(None, expected, got, autojunk=False).ratio()


@dataclass(frozen=True)
class CheckResult:
    path: Path
    fmt: FileFormat
    ratio: float
    expected: int
    got: int


def check_files(spec: Spec, files: Mapping[FileFormat, Path]) -> list[CheckResult]:
    results = []
    for fmt, path in files.items():
        # The Impress PDF export shows the slides, not the speaker notes; the PDFs of a DOCX spec show
        # the list numbers Word or the browser generated.
        expected = spec_words(spec, notes=fmt != "pptx-pdf", numbers=fmt in ("lo-pdf", "chromium-pdf"))
        got = read_back_words(path, fmt)
        results.append(CheckResult(path, fmt, agreement(expected, got), len(expected), len(got)))
    return results


# --- Command line --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the office drafts (DOCX, PPTX and PDF exports) from specs.")
    parser.add_argument("--only", nargs="+", action="extend", metavar="NAME", help="build only these specs")
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice and Chromium PDF exports")
    parser.add_argument("--check", action="store_true", help="after building, read every file back")
    parser.add_argument("--check-only", action="store_true", help="read the files back without building")
    parser.add_argument("--src", type=Path, default=SRC_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--out-dir", type=Path, default=OFFICE_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    ref = _reference()
    specs, errors = load_specs(args.src, ref)
    known = set(specs) | set(errors)
    wanted = list(dict.fromkeys(args.only)) if args.only else sorted(known)
    unknown = [name for name in wanted if name not in known]
    if unknown:
        print(f"error: no spec named {', '.join(unknown)} in {args.src}", file=sys.stderr)
        return 2
    failed = [errors[name] for name in wanted if name in errors]
    for name in sorted(set(errors) - set(wanted)):
        print(f"warning: {name} is invalid and left out of labels.yaml:\n{errors[name]}", file=sys.stderr)
    if failed:
        print("\n".join(failed), file=sys.stderr)
        return 2
    try:
        splits = load_splits(args.out_dir / "splits.yaml")
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    selected = [specs[name] for name in wanted]

    if not args.check_only:
        started = time.perf_counter()
        try:
            build(selected, args.out_dir, pdf_tools=() if args.no_pdf else PDF_TOOLS)
        except BuildError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if not args.only:
            remove_orphans(args.out_dir, known)
        labels = write_labels(list(specs.values()), args.out_dir, splits)
        print(f"built {len(selected)} spec(s) in {time.perf_counter() - started:.1f} s; wrote {labels}")

    if args.check or args.check_only:
        low = 0
        for spec in selected:
            for result in check_files(spec, existing_files(spec, args.out_dir)):
                flag = "" if result.ratio >= CHECK_THRESHOLD else "  BELOW 0.9"
                low += result.ratio < CHECK_THRESHOLD
                print(f"check {result.path.name}: {result.ratio:.3f} ({result.got}/{result.expected} words){flag}")
        if low:
            print(f"{low} file(s) read back below {CHECK_THRESHOLD}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
