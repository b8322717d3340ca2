"""Structure as evidence: a draft's tables and lists judged whole against the attendus' shapes.

A budget is rarely one sentence: it is eight rows with amounts and a total. A prioritised backlog is
a list whose items carry a priority. Each table and list of the draft is a :class:`Block` that keeps
its rows or items and its location. An attendu with a ``shape`` (pack data, see
:class:`assistant.pack.Shape`) is matched against every block as a whole: how many lines it has,
which facets most lines hold (an amount, a date, an owner…) and which facets some line holds (a
total, a contingency). A table's header lends its facets to the column below it: a Gantt whose
header reads « S1 | S2 | S3 » dates every row that has a mark in those columns, a RACI whose header
names people gives every task its owners.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.pack import Shape
from assistant.pack.vocabulary import Vocabulary
from assistant.review.signals import Signals
from assistant.text.fold import fold

# "40 j × 350 €", "3 x 1 200", "12 mois * 49 €": a quantity times a rate.
PRODUCT = re.compile(r"\d+(?:[.,]\d+)?\s*[a-zé.]{0,6}\s*[x×*]\s*\d", re.IGNORECASE)
# Two or more capitalised words: « Julie Martin », « Paul D. » (a person named in a cell).
PERSON = re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿ]+(?:[- ][A-ZÀ-Ý][a-zà-ÿ]*\.?)+")
# A currency in a column header makes the numbers below it amounts.
CURRENCY = re.compile(r"€|\$|£|\b(?:k?eur|euros?|k€)\b", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d{1,3}(?:[\s\u202f\u00a0.]\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")
_MARKER = re.compile(r"^\s*(?:[-*+•◦▪–·]|\d{1,3}[.)])\s+")
_SEPARATOR = set("|-: ")


@dataclass
class Block:
    """One table or list of the draft, with its lines and where it sits."""

    unit: int
    """Index of the draft unit it comes from (quotes are verified against that unit)."""
    kind: str  # "table" | "list"
    location: str
    section: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    """Cells of each line after the header (a list item is a one-cell row)."""
    lines: list[str] = field(default_factory=list)
    """Each line as the unit's text prints it (what an excerpt quotes)."""
    header_line: str = ""

    @property
    def text(self) -> str:
        return "\n".join([self.header_line, *self.lines] if self.header_line else self.lines)

    @property
    def index_text(self) -> str:
        return f"{self.section}\n{self.text}" if self.section else self.text


def table_block(unit: int, rows: list[list[str]], location: str, section: str) -> Block | None:
    """A table unit's block: the first row is its header (a table of fewer than two rows is no block)."""
    rows = [[" ".join(cell.split()) for cell in row] for row in rows if any(cell.strip() for cell in row)]
    rows = [row for row in rows if not set(" ".join(row)) <= _SEPARATOR]
    if len(rows) < 2:
        return None
    printed = [" | ".join(row) for row in rows]
    return Block(unit, "table", location, section, rows[0], rows[1:], printed[1:], printed[0])


def list_block(unit: int, text: str, location: str, section: str) -> Block | None:
    """A list unit's block: one line per item (continuation lines stay with their item)."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return None
    return Block(unit, "list", location, section, [], [[_MARKER.sub("", line).strip()] for line in lines], lines)


@dataclass
class ShapeMatch:
    block: Block
    score: float
    """Share of the shape's requirements met (1.0: the block has the shape)."""
    missing: list[str]
    """Requirements not met: ``lines`` or facet names."""
    excerpt: list[str]
    """Lines to quote: the header (tables) and the lines that show the facets."""


def _numbers(cell: str) -> list[float]:
    out = []
    for match in _NUMBER.findall(cell):
        digits = re.sub(r"[\s\u202f\u00a0.]", "", match).replace(",", ".")
        try:
            out.append(float(digits))
        except ValueError:
            continue
    return out


