"""What every composer may read: the corpus, the structured référentiel answers, the school file."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from langchain_core.embeddings import Embeddings
from pydantic import ValidationError

from assistant.answer.evidence import EvidencePicker
from assistant.answer.models import Audience
from assistant.answer.phrases import REFUSAL, no_contact_line, t
from assistant.answer.structured import StructuredAnswerer
from assistant.pack import Pack
from assistant.pack.school import SchoolField, SchoolInfo, load_school
from assistant.retrieve.corpus import Corpus
from assistant.retrieve.intents import unit_rows
from assistant.settings import Settings
from assistant.text.language import Lang

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Composition:
    """A composed answer: its Markdown lines and how it was answered (the ``kind`` of the JSON answer)."""

    lines: list[str]
    kind: str

    @property
    def empty(self) -> bool:
        return not any(line.strip() for line in self.lines)


@dataclass
class Context:
    """``school`` is read from ``corpus_dir`` at each use, so a save from Administration counts from the next
    question (the file is parsed again only when it changed)."""

    pack: Pack
    settings: Settings
    corpus: Corpus
    structured: StructuredAnswerer
    evidence: EvidencePicker
    corpus_dir: Path
    embeddings: Embeddings

    _school: SchoolInfo | None = field(default=None, init=False, repr=False)
    _field_texts: tuple[str, ...] = field(default=(), init=False, repr=False)
    _field_vectors: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._school = load_school(self.corpus_dir)  # a broken school file fails at start-up, as it always did

    @property
    def school(self) -> SchoolInfo:
        """The school file now; if it was broken since start-up (a hand edit), the last valid version."""
        try:
            self._school = load_school(self.corpus_dir)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
            log.warning("school file unreadable, previous version kept: %s", exc)
        assert self._school is not None
        return self._school

    def school_fields(self, question: str, vector: list[float]) -> list[tuple[str, SchoolField]]:
        """The school-file fields a question is about: those its keywords name, else the one nearest in meaning
        (each field embedded once from its label and keywords, again only when those change)."""
        school = self.school
        named = school.match(question)
        if named or not school.fields:
            return named
        names = list(school.fields)
        texts = tuple(f"{f.label} ({', '.join(f.keywords)})" for f in school.fields.values())
        if self._field_vectors is None or texts != self._field_texts:
            self._field_vectors = unit_rows(self.embeddings.embed_documents(list(texts)))
            self._field_texts = texts
        best = int(np.argmax(self._field_vectors @ unit_rows([vector])[0]))
        return [(names[best], school.fields[names[best]])]

    def refusal_lines(self, lang: Lang, audience: Audience) -> list[str]:
        """The refusal and where to turn: the school's contact details when it filled them in; otherwise that
        they are not filled in yet (candidates: ask admissions or the tutor; staff: fill them in Administration),
        with the school's own message when it wrote one."""
        contact = self.school.contact
        if contact.has_details:
            return [REFUSAL[lang], t("refusal_contact", lang, contact=contact.render())]
        lines = [REFUSAL[lang], no_contact_line(audience, lang)]
        if contact.message.strip():
            lines.append(contact.message)
        return lines
