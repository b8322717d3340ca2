"""Vector shapes of a PDF page (``pdf_shapes``) and the table grids they draw (``pdf_grid``).

The collector is fed pypdf-style operator calls directly: rules and marks must come out in page
coordinates, white paint and malformed operands must be ignored, and the work must stay bounded.
"""

from __future__ import annotations

from assistant.documents.pdf_grid import find_grids
from assistant.documents.pdf_shapes import MAX_SHAPES, Rule, ShapeCollector

IDENTITY = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]


def _feed(collector: ShapeCollector, *ops: tuple[bytes, list[object]], cm: list[float] = IDENTITY) -> None:
    for op, args in ops:
        collector.before(op, args, cm, IDENTITY)
        collector.after(op, args, cm, IDENTITY)


def test_thin_rectangles_and_strokes_are_rules_and_small_shapes_are_marks() -> None:
    collector = ShapeCollector()
    scale = [0.75, 0.0, 0.0, 0.75, 10.0, 20.0]  # Chromium draws in CSS pixels
    _feed(collector, (b"re", [8, 232, 204, 1]), (b"f", []), (b"re", [8, 232, 1, 49]), (b"f", []), cm=scale)
    _feed(collector, (b"w", [0.5]), (b"m", [50, 500]), (b"l", [300, 500]), (b"S", []))
    disc = [(b"m", [26, 146]), (b"c", [26, 148, 22, 148, 22, 146]), (b"c", [22, 144, 26, 144, 26, 146])]
    _feed(collector, *disc, (b"h", []), (b"f", []), cm=scale)  # a list bullet, 3 points wide
    shapes = collector.shapes

    assert shapes.rules == [
        Rule(True, 20 + 232.5 * 0.75, 10 + 8 * 0.75, 10 + 212 * 0.75, 0.75),
        Rule(False, 10 + 8.5 * 0.75, 20 + 232 * 0.75, 20 + 281 * 0.75, 0.75),
        Rule(True, 500.0, 50.0, 300.0, 0.5),
    ]
    [mark] = shapes.marks
    assert (mark.x0, mark.y0, mark.x1, mark.y1) == (10 + 22 * 0.75, 20 + 144 * 0.75, 10 + 26 * 0.75, 20 + 148 * 0.75)


def test_white_paint_large_fills_and_malformed_operands_are_ignored() -> None:
    collector = ShapeCollector()
    _feed(collector, (b"rg", [1, 1, 1]), (b"re", [0, 0, 100, 1]), (b"f", []))  # white: invisible
    _feed(collector, (b"rg", [0.9, 0.2, 0.2]), (b"re", [0, 0, 300, 200]), (b"f", []))  # a banner
    _feed(collector, (b"re", ["x", None]), (b"f", []), (b"m", []), (b"l", [1]), (b"S", []), (b"w", []))
    _feed(collector, (b"Q", []), (b"Q", []), (b"q", []))  # unbalanced saves
    assert collector.shapes.rules == [] and collector.shapes.marks == []


def test_a_page_of_endless_shapes_is_capped() -> None:
    collector = ShapeCollector()
    for number in range(MAX_SHAPES + 500):
        _feed(collector, (b"re", [0, number, 50, 0.5]), (b"f", []))
    assert collector.shapes.count == MAX_SHAPES


def test_cell_borders_drawn_apart_make_one_grid_and_a_lone_box_none() -> None:
    # Chromium's way: every cell's borders apart, touching end to end.
    rules = [Rule(True, y, x, x + 100, 0.75) for y in (700, 680, 660) for x in (50, 150, 250)]
    rules += [Rule(False, x, y - 20, y, 0.75) for x in (50, 150, 250, 350) for y in (700, 680)]
    box = [Rule(True, 400, 50, 350, 0.5), Rule(True, 300, 50, 350, 0.5)]
    box += [Rule(False, 50, 300, 400, 0.5), Rule(False, 350, 300, 400, 0.5)]
    [grid] = find_grids(rules + box)

    assert [round(x) for x in grid.columns] == [50, 150, 250, 350]
    assert [round(y) for y in grid.rows] == [700, 680, 660]
