"""Tables drawn as text in columns (Word, LibreOffice): find them among a page's lines, rebuild rows.

A table shows as lines cut into several segments (one per cell) whose left edges line up in
columns across consecutive lines. A cell whose text wraps continues on the next lines, at its
column's x; other columns may be empty there. A line belongs to the current row when each of its
segments continues the wrapped text of its column. It starts a new row when a column had no text
yet in the row or skipped a line, when its weight changes (a bold header above plain rows), when
its first word would have fitted on the column's previous line (so that line was not wrapped), or
when it lies further below than the line pitch inside cells (row borders and padding).

A table cut by a page break goes on in the next page's first table with the same columns; a
header row repeated there is dropped, and a row split by the break is joined again: only when the
page was filled down to its bottom (a row moved whole to the next page leaves room), and when each
cell of the next page's first line continues a cell that was cut, in the same weight.

Tables drawn with borders are found first from their rules (``pdf_grid``); the lines they hold are
left alone here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .pdf_runs import Line, Segment, broken_word
from .pdf_words import Joiner, first_chunk, separate_marker

COLUMN_TOLERANCE = 3.0  # points
MAX_ROW_GAP_EM = 2.4  # lines of one table are never further apart than this (in em)
CELL_GAP_EM = 1.1  # padding between the text of two cells, at most (in em)
ROW_BORDER = 0.3  # points: lines further apart than the cell line pitch by this are in two rows

Row = dict[int, list[Segment]]


@dataclass
class Table:
    """Rows of cells, each cell the segments of its lines; ``page`` is where the table starts."""

    page: int
    columns: list[float]
    rows: list[Row] = field(default_factory=list)
    right: float = 0.0
    """Right edge of the page's text (the table's last column ends about there)."""
    size: float = 10.0
    """Body size of the table's text."""
    max_end: dict[int, float] = field(default_factory=dict)
    """Right-most glyph end seen in each column: a word that ends before it fits in the column."""

    def limit(self, column: int) -> float:
        """Where the text of a column must end: before the next column, less the cell padding."""
        edge = self.columns[column + 1] if column + 1 < len(self.columns) else self.right
        return max(self.max_end.get(column, 0.0), edge - CELL_GAP_EM * self.size)

    def cells(self, joiner: Joiner) -> list[list[str]]:
        """Cell texts row by row, one per column (empty where a row has nothing in a column)."""
        out: list[list[str]] = []
        for row in self.rows:
            cells: list[str] = []
            for column in range(len(self.columns)):
                text = ""
                previous: Segment | None = None
                for segment in row.get(column, []):
                    left, right = self.columns[column], self.limit(column)
                    if previous is not None and broken_word(previous, segment, left, right, joiner.may_glue):
                        text += segment.text.lstrip()
                    else:
                        text = joiner.join(text, segment.text)
                    previous = segment
                cells.append(text)
            out.append(cells)
        return out

    def continues(self, other: Table) -> bool:
        """``other`` (next page) has the same columns: it is this table going on."""
        return len(other.columns) == len(self.columns) and all(
            abs(a - b) <= COLUMN_TOLERANCE for a, b in zip(self.columns, other.columns, strict=True)
        )

    def bottom(self) -> float:
        """Baseline of the lowest line of the last row."""
        last = self.rows[-1] if self.rows else {}
        return min((run.y for segments in last.values() for segment in segments for run in segment.runs), default=0.0)

    def extend(self, other: Table, *, split: bool = True) -> None:
        """Append the rows of ``other``, without a repeated header and joining a row split by the page.

        ``split``: whether the last row may have been split (its page was filled down to the bottom).
        The first row of ``other`` goes on with it when each of its cells continues a cell that was
        cut: no room left for its first word on the cell's last line, and the same weight.
        """
        rows = [dict(row) for row in other.rows]
        if rows and len(self.rows) > 1:
            rows[0] = _without_header(rows[0], self.rows[0])
            if not rows[0]:
                rows.pop(0)
        if (
            split
            and rows
            and self.rows
            and all(
                column in self.rows[-1]
                and _bold(self.rows[-1][column][-1]) == _bold(segments[0])
                and not _fits(self.rows[-1][column][-1], segments[0], self.limit(column))
                for column, segments in rows[0].items()
            )
        ):
            for column, segments in rows.pop(0).items():
                self.rows[-1][column].extend(segments)
        self.rows.extend(rows)
        for column, end in other.max_end.items():
            self.max_end[column] = max(self.max_end.get(column, 0.0), end)


