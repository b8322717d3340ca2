"""Hybrid retrieval: BM25 + dense fused by reciprocal rank, then code-aware routing.

Codes named in the question (CR7, C7, E2, "bloc 3", "CR11 à 13": whatever the pack's grammar reads) put the
chunks grounding them first; a criterion pulls its competency and vice versa; an evaluation key
pulls its criteria; a bloc pulls its evaluations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from assistant.index.chunks import Chunk
from assistant.index.keyword_index import KeywordIndex
from assistant.index.sentence_store import SentenceIndex
from assistant.index.store import VectorStore
from assistant.pack import Pack, Referentiel
from assistant.retrieve.corpus import Corpus
from assistant.retrieve.crosscut import crosscut
from assistant.settings import AnswerSettings, RetrievalSettings


class RetrievalFilter(BaseModel):
    """Metadata filters callers may apply."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bloc: str | None = None
    evaluation: str | None = None
    doc_types: tuple[str, ...] | None = None

    def accepts(self, chunk: Chunk) -> bool:
        if self.bloc and chunk.bloc != self.bloc:
            return False
        if self.evaluation and chunk.evaluation != self.evaluation:
            return False
        return not (self.doc_types and chunk.doc_type not in self.doc_types)

    def where(self) -> dict[str, object] | None:
        conds: list[dict[str, object]] = []
        if self.bloc:
            conds.append({"bloc": self.bloc})
        if self.evaluation:
            conds.append({"evaluation": self.evaluation})
        if self.doc_types:
            conds.append({"doc_type": {"$in": list(self.doc_types)}})
        if not conds:
            return None
        return conds[0] if len(conds) == 1 else {"$and": conds}


@dataclass
class Hit:
    chunk: Chunk
    score: float
    routed: bool = False
    signals: dict[str, int] = field(default_factory=dict)  # rank in each retriever (1-based)


def partners(ref: Referentiel, code: str) -> list[str]:
    """Item ids that belong with ``code`` in an answer (by-number partners, members)."""
    kinds = ref.codes()
    kind = kinds.get(code)
    if kind == "criterion":
        return ref.criterion(code).competencies
    if kind == "competency":
        return [c.code for c in ref.criteria_for_competency(code)]
    if kind == "evaluation":
        return ref.evaluation(code).criteria_codes
    if kind == "bloc":
        return list(ref.bloc(code).evaluations)
    if kind == "activity":
        bloc = ref.bloc_of(code)
        return [c.code for c in bloc.competencies if c.activity == code]
    return []


