"""What every composer may read: the corpus, the structured référentiel answers, the school file."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answer.evidence import EvidencePicker
from assistant.answer.phrases import REFUSAL, t
from assistant.answer.structured import StructuredAnswerer
from assistant.pack import Pack
from assistant.pack.school import SchoolField, SchoolInfo
from assistant.retrieve.corpus import Corpus
from assistant.retrieve.intents import unit_rows
from assistant.settings import Settings
from assistant.text.language import Lang


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
    pack: Pack
    settings: Settings
    corpus: Corpus
    structured: StructuredAnswerer
    evidence: EvidencePicker
    school: SchoolInfo
    embeddings: Embeddings

    _field_vectors: np.ndarray | None = None

    def school_fields(self, question: str, vector: list[float]) -> list[tuple[str, SchoolField]]:
        """The school-file fields a question is about: those its keywords name, else the one nearest in meaning
        (each field embedded once from its label and keywords)."""
        named = self.school.match(question)
        if named or not self.school.fields:
            return named
        names = list(self.school.fields)
        if self._field_vectors is None:
            texts = [f"{f.label} ({', '.join(f.keywords)})" for f in self.school.fields.values()]
            self._field_vectors = unit_rows(self.embeddings.embed_documents(texts))
        best = int(np.argmax(self._field_vectors @ unit_rows([vector])[0]))
        return [(names[best], self.school.fields[names[best]])]

    def refusal_lines(self, lang: Lang) -> list[str]:
        contact = self.school.contact
        if contact.has_details:
            return [REFUSAL[lang], t("refusal_contact", lang, contact=contact.render())]
        return [REFUSAL[lang], contact.message]