def _without_header(row: Row, header: Row) -> Row:
    """``row`` less a copy of ``header`` at its top (the header repeated on a new page), if there is one.

    The lines below the copy (a row split by the page break) are what remains.
    """
    texts = {column: [segment.text for segment in segments] for column, segments in header.items()}
    if set(texts) - set(row) or any(
        [segment.text for segment in row[column][: len(lines)]] != lines for column, lines in texts.items()
    ):
        return row
    rest = {column: segments[len(texts.get(column, [])) :] for column, segments in row.items()}
    return {column: segments for column, segments in rest.items() if segments}


def _fits(previous: Segment, following: Segment, limit: float) -> bool:
    """Would the first word of ``following`` have fitted at the end of ``previous``?"""
    chunk = first_chunk(following.text)
    if not chunk:
        return True
    first = following.runs[0]
    glued = previous.text.endswith("-")  # a line may break after a hyphen, then nothing comes between
    width = first.font.advance(chunk if glued else " " + chunk) * first.size
    return previous.x1 + width <= limit - 0.5


def _is_multi(line: Line) -> bool:
    return len(line.segments) >= 2 and not _is_list_line(line)


def _column(columns: list[float], segment: Segment, *, strict: bool = True) -> int | None:
    """Index of the column holding ``segment``, or None when it does not sit inside one."""
    index = None
    for number, start in enumerate(columns):
        if segment.x0 >= start - COLUMN_TOLERANCE:
            index = number
    if index is None:
        return None if strict else 0
    if strict and index + 1 < len(columns) and segment.x1 > columns[index + 1] + 1.0:
        return None  # text running across a column boundary is not a cell
    return index


def _column_starts(lines: list[Line]) -> list[float]:
    """Left edges shared by the cells of the table's multi-cell lines (clusters of x)."""
    starts = sorted(segment.x0 for line in lines if _is_multi(line) for segment in line.segments)
    clusters: list[list[float]] = []
    for x in starts:
        if clusters and x - clusters[-1][0] <= COLUMN_TOLERANCE:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return [min(cluster) for cluster in clusters]


def find_tables(
    lines: list[Line],
    right: float,
    stops: Callable[[Line], bool],
    ruled: Sequence[tuple[list[Line], Table]] = (),
) -> list[Line | Table]:
    """The page's lines, with runs of lines forming a table replaced by a :class:`Table`.

    ``right`` is the right edge of the text, where a table's last column ends; a line for which
    ``stops`` is true (a heading) ends a table. ``ruled``: tables already read from their borders
    (see ``pdf_grid``), with their lines; each takes the place of its first line.
    """
    owner = {id(line): table for members, table in ruled for line in members}
    limits = _limits(lines, owner)
    out: list[Line | Table] = []
    position = 0
    while position < len(lines):
        drawn = owner.get(id(lines[position]))
        if drawn is not None:
            if not any(item is drawn for item in out):
                out.append(drawn)
            position += 1
            continue
        if _is_multi(lines[position]):
            end, table = _grow(lines[: limits[position]] if owner else lines, position, right, stops)
            if table is not None:
                out.append(table)
                position = end
                continue
        out.append(lines[position])
        position += 1
    return out


def _limits(lines: list[Line], owner: Mapping[int, Table]) -> list[int]:
    """For each line, where the next line of a ruled table is (a table found from the text stops there)."""
    limits = [len(lines)] * len(lines)
    following = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        if id(lines[index]) in owner:
            following = index
        limits[index] = following
    return limits


def _is_list_line(line: Line) -> bool:
    """A list marker then its text: two segments, the first a marker."""
    return len(line.segments) == 2 and separate_marker(line.segments[0].text) is not None


