"""Domain types of the loading layer: text units, loaded documents, limits.

A document is loaded into an ordered list of :class:`TextUnit`. Each unit
knows where it comes from (page for PDF, slide and slide title for PowerPoint,
heading path for DOCX and Markdown, its rank otherwise) so that later stages
can cite "p. 3", "diapo 3, § Budget" or "§ Budget > Détail" next to a quote.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator

from assistant.text.labels import WarningCode

UnitKind = Literal["paragraph", "heading", "table", "list"]
DocType = Literal["pdf", "docx", "pptx", "markdown", "text"]

MIB = 1024 * 1024
LOADER_VERSION = "6"
"""Bumped whenever a loader yields different units for the same file, so indexes are rebuilt."""
_MAX_TITLE_CHARS = 60


def untitled_slide(number: int) -> str:
    """The section of a slide without a title ("Diapositive 4"); locations leave it out."""
    return f"Diapositive {number}"


def _shorten(title: str, limit: int = _MAX_TITLE_CHARS) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


class TextUnit(BaseModel):
    """One block of text in document order (a page, paragraph, heading, table...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    kind: UnitKind
    page: PositiveInt | None = None
    """1-based page number (PDF only)."""
    slide: PositiveInt | None = None
    """1-based slide number, hidden slides counted (PowerPoint only)."""
    section: tuple[str, ...] = ()
    """Heading path, outermost first; a heading's own path ends with itself."""
    index: int = Field(ge=0)
    """0-based position of the unit in the document."""
    rows: list[list[str]] | None = None
    """Cell texts, row by row (tables only)."""

    @model_validator(mode="after")
    def _rows_only_for_tables(self) -> Self:
        if (self.rows is not None) != (self.kind == "table"):
            raise ValueError("rows must be set for tables and only for tables")
        return self

    @property
    def location(self) -> str:
        """Human label in French: "p. 3", "§ Budget > Détail", "p. 3, § Budget", "diapo 3, § Budget".

        The page (PDF) or the slide (PowerPoint) comes first when known, then
        the heading path; the stand-in section of an untitled slide
        ("Diapositive 3") is not repeated after "diapo 3". A unit with none of
        these is located by its 1-based rank: "§ 12".
        """
        parts: list[str] = []
        section = self.section
        if self.page is not None:
            parts.append(f"p. {self.page}")
        if self.slide is not None:
            parts.append(f"diapo {self.slide}")
            if section[:1] == (untitled_slide(self.slide),):
                section = section[1:]
        if section:
            parts.append("§ " + " > ".join(_shorten(title) for title in section))
        if not parts:
            parts.append(f"§ {self.index + 1}")
        return ", ".join(parts)


class DocumentWarning(BaseModel):
    """Something the user should know about a document that still loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: WarningCode
    message: str
    """French, for the user."""
    detail: str | None = None
    """Technical detail, for logs."""


class LoadLimits(BaseModel):
    """Bounds applied while loading an untrusted document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_bytes: PositiveInt = 20 * MIB
    max_pages: PositiveInt = 300
    max_slides: PositiveInt = 300
    max_chars: PositiveInt = 2_000_000


class LoadedDocument(BaseModel):
    """A document reduced to ordered text units, with what we noticed on the way."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    """Sanitised file name (basename, no control characters)."""
    doc_type: DocType
    units: list[TextUnit]
    pages: int | None = None
    """Page count (PDF only)."""
    char_count: int = Field(ge=0)
    """Total characters over all units (``sum(len(unit.text))``)."""
    warnings: list[DocumentWarning] = Field(default_factory=list)
    metadata: dict[str, object] = Field(default_factory=dict)
    """Front matter of a Markdown file; empty for other types."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for position, unit in enumerate(self.units):
            if unit.index != position:
                raise ValueError(f"unit {position} has index {unit.index}")
        if self.char_count != sum(len(unit.text) for unit in self.units):
            raise ValueError("char_count does not match the units")
        return self

    @classmethod
    def from_units(
        cls,
        *,
        name: str,
        doc_type: DocType,
        units: list[TextUnit],
        pages: int | None = None,
        warnings: list[DocumentWarning] | None = None,
        metadata: dict[str, object] | None = None,
    ) -> LoadedDocument:
        """Build a document, computing ``char_count`` from the units."""
        return cls(
            name=name,
            doc_type=doc_type,
            units=units,
            pages=pages,
            char_count=sum(len(unit.text) for unit in units),
            warnings=warnings or [],
            metadata=metadata or {},
        )

    @property
    def text(self) -> str:
        """The whole text, units separated by a blank line (computed on each access)."""
        return "\n\n".join(unit.text for unit in self.units)

    def has_warning(self, code: str) -> bool:
        return any(warning.code == code for warning in self.warnings)


class UnitCollector:
    """Accumulates units in order, numbering them and skipping blank ones."""

    def __init__(self) -> None:
        self.units: list[TextUnit] = []
        self.chars = 0

    def add(
        self,
        text: str,
        kind: UnitKind,
        *,
        page: int | None = None,
        slide: int | None = None,
        section: tuple[str, ...] = (),
        rows: list[list[str]] | None = None,
    ) -> None:
        if not text.strip():
            return
        self.units.append(
            TextUnit(
                text=text,
                kind=kind,
                page=page,
                slide=slide,
                section=section,
                index=len(self.units),
                rows=rows,
            )
        )
        self.chars += len(text)
