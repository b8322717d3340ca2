"""School facts (corpus/ecole.yaml): what the référentiel does not hold.

An empty value means "unknown": callers must say so and give the contact, never guess. The file is
edited by hand or from Administration › Informations de l'école (:mod:`assistant.pack.school_store`);
every value is checked here, with French messages, whichever way it was written.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.text.fold import fold

SCHOOL_FILE = "ecole.yaml"
MAX_TEXT = 2000  # characters of a value or of the contact message
MAX_LINE = 200  # characters of a one-line entry (labels, e-mail, phone, web page)

# French names of the contact entries (form labels, error messages) and what to write in each.
CONTACT_LABELS: dict[str, str] = {
    "label": "Intitulé du contact",
    "email": "Adresse e-mail",
    "phone": "Téléphone",
    "url": "Page web",
    "message": "Message quand aucune coordonnée n'est renseignée",
}
CONTACT_HELP: dict[str, str] = {
    "label": "Nom affiché devant les coordonnées, par exemple « Service admissions ».",
    "email": "Adresse e-mail du service admissions ou de la formation, par exemple admissions@ecole.fr.",
    "phone": "Numéro tel qu'il doit s'afficher (chiffres, espaces, + . ( ) -), par exemple 01 23 45 67 89.",
    "url": "Page web de la formation ou des admissions, commençant par https:// (ou http://).",
    "message": "Facultatif : phrase ajoutée aux refus tant qu'aucune coordonnée (e-mail, téléphone, page web) "
    "n'est renseignée, par exemple « Écrivez à votre responsable pédagogique via l'espace numérique ».",
}
LAST_UPDATED_LABEL = "Date de mise à jour"

_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_PHONE = re.compile(r"[0-9 +.()\-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FORBIDDEN_CATEGORIES = {"Cc", "Zl", "Zp"}  # control characters and Unicode line/paragraph separators


def _text(value: object) -> str:
    """YAML null and numbers become text; line ends are normalised; surrounding blanks are dropped."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("doit être du texte.")
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_text(value: str, *, max_len: int, multiline: bool) -> str:
    if len(value) > max_len:
        raise ValueError(f"texte trop long ({len(value)} caractères, {max_len} au maximum).")
    if not multiline and "\n" in value:
        raise ValueError("doit tenir sur une seule ligne.")
    if any(ch != "\n" and unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in value):
        raise ValueError("contient un caractère de contrôle (tabulation, caractère invisible…) : retirez-le.")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchoolField(_Model):
    label: str
    value: str = ""
    help: str = ""  # French: what the school should write here (shown in the Administration form)
    keywords: list[str] = Field(default_factory=list)

    @field_validator("label", "value", "help", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> str:
        return _text(value)

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        if not value:
            raise ValueError("l'intitulé ne peut pas être vide.")
        return _check_text(value, max_len=MAX_LINE, multiline=False)

    @field_validator("value", "help")
    @classmethod
    def _long_text(cls, value: str) -> str:
        return _check_text(value, max_len=MAX_TEXT, multiline=True)

    @property
    def known(self) -> bool:
        return bool(self.value.strip())


class Contact(_Model):
    label: str = "Contact de l'école"
    email: str = ""
    phone: str = ""
    url: str = ""
    message: str = ""  # shown in refusals while email, phone and url are all empty ("" = nothing more)
    keywords: list[str] = Field(default_factory=list)

    @field_validator("label", "email", "phone", "url", "message", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> str:
        return _text(value)

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        return _check_text(value, max_len=MAX_LINE, multiline=False)

    @field_validator("message")
    @classmethod
    def _message(cls, value: str) -> str:
        return _check_text(value, max_len=MAX_TEXT, multiline=True)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        _check_text(value, max_len=MAX_LINE, multiline=False)
        if value and not _EMAIL.fullmatch(value):
            raise ValueError("ce n'est pas une adresse e-mail valide (une seule @ et un point dans le domaine, "
                             "par exemple admissions@ecole.fr).")  # fmt: skip
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        _check_text(value, max_len=MAX_LINE, multiline=False)
        if value and not _URL.fullmatch(value):
            raise ValueError("l'adresse doit commencer par https:// ou http:// et ne contenir aucune espace.")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        _check_text(value, max_len=MAX_LINE, multiline=False)
        if value and not (_PHONE.fullmatch(value) and any(ch.isdigit() for ch in value)):
            raise ValueError("seuls les chiffres, les espaces et les signes + . ( ) - sont acceptés.")
        return value

    @property
    def has_details(self) -> bool:
        return any(d.strip() for d in (self.email, self.phone, self.url))

    def render(self) -> str:
        """One French line with whatever contact details are filled (the message when none is)."""
        details = [d for d in (self.email, self.phone, self.url) if d.strip()]
        if not details:
            return self.message
        return f"{self.label} : " + " · ".join(details)


class SchoolInfo(_Model):
    last_updated: str = ""
    contact: Contact = Field(default_factory=Contact)
    fields: dict[str, SchoolField] = Field(default_factory=dict)

    @field_validator("last_updated", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> str:
        if isinstance(value, date):  # an unquoted date in hand-written YAML
            return value.isoformat()
        return _text(value)

    @field_validator("last_updated")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        if not value:
            return value
        try:
            valid = bool(_DATE.fullmatch(value)) and date.fromisoformat(value).isoformat() == value
        except ValueError:
            valid = False
        if not valid:
            raise ValueError("laissez vide ou écrivez une date réelle au format AAAA-MM-JJ (par exemple 2025-09-01).")
        return value

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


def school_path(corpus_dir: Path) -> Path:
    return (corpus_dir / SCHOOL_FILE).resolve()


@lru_cache(maxsize=8)
def _load(path: str, version: tuple[int, int, int]) -> SchoolInfo:
    """One parse per version of the file (``version`` is only the cache key: mtime, size, inode)."""
    file = Path(path)
    if not file.is_file():
        return SchoolInfo()
    raw: Any = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    return SchoolInfo.model_validate(raw)


def load_school(corpus_dir: Path) -> SchoolInfo:
    """The school file as it is now: parsed again as soon as it changes (a save replaces the file, so its
    inode, mtime or size differs); an absent file is an empty SchoolInfo."""
    path = school_path(corpus_dir)
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    except FileNotFoundError:
        version = (-1, -1, -1)
    return _load(str(path), version)
