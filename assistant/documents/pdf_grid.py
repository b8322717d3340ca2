"""Tables drawn with borders: their grid of rules gives the rows and columns, whatever the text does.

A browser (Chromium's print to PDF) lays table cells out with padding of its own: a cell's wrapped
lines, a row's height and the gaps between rows follow no line pitch that the text alone could
tell apart. When the table has borders, the rules say it all:

* the page's horizontal and vertical rules (see :mod:`pdf_shapes`) are merged where they continue
  each other (Chromium draws each cell's borders apart), then grouped where they touch;
* a group with at least two horizontal rules and rules cutting it into two columns or more is a
  grid: its vertical rules (and its left and right ends) are the column edges, its horizontal
  rules the row edges;
* the lines inside the grid are its text: each run goes to the column it starts in, each line to
  the row between the rules around its baseline. A row's lines stay together however far apart.

A grid without text in two columns (a framed paragraph, a box around a page) is no table. The work
is bounded: a page with too many rules, or rules meeting too often, has no grid.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from .pdf_runs import Line, Run, Segment
from .pdf_shapes import Rule
from .pdf_tables import Row, Table

SAME_LINE = 1.5  # points: rules this close across their length are on one line
JOIN_GAP = 2.5  # points: rules on one line this close end to end continue each other
TOUCH = 2.5  # points: a vertical and a horizontal rule this close meet
EDGE = 2.0  # points: text may reach this far past a grid's outer rules
MAX_RULES = 2_000  # a page with more rules than this (once merged) is a drawing, not tables
MAX_TESTS = 200_000  # rule pairs looked at per page


@dataclass
class _Line:
    """Merged rules on one line: horizontal (``at`` is y) or vertical (``at`` is x)."""

    horizontal: bool
    at: float
    start: float
    end: float


def _merge(rules: list[Rule]) -> list[_Line]:
    """Rules on one line that continue each other, as one."""
    merged: list[_Line] = []
    for horizontal in (True, False):
        ordered = sorted((rule for rule in rules if rule.horizontal == horizontal), key=lambda r: r.at)
        bands: list[list[Rule]] = []
        for rule in ordered:
            if bands and rule.at - bands[-1][-1].at <= SAME_LINE:
                bands[-1].append(rule)
            else:
                bands.append([rule])
        for band in bands:
            at = sum(rule.at for rule in band) / len(band)
            current: _Line | None = None
            for rule in sorted(band, key=lambda r: r.start):
                if current is not None and rule.start <= current.end + JOIN_GAP:
                    current.end = max(current.end, rule.end)
                else:
                    current = _Line(horizontal, at, rule.start, rule.end)
                    merged.append(current)
    return merged


def _meet(h: _Line, v: _Line) -> bool:
    return h.start - TOUCH <= v.at <= h.end + TOUCH and v.start - TOUCH <= h.at <= v.end + TOUCH


def _groups(lines: list[_Line]) -> list[list[_Line]] | None:
    """Rules that meet, directly or through others (union-find); None past the work budget."""
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    horizontal = sorted((i for i, line in enumerate(lines) if line.horizontal), key=lambda i: lines[i].at)
    heights = [lines[i].at for i in horizontal]
    tests = 0
    for j, vertical in enumerate(lines):
        if vertical.horizontal:
            continue
        low = bisect.bisect_left(heights, vertical.start - TOUCH)
        high = bisect.bisect_right(heights, vertical.end + TOUCH)
        tests += high - low
        if tests > MAX_TESTS:
            return None
        for i in horizontal[low:high]:
            if _meet(lines[i], vertical):
                parent[root(i)] = root(j)
    groups: dict[int, list[_Line]] = {}
    for i, line in enumerate(lines):
        groups.setdefault(root(i), []).append(line)
    return list(groups.values())


def _cluster(values: list[float], tolerance: float) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if out and value - out[-1] <= tolerance:
            continue
        out.append(value)
    return out


@dataclass
class Grid:
    """The rules of a table drawn with borders."""

    columns: list[float]
    """Column edges, left to right (the last is the right end)."""
    rows: list[float]
    """Row edges, top to bottom."""

    def holds(self, line: Line) -> bool:
        return (
            self.rows[-1] < line.y < self.rows[0]
            and line.x0 >= self.columns[0] - EDGE
            and line.x1 <= self.columns[-1] + EDGE
        )

    def row_of(self, line: Line) -> int:
        return sum(1 for edge in self.rows[1:-1] if edge > line.y)

    def column_of(self, run: Run) -> int:
        return max(0, sum(1 for edge in self.columns[1:-1] if edge <= run.x + 0.5))


def find_grids(rules: list[Rule]) -> list[Grid]:
    """The table grids that the page's rules draw."""
    merged = _merge(rules)
    groups = _groups(merged) if len(merged) <= MAX_RULES else None
    grids: list[Grid] = []
    for group in groups or []:
        horizontal = [line for line in group if line.horizontal]
        vertical = [line for line in group if not line.horizontal]
        if len(horizontal) < 2 or not vertical:
            continue
        left = min(line.start for line in horizontal)
        right = max(line.end for line in horizontal)
        inner = [line.at for line in vertical if left + TOUCH < line.at < right - TOUCH]
        columns = _cluster([left, *inner, right], TOUCH)
        rows = _cluster([line.at for line in horizontal], SAME_LINE)[::-1]
        if len(columns) >= 3:
            grids.append(Grid(columns, rows))
    return grids


def _segments(runs: list[Run], grid: Grid) -> list[tuple[int, Segment]]:
    """The line's runs cut where they change columns."""
    out: list[tuple[int, Segment]] = []
    for run in runs:
        column = grid.column_of(run)
        if out and out[-1][0] == column:
            out[-1][1].runs.append(run)
        else:
            out.append((column, Segment([run])))
    return out


def _table(grid: Grid, members: list[Line]) -> Table | None:
    """The table of the grid's lines; its columns start where their text starts, as in ``pdf_tables``."""
    sizes = sorted(line.size for line in members)
    rows: dict[int, Row] = {}
    for line in members:
        row = rows.setdefault(grid.row_of(line), {})
        for column, segment in _segments(line.runs, grid):
            row.setdefault(column, []).append(segment)
    starts: dict[int, float] = {}
    for row in rows.values():
        for column, segments in row.items():
            starts[column] = min(starts.get(column, math.inf), *(segment.x0 for segment in segments))
    if len(starts) < 2:
        return None  # a framed paragraph, not a table
    paddings = sorted(start - grid.columns[column] for column, start in starts.items())
    padding = max(0.0, paddings[len(paddings) // 2])
    columns = [starts.get(column, edge + padding) for column, edge in enumerate(grid.columns[:-1])]
    table = Table(members[0].page, columns, right=grid.columns[-1] + padding, size=sizes[len(sizes) // 2])
    table.rows = [rows[number] for number in sorted(rows)]
    for row in table.rows:
        for column, segments in row.items():
            table.max_end[column] = max(table.max_end.get(column, 0.0), *(segment.x1 for segment in segments))
    return table


def ruled_tables(lines: list[Line], grids: list[Grid]) -> list[tuple[list[Line], Table]]:
    """Tables drawn with borders on the page: each with the lines that are its text."""
    found: list[tuple[list[Line], Table]] = []
    taken: set[int] = set()
    for grid in grids:
        members = [line for line in lines if id(line) not in taken and grid.holds(line)]
        if not members:
            continue
        table = _table(grid, members)
        if table is not None:
            found.append((members, table))
            taken.update(id(line) for line in members)
    return found