class ShapeReader:
    """Facets of structure lines for one pack: the engine's detectors plus the pack's named terms."""

    def __init__(self, vocab: Vocabulary, signals: Signals, share: float) -> None:
        self.signals = signals
        self.share = share
        self.terms = {
            name: re.compile(rf"(?<![\w'])({'|'.join(fragments)})(?![\w'])", re.IGNORECASE)
            for name, fragments in vocab.shape_terms.items()
            if fragments
        }

    def has(self, facet: str, text: str) -> bool:
        if not text.strip():
            return False
        if facet in self.terms:
            return bool(self.terms[facet].search(fold(text).replace("’", "'")))
        if facet == "product":
            return bool(PRODUCT.search(text))
        if facet == "person":
            return bool(PERSON.search(text))
        return self.signals.has(facet, text)

    def line_facets(self, block: Block, facets: list[str]) -> list[set[str]]:
        """Facets each line holds, its own cells first, then those its header lends to its filled cells."""
        found: list[set[str]] = []
        header = block.header
        lent: dict[int, set[str]] = {}
        for col, cell in enumerate(header):
            lent[col] = {f for f in facets if f != "amount" and self.has(f, cell)}
            if CURRENCY.search(cell):
                lent[col].add("amount")
        for row in block.rows:
            own = {f for f in facets if any(self.has(f, cell) for cell in row) or self.has(f, " ".join(row))}
            for col, cell in enumerate(row):
                if not cell.strip() or col >= len(header):
                    continue
                for facet in lent.get(col, ()):
                    if facet != "amount" or _numbers(cell):
                        own.add(facet)
            found.append(own)
        if "total" in facets:
            for line in self._sum_lines(block):
                found[line].add("total")
        return found

    @staticmethod
    def _sum_lines(block: Block) -> list[int]:
        """Lines whose number in some column is the sum of the numbers above it (a total, however labelled)."""
        out: list[int] = []
        width = max((len(row) for row in block.rows), default=0)
        for col in range(width):
            values: list[float | None] = []
            for row in block.rows:
                numbers = _numbers(row[col]) if col < len(row) else []
                values.append(numbers[-1] if numbers else None)
            for line in range(2, len(values)):
                value = values[line]
                above = [v for v in values[:line] if v is not None]
                if value is None or len(above) < 2 or value <= 0:
                    continue
                total = sum(above)
                if abs(total - value) <= max(1.0, 0.005 * value):
                    out.append(line)
        return out

    def match(self, shape: Shape, block: Block) -> ShapeMatch:
        facets = list(dict.fromkeys(shape.facets))
        per_line = self.line_facets(block, facets)
        n = len(block.rows)
        met = [min(1.0, n / shape.lines)]
        missing = [] if n >= shape.lines else ["lines"]
        for facet in shape.each:
            share = sum(facet in f for f in per_line) / n if n else 0.0
            met.append(1.0 if share >= self.share else share / self.share * 0.5)
            if share < self.share:
                missing.append(facet)
        for facet in shape.some:
            ok = any(facet in f for f in per_line)
            met.append(1.0 if ok else 0.0)
            if not ok:
                missing.append(facet)
        score = sum(met) / len(met)
        if any(not any(facet in f for f in per_line) for facet in shape.each):
            score = min(score, 0.25)  # no line holds what every line should (a budget without one amount)
        return ShapeMatch(block, score, missing, self._excerpt(shape, block, per_line))

    @staticmethod
    def _excerpt(shape: Shape, block: Block, per_line: list[set[str]], keep: int = 4) -> list[str]:
        """The header and the lines that best show the shape, in the table's order (those with a `some` facet kept)."""
        chosen = {i for i, f in enumerate(per_line) if any(s in f for s in shape.some)}
        ranked = sorted(range(len(per_line)), key=lambda i: (-len(per_line[i] & set(shape.each)), i))
        for i in ranked:
            if len(chosen) >= keep:
                break
            chosen.add(i)
        lines = [block.lines[i] for i in sorted(chosen)]
        return [block.header_line, *lines] if block.header_line else lines
