"""Do the PDF exports of the office drafts give the units of their source? A dev measurement.

Every office draft (``evals/drafts/office/``, built by ``evals/office_drafts.py``) is loaded twice
with ``assistant.documents.load_document``: its source (``.docx`` or ``.pptx``) and one rendering
(``--format``: ``chromium-pdf``, ``lo-pdf`` or ``pptx-pdf``; all three by default). Per file and
overall, it prints the share of the source's

* **rows**: table rows (cells with whitespace collapsed, joined by " | ") found as a row of some
  table unit of the rendering;
* **items**: list items (one line of a list unit, whitespace collapsed) found as an item of some
  list unit of the rendering;
* **headings**: heading texts found as a heading unit of the rendering;
* **tables**: tables found whole: every row of the source's table in one table unit of the
  rendering (a table cut into several units is not); the count of table units is shown too;
* **sections**: units (a heading, a paragraph, a list item, a table row) whose text the rendering
  has too and whose section path there equals the source's; over the units found, so that text
  differences count in the other figures only.

Matches are counted as multisets: a row that the source has twice must be found twice.
``--details`` lists what was not found. Speaker notes of a deck are not in its PDF: they count
as not found for the sections figure's denominator only (they are never found).

Usage (from the project root)::

    python -m evals.unit_agreement [--format chromium-pdf|lo-pdf|pptx-pdf] [--only NAME ...] [--details]
"""

from __future__ import annotations

import argparse
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents import LoadedDocument, load_document

ROOT = Path(__file__).resolve().parent.parent
OFFICE_DIR = ROOT / "evals" / "drafts" / "office"
FORMATS: dict[str, tuple[str, str]] = {
    "chromium-pdf": (".docx", ".chromium.pdf"),
    "lo-pdf": (".docx", ".lo.pdf"),
    "pptx-pdf": (".pptx", ".pptx.pdf"),
}
MEASURES = ("rows", "tables", "items", "headings", "sections")

Element = tuple[str, tuple[str, ...]]
"""A unit's text (normalised) and its section path."""


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def table_rows(doc: LoadedDocument) -> list[str]:
    return [" | ".join(normalise(cell) for cell in row) for unit in doc.units if unit.rows for row in unit.rows]


def tables(doc: LoadedDocument) -> list[list[str]]:
    return [[" | ".join(normalise(cell) for cell in row) for row in unit.rows] for unit in doc.units if unit.rows]


def whole_tables(source: list[list[str]], rendering: list[list[str]]) -> Score:
    """How many of the source's tables have all their rows in one table of the rendering."""
    units = [Counter(table) for table in rendering]
    score = Score(total=len(source))
    for table in source:
        want = Counter(table)
        if any(all(unit[row] >= count for row, count in want.items()) for unit in units):
            score.found += 1
        else:
            score.missing.append(f"{table[0][:70]!r} ({len(table)} rows; {len(rendering)} table units)")
    return score


def list_items(doc: LoadedDocument) -> list[str]:
    return [
        normalise(line) for unit in doc.units if unit.kind == "list" for line in unit.text.split("\n") if line.strip()
    ]


def headings(doc: LoadedDocument) -> list[str]:
    return [normalise(unit.text) for unit in doc.units if unit.kind == "heading"]


def elements(doc: LoadedDocument) -> list[Element]:
    """Headings, paragraphs, list items and table rows, each with its unit's section path."""
    out: list[Element] = []
    for unit in doc.units:
        section = tuple(normalise(title) for title in unit.section)
        if unit.rows is not None:
            out.extend((" | ".join(normalise(cell) for cell in row), section) for row in unit.rows)
        elif unit.kind == "list":
            out.extend((normalise(line), section) for line in unit.text.split("\n") if line.strip())
        else:
            out.append((normalise(unit.text), section))
    return out


