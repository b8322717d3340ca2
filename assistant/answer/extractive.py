"""Short extractive answers: the best sentences of the best passages, each one cited."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from assistant.answer.sources import SourceBook
from assistant.index.chunks import Chunk
from assistant.retrieve.hybrid import Hit
from assistant.settings import AnswerSettings
from assistant.text.language import Lang
from assistant.text.sentences import split_at_boundaries
from assistant.text.tokens import tokenize

_MD_NOISE = re.compile(r"^\s*(?:[-*+]\s+(?:\[[ x]\]\s*)?|\d+\.\s+|#+\s+|>\s*)")


def sentences(text: str) -> list[str]:
    out = []
    for raw in split_at_boundaries(text):
        s = _MD_NOISE.sub("", raw).replace("**", "").strip()
        if s.count("|") >= 2 or len(s) < 25:
            continue  # table rows and fragments make poor answers
        out.append(s if len(s) <= 420 else s[:419].rsplit(" ", 1)[0] + "…")
    return out


class Extractor:
    def __init__(self, chunks: list[Chunk], settings: AnswerSettings | None = None) -> None:
        self.settings = settings or AnswerSettings()
        df: dict[str, int] = {}
        for toks in tokenize([chunk.body for chunk in chunks]):  # one batched call: this is start-up time
            for stem in set(toks):
                df[stem] = df.get(stem, 0) + 1
        self.n = max(len(chunks), 1)
        self.df = df

    def idf(self, stem: str) -> float:
        return math.log((self.n + 1) / (1 + self.df.get(stem, 0)))

    def overlap(self, question: str, text: str) -> float:
        q = {s for s in _stems(question) if self.idf(s) > self.settings.min_idf}
        return sum(self.idf(s) for s in q & set(_stems(text)))

    def lead_items(self, question: str, hits: list[Hit], lang: Lang, limit: int = 2) -> list[Hit]:
        """The référentiel items (criterion, competency, activity, section) that best answer the question.

        They are quoted whole: a rule is better read entire than cut into sentences.
        """
        scored: list[tuple[float, Hit]] = []
        for rank, hit in enumerate(hits[:5]):
            c = hit.chunk
            if c.doc_type != "referentiel" or c.kind not in {"criterion", "competency", "activity", "section"}:
                continue
            overlap = self.overlap(question, c.text)
            if overlap <= 0 and not (lang == "en" and rank < 2):
                continue
            scored.append((overlap + 2.0 / (1 + rank), hit))
        scored.sort(key=lambda row: -row[0])
        if not scored:
            return []
        best = scored[0][0]
        return [hit for score, hit in scored[:limit] if score >= self.settings.lead_ratio * best]

    def select(self, question: str, hits: list[Hit], lang: Lang) -> list[tuple[Hit, str]]:
        q = {s for s in _stems(question) if self.idf(s) > self.settings.min_idf}
        scored: list[tuple[float, int, int, Hit, str]] = []
        for rank, hit in enumerate(hits[:6]):
            for pos, sentence in enumerate(sentences(hit.chunk.body)):
                overlap = sum(self.idf(s) for s in q & set(_stems(sentence)))
                if overlap <= 0 and not (lang == "en" and rank < 2 and hit.chunk.doc_type == "referentiel"):
                    continue
                prior = 0.8 if hit.chunk.doc_type == "referentiel" else 0.0
                score = overlap + prior + 1.5 / (1 + rank)
                scored.append((score, rank, pos, hit, sentence))
        scored.sort(key=lambda row: -row[0])
        chosen: list[tuple[float, int, int, Hit, str]] = []
        per: dict[str, int] = {}
        for row in scored:
            cid = row[3].chunk.id
            if per.get(cid, 0) >= self.settings.per_chunk or any(row[4] == c[4] for c in chosen):
                continue
            chosen.append(row)
            per[cid] = per.get(cid, 0) + 1
            if len(chosen) >= self.settings.max_sentences:
                break
        chosen.sort(key=lambda row: (row[1], row[2]))
        return [(row[3], row[4]) for row in chosen]


@lru_cache(maxsize=4096)
def _stems_cached(text: str) -> tuple[str, ...]:
    return tuple(tokenize([text])[0])


def _stems(text: str) -> list[str]:
    return list(_stems_cached(text))


def extractive_lines(picked: list[tuple[Hit, str]], book: SourceBook) -> list[str]:
    return [f"- {sentence} {book.cite(hit.chunk)}" for hit, sentence in picked]
