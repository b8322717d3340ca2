"""Course materials' metadata: methodology sheets and the programme guide (front matter)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

COURSE_DIRS = ("cours", "programme")


class CourseSheet(BaseModel):
    """A course document's front matter plus where it lives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    slug: str
    criteres: list[str] = Field(default_factory=list)
    evaluations: list[str] = Field(default_factory=list)
    audience: list[str] = Field(default_factory=list)
    path: str = Field(description="Path relative to the corpus directory.")

    @property
    def codes(self) -> list[str]:
        return [*self.criteres, *self.evaluations]


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """(metadata, body) of a Markdown text with an optional ``---`` YAML header."""
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end < 0:
        return {}, text
    meta = yaml.safe_load(text[3:end]) or {}
    body = text[end + 4 :].lstrip("\n")
    return (meta if isinstance(meta, dict) else {}), body


def load_sheets(corpus_dir: Path) -> list[CourseSheet]:
    """Every Markdown course document with front matter, sorted by path."""
    sheets: list[CourseSheet] = []
    for sub in COURSE_DIRS:
        for path in sorted((corpus_dir / sub).glob("*.md")):
            meta, _ = split_front_matter(path.read_text(encoding="utf-8"))
            if meta:
                sheets.append(CourseSheet.model_validate({**meta, "path": str(path.relative_to(corpus_dir))}))
    return sheets


@lru_cache(maxsize=4)
def _sheets_cached(corpus_dir: str) -> tuple[CourseSheet, ...]:
    return tuple(load_sheets(Path(corpus_dir)))


def sheets_for(code: str, corpus_dir: Path) -> list[CourseSheet]:
    """Methodology sheets that teach a criterion (or serve an evaluation)."""
    return [s for s in _sheets_cached(str(corpus_dir.resolve())) if code in s.codes and s.criteres]