def _matches(columns: list[float], segment: Segment) -> bool:
    return any(abs(segment.x0 - start) <= COLUMN_TOLERANCE for start in columns)


def _grow(lines: list[Line], start: int, right: float, stops: Callable[[Line], bool]) -> tuple[int, Table | None]:
    first = lines[start]
    columns = [segment.x0 for segment in first.segments]
    members = [first]
    end = start + 1
    while end < len(lines):
        line, previous = lines[end], members[-1]
        if previous.y - line.y > MAX_ROW_GAP_EM * max(line.size, previous.size):
            break
        if _is_list_line(line) or stops(line):
            break
        if _is_multi(line) and any(_matches(columns, segment) for segment in line.segments):
            # A row may fill a column that the first line left empty.
            columns = sorted({*columns, *(s.x0 for s in line.segments if not _matches(columns, s))})
        placed = [_column(columns, segment) for segment in line.segments]
        if None in placed:
            break
        if not _is_multi(line) and placed == [0]:
            # A lone line under the first column continues its cell, or follows the table.
            pitches = [a.y - b.y for a, b in itertools.pairwise(members)]
            if previous.y - line.y > min(pitches, default=math.inf) + ROW_BORDER:
                break
            if not _wraps_in_first_column(previous, line, columns) and not _table_goes_on(lines, end + 1, columns):
                break
        members.append(line)
        end += 1
    multi = [line for line in members if _is_multi(line)]
    if len(multi) < 2 and max(len(line.segments) for line in multi) < 3:
        return start + 1, None
    return end, _rows(Table(first.page, _column_starts(members), right=right), members)


def _table_goes_on(lines: list[Line], position: int, columns: list[float]) -> bool:
    """Is the line at ``position`` a row of the table, right below (a lone line between rows is in it)?"""
    if position >= len(lines) or not _is_multi(lines[position]):
        return False
    line, previous = lines[position], lines[position - 1]
    close = previous.y - line.y <= MAX_ROW_GAP_EM * max(line.size, previous.size)
    return close and all(_matches(columns, segment) for segment in line.segments)


def _wraps_in_first_column(previous: Line, line: Line, columns: list[float]) -> bool:
    """A lone line at the first column's x continues that column only if the column's text wrapped."""
    cell = [segment for segment in previous.segments if _column(columns, segment) == 0]
    if not cell:
        return False
    limit = columns[1] - CELL_GAP_EM * line.size if len(columns) > 1 else cell[0].x1
    return not _fits(cell[-1], line.segments[0], limit)


def _bold(segment: Segment) -> bool:
    return all(run.font.bold for run in segment.runs)


def _rows(table: Table, members: list[Line]) -> Table:
    """Cut the table's lines into rows (see the module docstring)."""
    columns = table.columns
    sizes = sorted(line.size for line in members)
    table.size = sizes[len(sizes) // 2]
    placed: list[list[tuple[int, Segment]]] = []
    for line in members:
        cells: list[tuple[int, Segment]] = []
        for segment in line.segments:
            column = _column(columns, segment)
            if column is None:
                column = _column(columns, segment, strict=False) or 0
            cells.append((column, segment))
            table.max_end[column] = max(table.max_end.get(column, 0.0), segment.x1)
        placed.append(cells)
    # Lines of one cell are a line pitch apart; a row boundary adds borders or padding.
    pitches = [a.y - b.y for a, b in itertools.pairwise(members) if a.y - b.y > 0.5 * table.size]
    cell_pitch = min(pitches, default=0.0)
    last_line: dict[int, int] = {}
    row: Row = {}
    for number, cells in enumerate(placed):
        new_row = not row or any(
            column not in row
            or last_line[column] != number - 1
            or _bold(row[column][-1]) != _bold(segment)
            or _fits(row[column][-1], segment, table.limit(column))
            for column, segment in cells
        )
        if number and members[number - 1].y - members[number].y > cell_pitch + ROW_BORDER:
            new_row = True
        if new_row and row:
            table.rows.append(row)
            row = {}
        for column, segment in cells:
            row.setdefault(column, []).append(segment)
            last_line[column] = number
    if row:
        table.rows.append(row)
    return table
