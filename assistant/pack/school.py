"""School facts (corpus/ecole.yaml): what the référentiel does not hold.

An empty value means "unknown": callers must say so and give the contact, never guess.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.text.fold import fold

SCHOOL_FILE = "ecole.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchoolField(_Model):
    label: str
    value: str | None = ""
    keywords: list[str] = Field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.value and str(self.value).strip())


class Contact(_Model):
    label: str = "Contact de l'école"
    email: str | None = ""
    phone: str | None = ""
    url: str | None = ""
    message: str = "Contactez le service admissions de votre école."
    keywords: list[str] = Field(default_factory=list)

    @property
    def has_details(self) -> bool:
        return any(d and d.strip() for d in (self.email, self.phone, self.url))

    def render(self) -> str:
        """One French line with whatever contact details are filled."""
        details = [d for d in (self.email, self.phone, self.url) if d and d.strip()]
        if not details:
            return self.message
        return f"{self.label} : " + " · ".join(details)


class SchoolInfo(_Model):
    last_updated: str | None = ""
    contact: Contact = Field(default_factory=Contact)
    fields: dict[str, SchoolField] = Field(default_factory=dict)

    def match(self, question: str) -> list[tuple[str, SchoolField]]:
        """Fields whose keywords occur in the question, best first (word-boundary, accent-insensitive)."""
        q = f" {_words(question)} "
        scored: list[tuple[int, str, SchoolField]] = []
        for name, field in self.fields.items():
            hits = [k for k in field.keywords if f" {_words(k)} " in q]
            if hits:
                scored.append((max(len(h) for h in hits), name, field))
        scored.sort(key=lambda t: -t[0])
        return [(name, field) for _, name, field in scored]


def _words(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() or ch == "+" else " " for ch in fold(text)).split())


@lru_cache(maxsize=4)
def _load(path: str) -> SchoolInfo:
    file = Path(path)
    if not file.is_file():
        return SchoolInfo()
    raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    return SchoolInfo.model_validate(raw)


def load_school(corpus_dir: Path) -> SchoolInfo:
    return _load(str((corpus_dir / SCHOOL_FILE).resolve()))
