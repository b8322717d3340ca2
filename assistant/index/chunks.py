"""The Chunk: a retrievable passage with where it comes from and which codes it grounds."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocKind = Literal["referentiel", "attendus", "cours", "programme", "document"]


class Chunk(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str = Field(description="Text embedded and indexed: a short header, then the passage.")
    body: str = Field(description="The passage alone, as shown to users.")
    source: str = Field(description="Corpus-relative path of the file it comes from.")
    title: str = ""
    doc_type: DocKind
    page: int | None = None
    section: str = ""
    codes: list[str] = Field(default_factory=list, description="Item ids this chunk grounds.")
    kind: str = Field("", description="Référentiel item kind (criterion, competency…) or 'passage'.")
    bloc: str = ""
    evaluation: str = ""

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store (no None, no lists)."""
        return {
            "source": self.source,
            "title": self.title,
            "doc_type": self.doc_type,
            "page": self.page if self.page is not None else -1,
            "section": self.section,
            "codes": "|" + "|".join(self.codes) + "|" if self.codes else "",
            "kind": self.kind,
            "bloc": self.bloc,
            "evaluation": self.evaluation,
            "body": self.body,
        }

    @classmethod
    def from_store(cls, chunk_id: str, text: str, meta: dict[str, object]) -> Chunk:
        page = meta.get("page", -1)
        codes = str(meta.get("codes", "")).strip("|")
        return cls(
            id=chunk_id,
            text=text,
            body=str(meta.get("body", text)),
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            doc_type=meta.get("doc_type", "document"),
            page=page if isinstance(page, int) and page >= 0 else None,
            section=str(meta.get("section", "")),
            codes=codes.split("|") if codes else [],
            kind=str(meta.get("kind", "")),
            bloc=str(meta.get("bloc", "")),
            evaluation=str(meta.get("evaluation", "")),
        )

    @property
    def location(self) -> str:
        parts = [f"p. {self.page}" if self.page else "", self.section]
        return ", ".join(p for p in parts if p)