@dataclass
class Score:
    found: int = 0
    total: int = 0
    missing: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.found += other.found
        self.total += other.total

    @property
    def share(self) -> float:
        return self.found / self.total if self.total else 1.0

    def label(self) -> str:
        return f"{self.share:6.1%} ({self.found}/{self.total})" if self.total else "     - (0/0)"


def found_in(expected: Iterable[str], got: Iterable[str]) -> Score:
    """How many of ``expected`` (a multiset) ``got`` holds."""
    want, have = Counter(expected), Counter(got)
    score = Score(sum(min(count, have[key]) for key, count in want.items()), sum(want.values()))
    for key, count in want.items():
        score.missing.extend([key] * max(0, count - have[key]))
    return score


def same_sections(source: list[Element], rendering: list[Element]) -> Score:
    """Of the source's units whose text the rendering has, how many sit under the same section path."""
    texts = Counter(text for text, _ in rendering)
    pairs = Counter(rendering)
    want_texts = Counter(text for text, _ in source)
    score = Score()
    for text, count in want_texts.items():
        score.total += min(count, texts[text])
    for (text, section), count in Counter(source).items():
        matched = min(count, pairs[(text, section)])
        score.found += matched
        if matched < count and texts[text]:
            elsewhere = sorted({" > ".join(s) for t, s in rendering if t == text and s != section})
            score.missing.append(f"{text[:70]!r}: {' > '.join(section)!r} -> {elsewhere[:2]!r}")
    score.found = min(score.found, score.total)
    return score


def compare(source: LoadedDocument, rendering: LoadedDocument) -> dict[str, Score]:
    return {
        "rows": found_in(table_rows(source), table_rows(rendering)),
        "tables": whole_tables(tables(source), tables(rendering)),
        "items": found_in(list_items(source), list_items(rendering)),
        "headings": found_in(headings(source), headings(rendering)),
        "sections": same_sections(elements(source), elements(rendering)),
    }


def pairs(fmt: str, only: Sequence[str] = (), directory: Path = OFFICE_DIR) -> list[tuple[str, Path, Path]]:
    """``(name, source, rendering)`` for every draft of ``directory`` that has both files."""
    source_suffix, rendering_suffix = FORMATS[fmt]
    found: list[tuple[str, Path, Path]] = []
    for source in sorted(directory.glob(f"*{source_suffix}")):
        name = source.name[: -len(source_suffix)]
        rendering = directory / f"{name}{rendering_suffix}"
        if rendering.is_file() and (not only or name in only):
            found.append((name, source, rendering))
    return found


def report(fmt: str, only: Sequence[str] = (), *, details: bool = False) -> dict[str, Score]:
    totals = {measure: Score() for measure in MEASURES}
    files = pairs(fmt, only)
    print(f"== {fmt}: {len(files)} drafts")
    print(f"{'draft':<40} " + " ".join(f"{measure:<20}" for measure in MEASURES))
    for name, source_path, rendering_path in files:
        scores = compare(load_document(source_path), load_document(rendering_path))
        print(f"{name:<40} " + " ".join(f"{scores[m].label():<20}" for m in MEASURES))
        for measure in MEASURES:
            totals[measure].add(scores[measure])
            if details and scores[measure].missing:
                for missing in scores[measure].missing[:12]:
                    print(f"    {measure} missing: {missing[:160]}")
    print(f"{'overall ' + fmt:<40} " + " ".join(f"{totals[m].label():<20}" for m in MEASURES))
    return totals


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--format", choices=sorted(FORMATS), action="append", help="default: all three")
    parser.add_argument("--only", nargs="*", default=[], help="draft names (file stems without suffix)")
    parser.add_argument("--details", action="store_true", help="list what the rendering misses")
    args = parser.parse_args(argv)
    overall: dict[str, dict[str, Score]] = {}
    for fmt in args.format or list(FORMATS):
        overall[fmt] = report(fmt, args.only, details=args.details)
        print()
    print("== summary")
    for fmt, totals in overall.items():
        print(f"{fmt:<14} " + "  ".join(f"{m} {totals[m].share:6.1%}" for m in MEASURES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
