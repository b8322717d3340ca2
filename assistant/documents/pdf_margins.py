"""Pages as laid-out lines, and the running lines of their margins (headers, footers, page numbers).

A line near the top or bottom edge of the page, set apart from the text by a gap, is dropped when
the same text (digits aside) comes back at the same height on at least half of the pages, or when
it is the outermost line of the page and reads like a page number ("3", "- 3 -", "Page 3 / 7",
"3/7"), in body size or smaller. Lines inside a table drawn with borders are never dropped.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from .pdf_runs import Line
from .pdf_shapes import PageShapes
from .pdf_words import is_page_number

MARGIN_SHARE = 0.12  # top and bottom bands, as a share of the page height
MAX_CANDIDATES = 2  # lines looked at in each band, from the edge inwards
SAME_PLACE = 6.0  # points: a running line comes back at (almost) the same height
SET_APART_EM = 1.6  # a running line is further than this from the text (in em of the text)
_DIGITS = re.compile(r"\d+")


@dataclass
class PageContent:
    number: int
    text: str
    """Plain visible text of the page (the fallback when its layout cannot be read)."""
    lines: list[Line] | None
    """Lines top to bottom, or None when the page's layout could not be recovered."""
    bottom: float = 0.0
    top: float = 842.0
    width: float = 595.0
    shapes: PageShapes = field(default_factory=PageShapes)
    """Rules and small marks drawn on the page (table borders, list bullets)."""


def _edge_group(lines: list[Line], inside: float, outward: int) -> list[Line]:
    """The outermost lines (at most MAX_CANDIDATES) beyond ``inside``, set apart from the text by a gap.

    ``lines`` run from the edge inwards; ``outward`` is +1 when y grows towards the edge (top).
    A table header repeated on each page is not apart from its rows, so it is kept.
    """
    for end in range(min(MAX_CANDIDATES, len(lines))):
        if (lines[end].y - inside) * outward <= 0:
            return []
        if end + 1 == len(lines):
            return lines[: end + 1]
        inner = lines[end + 1]
        if abs(lines[end].y - inner.y) >= SET_APART_EM * inner.size:
            return lines[: end + 1]
    return []


def _candidates(page: PageContent) -> list[tuple[Line, bool]]:
    """Lines of the top and bottom bands, with True for the outermost line of each band."""
    lines = page.lines or []
    band = MARGIN_SHARE * (page.top - page.bottom)
    top = _edge_group(lines, page.top - band, 1)
    bottom = _edge_group(lines[::-1], page.bottom + band, -1)
    found = [(line, index == 0) for index, line in enumerate(top)]
    found += [(line, index == 0) for index, line in enumerate(bottom) if all(line is not t for t in top)]
    return found


def _signature(line: Line) -> str:
    return _DIGITS.sub("#", " ".join(line.text.split()).lower())


def _body_size(pages: list[PageContent]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines or []:
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def drop_running_lines(pages: list[PageContent], kept: Callable[[PageContent, Line], bool] | None = None) -> None:
    """Remove running headers, footers and page numbers from the pages' lines (in place).

    A line for which ``kept`` is true (the text of a table drawn with borders) is never one.
    """
    laid = [page for page in pages if page.lines]
    if not laid:
        return
    body = _body_size(laid)
    candidates = {
        page.number: [(line, outer) for line, outer in _candidates(page) if kept is None or not kept(page, line)]
        for page in laid
    }
    places: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
    for page in laid:
        for line, _ in candidates[page.number]:
            places[_signature(line)].append((page.number, line.y))
    needed = max(2, math.ceil(0.5 * len(laid)))
    for page in laid:
        dropped: list[Line] = []
        for line, outermost in candidates[page.number]:
            seen = places[_signature(line)]
            pages_here = {number for number, y in seen if abs(y - line.y) <= SAME_PLACE}
            repeated = len(laid) >= 2 and len(pages_here) >= needed
            numbered = outermost and is_page_number(line.text) and line.size <= body + 0.5
            if repeated or numbered:
                dropped.append(line)
        if dropped:
            page.lines = [line for line in page.lines or [] if all(line is not d for d in dropped)]
