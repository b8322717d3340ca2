"""Evidence at the sentence level: the sentences of the retrieved passages closest in meaning to the question.

The sentences of every passage are embedded at ingest (:mod:`assistant.index.sentence_store`); here the
sentences of the best passages retrieval returned are ranked by meaning (the question's query vector), by
the rare words they share with the question, and by their passage's rank; the three ranks are fused, and
those scoring at least ``answer.sentence_ratio`` of the best are kept (at most ``answer.per_chunk`` per passage and
``answer.max_sentences`` in all). The rare shared words are weighed by the corpus's single IDF table.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from assistant.index.chunks import Chunk
from assistant.retrieve.hybrid import Hit
from assistant.runtime import Runtime
from assistant.settings import AnswerSettings
from assistant.text.fold import fold

CANDIDATES = 48  # sentences scored per question before the ratio and the caps apply
PASSAGES = 6  # retrieved passages whose sentences compete
RRF_K = 10  # reciprocal-rank constant of the sentence fusion (small: a few dozen candidates)


@dataclass(frozen=True)
class Evidence:
    """One quoted sentence and the passage that holds it."""

    chunk: Chunk
    sentence: str
    score: float
    position: int


class EvidencePicker:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.settings: AnswerSettings = runtime.settings.answer
        self.sentences = runtime.sentences
        self.key_terms = runtime.corpus.key_terms

    def pick(self, question: str, vector: list[float], hits: list[Hit],
             doc_types: Collection[str] | None = None) -> list[Evidence]:  # fmt: skip
        """The evidence sentences, grouped by passage (passages in order of their best sentence)."""
        hits = [h for h in hits if doc_types is None or h.chunk.doc_type in doc_types]
        if not hits:
            return []
        hits = hits[:PASSAGES]
        rank_of = {h.chunk.id: n for n, h in enumerate(hits)}
        found = self.sentences.search(vector, CANDIDATES, chunk_ids=set(rank_of))
        found = [s for s in found if not _heading(s.text, hits[rank_of[s.chunk_id]].chunk)]
        if not found:
            return []
        # Hybrid, as for passages: the sentence's rank by meaning, by rare shared words, and its passage's rank.
        asked = self.key_terms.terms(question)
        overlap = [self.key_terms.overlap(asked, s.text) for s in found]
        lexical = sorted(range(len(found)), key=lambda i: -overlap[i])
        lex_rank = {i: r for r, i in enumerate(lexical) if overlap[i] > 0}
        fused = [
            1 / (RRF_K + n) + (1 / (RRF_K + lex_rank[n]) if n in lex_rank else 0.0) + 1 / (RRF_K + rank_of[s.chunk_id])
            for n, s in enumerate(found)
        ]
        order_by_score = sorted(range(len(found)), key=lambda i: -fused[i])
        floor = fused[order_by_score[0]] * self.settings.sentence_ratio
        chosen: list[Evidence] = []
        per: dict[str, int] = {}
        for i in order_by_score:
            s = found[i]
            if fused[i] < floor or len(chosen) >= self.settings.max_sentences:
                break
            if per.get(s.chunk_id, 0) >= self.settings.per_chunk:
                continue
            per[s.chunk_id] = per.get(s.chunk_id, 0) + 1
            chosen.append(Evidence(hits[rank_of[s.chunk_id]].chunk, s.text, fused[i], s.position))
        order = list(dict.fromkeys(e.chunk.id for e in chosen))
        chosen.sort(key=lambda e: (order.index(e.chunk.id), e.position))
        return chosen


def _heading(sentence: str, chunk: Chunk) -> bool:
    """A passage's title or section heading repeated as a sentence: close to the question, but says nothing."""
    text = fold(sentence).strip(" .:")
    return text in {fold(chunk.title).strip(" .:"), fold(chunk.section).strip(" .:")}
