"""Document-wide measures of a PDF's layout: body size and font, line pitch, text edges.

* The body size is the most common rendered size, by characters; the body font is the most common
  family at that size. A heading is clearly larger than the body, or bold in another family.
* The usual line pitch is the smallest common distance between the baselines of two body lines
  with the same left edge (outside tables): the line spacing inside a paragraph.
* The right edge is where most body lines end at the most; the bottom is the lowest baseline a page
  is filled down to (the bottom margin is taken to mirror the top one when pages are short).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, replace

from .pdf_margins import PageContent
from .pdf_runs import Line
from .pdf_tables import Table

HEADING_MIN_DELTA = 0.45  # points above the body size for a heading by size alone
MAX_HEADING_CHARS = 300


@dataclass(frozen=True)
class Stats:
    """What the body text of the document looks like, to tell headings and paragraphs apart."""

    body_size: float
    body_family: str
    pitch: float
    """Usual distance between two baselines of body text."""
    right: float
    """Right edge of the body text."""
    bottom: float
    """Lowest baseline of the last line of a page: pages are filled down to there."""

    def pitch_for(self, size: float) -> float:
        return self.pitch * size / self.body_size

    def is_heading(self, line: Line) -> bool:
        """Clearly larger than the body (and bold, unless much larger), or bold in another family."""
        text = line.text
        if len(text) > MAX_HEADING_CHARS or not any(char.isalnum() for char in text):
            return False
        if line.size - self.body_size >= HEADING_MIN_DELTA:
            return line.bold or line.size >= 1.15 * self.body_size
        return abs(line.size - self.body_size) < HEADING_MIN_DELTA and line.bold and line.style[1] != self.body_family


def body_stats(lines: list[Line]) -> Stats:
    """Body size and font family (the most common, by characters), and the text's right edge."""
    sizes: Counter[float] = Counter()
    families: Counter[tuple[float, str]] = Counter()
    for line in lines:
        for run in line.runs:
            count = len("".join(run.text.split()))
            sizes[round(run.size * 2) / 2] += count
            families[(round(run.size * 2) / 2, run.font.family)] += count
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    family = max((f for f in families if f[0] == body), key=lambda f: families[f], default=(body, ""))[1]
    right = _percentile([line.x1 for line in lines if abs(line.size - body) < 0.5], 0.98, default=0.0)
    return Stats(body, family, 1.45 * body, right, 0.0)


def layout_stats(body: Stats, pages: list[PageContent], items: list[list[Line | Table]]) -> Stats:
    """``body`` completed with the usual line pitch and the lowest baseline, tables aside."""
    size = body.body_size
    pitches: list[float] = []
    for page_items in items:
        lines = [item if isinstance(item, Line) else None for item in page_items]
        for above, below in itertools.pairwise(lines):
            if above is None or below is None:
                continue
            if max(abs(above.size - size), abs(below.size - size)) < 0.5 and abs(above.x0 - below.x0) < 2:
                distance = above.y - below.y
                if 0.9 * size <= distance <= 2.5 * size:
                    pitches.append(distance)
    lows = [min(_lowest(item) for item in page_items) for page_items in items if len(page_items) >= 5]
    # Margins are usually as deep at the bottom as at the top: mirror the first baseline.
    for page, page_items in zip(pages, items, strict=True):
        first = next((item for item in page_items if isinstance(item, Line)), None)
        if first is not None:
            lows.append(page.bottom + page.top - first.y - 0.6 * first.size)
    return replace(body, pitch=_usual_pitch(pitches, size), bottom=min(lows, default=0.0))


def _lowest(item: Line | Table) -> float:
    if isinstance(item, Line):
        return item.y
    return min(segment.runs[0].y for row in item.rows for cell in row.values() for segment in cell)


def _usual_pitch(pitches: list[float], body: float) -> float:
    """The smallest line distance that is common: the line spacing inside paragraphs."""
    buckets = Counter(round(p * 2) / 2 for p in pitches)
    floor = max(1, len(pitches) // 20)
    common = sorted(bucket for bucket, count in buckets.items() if count >= floor)
    if not common:
        return 1.45 * body
    chosen = [p for p in pitches if round(p * 2) / 2 == common[0]]
    return sorted(chosen)[len(chosen) // 2]


def _percentile(values: list[float], share: float, *, default: float) -> float:
    if not values:
        return default
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