class HybridRetriever:
    def __init__(
        self,
        store: VectorStore,
        pack: Pack,
        chunks: list[Chunk] | None = None,
        settings: RetrievalSettings | None = None,
        answer_settings: AnswerSettings | None = None,
    ) -> None:
        self.store = store
        self.pack = pack
        self.ref = pack.ref
        self.settings = settings or RetrievalSettings()
        # Authority prior: the référentiel is the rule, course passages explain it. Course chunks' fused
        # scores are scaled by this factor so a rule outranks an explanation of similar relevance.
        self.course_weight = self.settings.course_weight
        chunks = store.all_chunks() if chunks is None else chunks
        self.corpus = Corpus(pack, chunks, answer_settings)
        self.by_id = self.corpus.by_id
        self.own = self.corpus.own
        self.keyword = KeywordIndex([c.id for c in chunks], [c.text for c in chunks], tokenized=self.corpus.tokens)
        # The indexed evidence sentences (set by the runtime once loaded): passages ranked by their best sentence.
        self.sentences: SentenceIndex | None = None

    def __len__(self) -> int:
        return len(self.corpus)

    def routed_ids(self, query: str) -> list[str]:
        known = self.ref.codes()
        codes = [c for c in self.pack.codes.find(query) if c in known]
        ordered: list[str] = []
        # A container named with a topic: its members that hold it come first; with a part only, the
        # container (which describes its parts) comes first, then the part's members.
        narrower = self.corpus.narrower
        narrowed = narrower.narrow(query, codes)
        first = narrowed if narrower.by_topic(query, codes) else []
        for code in first:
            ordered += self.own.get(code, [])[:1]
        for code in codes:
            ordered += self.own.get(code, [])
        for code in narrowed:
            ordered += self.own.get(code, [])[:1]
        for code in codes:
            for partner in partners(self.ref, code):
                ordered += self.own.get(partner, [])[:1]
        if not codes:
            cc = crosscut(self.pack, query, self.settings.crosscut_ratio)
            for code in cc.matches if cc else []:
                ordered += self.own.get(code, [])[:1]
        return list(dict.fromkeys(ordered))

    def search(
        self,
        query: str,
        k: int = 8,
        filters: RetrievalFilter | None = None,
        vector: list[float] | None = None,
        course_weight: float | None = None,
    ) -> list[Hit]:
        """The ``k`` best passages for ``query`` (``vector``: its query embedding, when the caller has it;
        ``course_weight``: the authority prior of course passages for this question, when its intent says where
        the answer lives)."""
        return self.search_scored(query, k, filters, vector, course_weight)[0]

    def search_scored(
        self,
        query: str,
        k: int = 8,
        filters: RetrievalFilter | None = None,
        vector: list[float] | None = None,
        course_weight: float | None = None,
    ) -> tuple[list[Hit], float]:
        """:meth:`search`, and the dense cosine of the passage closest to the query (0 when none): an
        answerability feature, read from the dense ranking this search makes anyway."""
        prior = self.course_weight if course_weight is None else course_weight
        filters = filters or RetrievalFilter()
        pool = self.settings.pool
        by_sentence = self.sentences is not None and len(self.sentences) > 0 and self.settings.sentence_weight > 0
        if vector is None and by_sentence:
            vector = self.store.embedding.embeddings.embed_query(query)  # once, for passages and sentences
        dense = self.store.search(query, k=min(pool, max(len(self.by_id), 1)), where=filters.where(), vector=vector)
        # The pack's glossary puts English and informal words into the référentiel's French for BM25.
        translated = self.corpus.key_terms.translate(query)
        sparse = self.keyword.search(f"{query} {translated}" if translated else query, pool * 2)
        ranked: list[tuple[str, list[tuple[str, float]], float]] = [("dense", dense, 1.0), ("bm25", sparse, 1.0)]
        if by_sentence and self.sentences is not None and vector is not None:  # (narrowing for the type checker)
            best = self.sentences.search(vector, pool * 3)
            ranked.append(("sentence", [(cid, 0.0) for cid in dict.fromkeys(s.chunk_id for s in best)],
                           self.settings.sentence_weight))  # fmt: skip
        fused: dict[str, float] = {}
        signals: dict[str, dict[str, int]] = {}
        for name, results, list_weight in ranked:
            rank = 0
            for chunk_id, _ in results:
                chunk = self.by_id.get(chunk_id)
                if chunk is None or not filters.accepts(chunk):
                    continue
                rank += 1
                weight = list_weight * (1.0 if chunk.doc_type == "referentiel" else prior)
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (self.settings.rrf_k + rank)
                signals.setdefault(chunk_id, {})[name] = rank
        hits: list[Hit] = []
        for chunk_id in self.routed_ids(query):
            chunk = self.by_id.get(chunk_id)
            if chunk is not None and filters.accepts(chunk) and len(hits) < k:
                hits.append(Hit(chunk, fused.get(chunk_id, 0.0), routed=True, signals=signals.get(chunk_id, {})))
        seen = {h.chunk.id for h in hits}
        pulled = 0
        for chunk_id, score in sorted(fused.items(), key=lambda kv: -kv[1]):
            if len(hits) >= k:
                break
            if chunk_id in seen:
                continue
            chunk = self.by_id[chunk_id]
            hits.append(Hit(chunk, score, signals=signals.get(chunk_id, {})))
            seen.add(chunk_id)
            # A criterion found by content brings its competency (and vice versa), as a named code does.
            if chunk.kind in ("criterion", "competency") and pulled < self.settings.partner_pulls:
                for partner in partners(self.ref, chunk.codes[0])[:1]:
                    for pid in self.own.get(partner, [])[:1]:
                        if pid not in seen and len(hits) < k and filters.accepts(self.by_id[pid]):
                            hits.append(Hit(self.by_id[pid], fused.get(pid, 0.0), routed=True,
                                            signals=signals.get(pid, {})))  # fmt: skip
                            seen.add(pid)
                            pulled += 1
        return hits, dense[0][1] if dense else 0.0
