"""Offline review engine: attendus -> evidence -> verdict, per single criterion.

For each attendu of each criterion, the best passages of the draft are found by keywords (BM25 over
the draft) and, when an embedder is available, by meaning (e5). A passage *shows* an attendu only
if it is on topic, holds the substance the attendu requires (amounts, dates, named tools, KPIs with
values…) and does not merely echo the référentiel's own wording. Status and confidence follow from
the attendus met; "covered" needs at least one verified quote.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.index.embeddings import EmbeddingChoice
from assistant.index.keyword_index import KeywordIndex
from assistant.pack import Attendu, Criterion, Pack, join
from assistant.pack.courses import sheets_for
from assistant.review.models import (
    STATUS_ORDER,
    AttenduResult,
    CriterionVerdict,
    Evidence,
    SheetRef,
    Status,
)
from assistant.review.passages import DraftText, Passage
from assistant.review.quotes import shorten, verify_quote
from assistant.review.signals import WEAK_KINDS, Signals
from assistant.review.structure import ShapeMatch, ShapeReader
from assistant.review.vector_cache import read_vectors, write_vectors
from assistant.review.verdict import VerdictModel, criterion_features, load_verdict_model
from assistant.settings import ReviewSettings
from assistant.text.fold import fold
from assistant.text.labels import FEEDBACK, SUBSTANCE
from assistant.text.language import detect_language
from assistant.text.sentences import split_sentences
from assistant.text.tokens import tokenize, words


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", fold(text))
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


@dataclass
class PassageFacts:
    stems: set[str]
    kinds: set[str]
    specifics: int
    echo: float
    summary: bool = False  # touches many criteria at once: a claim or a summary, not evidence


@dataclass
class AttenduJudgement:
    attendu: Attendu
    status: Status
    score: float
    passage: Passage | None = None
    quote: str | None = None
    reason: str = ""
    shape: ShapeMatch | None = None
    """The table or list that shows the attendu as a whole, when one does (its excerpt is the quote)."""
    rel: float = 0.0
    """Relevance of the best candidate (passage or structure), whatever its status."""
    dense: float = 0.0
    """Best meaning similarity of a draft passage to the attendu, rescaled (0 when no embedder)."""
    substance: float = 0.0
    """Share of the attendu's substance kinds the chosen evidence holds."""
    specifics: int = 0
    rejected_echo: bool = False
    """A relevant candidate was set aside because it echoes the référentiel or summarises every criterion."""

    @property
    def structured(self) -> bool:
        return self.shape is not None

    @property
    def location(self) -> str:
        if self.shape is not None:
            return self.shape.block.location
        return self.passage.location if self.passage is not None else ""


@dataclass
class DraftIndex:
    """Everything computed once per draft and shared by all criteria."""

    draft: DraftText
    keyword: KeywordIndex
    facts: list[PassageFacts]
    vectors: dict[int, list[float]] = field(default_factory=dict)
    foreign: bool = False  # the draft is not in French: keywords (French) say less, meaning more
    embed_ms: float = 0.0  # time spent embedding the draft's passages (the speed yardstick)
    key: str = ""
    """The evaluation the draft is reviewed for."""
    block_stems: list[set[str]] = field(default_factory=list)
    block_passages: list[list[int]] = field(default_factory=list)
    """Passages that hold each block's unit (their meaning similarity is the block's)."""

    @property
    def lang(self) -> str:
        """Language of the feedback: the draft's (English or French)."""
        return "en" if self.foreign else "fr"


class ReviewEngine:
    def __init__(self, pack: Pack, embedding: EmbeddingChoice | None, settings: ReviewSettings | None = None) -> None:
        self.pack = pack
        self.ref = ref = pack.ref
        self.embedding = embedding
        self.corpus_dir = pack.root
        self.settings = settings or ReviewSettings()
        self.signals = Signals(pack.vocab, pack.ref.codes())
        self.verdict_model: VerdictModel | None = load_verdict_model(pack.root, self.settings.house_verdict_model)
        self.shapes = ShapeReader(pack.vocab, self.signals, self.settings.shape_share)
        self._attendu_vectors: dict[str, list[float]] = {}
        self._attendu_lock = threading.Lock()
        self._sample_vectors: dict[str, np.ndarray] = {}
        self.sample_embeddings: Embeddings | None = None
        """The embedder of the attendus' sample answers: the pack's shipped vectors first (set by the service)."""
        self.vector_cache: Path | None = None
        """Where the attendus' vectors are kept between processes (set by the service)."""
        self._echo_grams: dict[str, set[tuple[str, ...]]] = {}
        # Keyword weights: a stem shared by many attendus ("tableau", "objectif") says little.
        self._att_stems = {
            a.id: set(tokenize([f"{a.label} {' '.join(a.keywords)}"])[0]) for c in ref.criteria for a in c.attendus
        }
        df: dict[str, int] = {}
        for stems in self._att_stems.values():
            for stem in stems:
                df[stem] = df.get(stem, 0) + 1
        n = max(len(self._att_stems), 1)
        self._idf = {stem: math.log((n + 1) / (count + 0.5)) for stem, count in df.items()}

    def attendu_stems(self, att: Attendu) -> set[str]:
        """Stems of the attendu's label and keywords (what its keyword coverage counts)."""
        return self._att_stems.get(att.id, set())

    def keyword_coverage(self, att: Attendu, stems: set[str]) -> float:
        """Share of the attendu's most telling keywords found in a passage (IDF-weighted)."""
        own = self._att_stems.get(att.id) or set(tokenize([f"{att.label} {' '.join(att.keywords)}"])[0])
        weights = sorted((self._idf.get(s, 1.0) for s in own), reverse=True)
        target = sum(weights[:3]) or 1.0
        return min(1.0, sum(self._idf.get(s, 1.0) for s in own & stems) / target)

    # ---- per draft ------------------------------------------------------------------------------
    def echo_grams(self, key: str) -> set[tuple[str, ...]]:
        """Word trigrams of the référentiel text a candidate could copy for this evaluation."""
        if key not in self._echo_grams:
            ev = self.ref.evaluation(key)
            bloc = self.ref.bloc(ev.bloc)
            texts = [join(ev.title), join(ev.modality)]
            texts += [c.full_text for c in self.ref.criteria_of(key)]
            texts += [join(c.text) for c in bloc.competencies] + [join(a.text) for a in bloc.activities]
            grams: set[tuple[str, ...]] = set()
            for text in texts:
                grams |= trigrams(text)
            self._echo_grams[key] = grams
        return self._echo_grams[key]

    def common_words(self, key: str) -> frozenset[str]:
        """Folded words of the référentiel text for this evaluation (not specifics when a draft repeats them)."""
        return frozenset(w for gram in self.echo_grams(key) for w in gram)

    def _in_french(self, text: str) -> str:
        """The pack glossary's French words for the English words of ``text`` (keywords of an English draft)."""
        glossary = self.pack.vocab.glossary
        return " ".join(glossary[w] for w in words(text) if w in glossary)

    def index(self, draft: DraftText, key: str, *, dense: bool = True) -> DraftIndex:
        sample = " ".join(p.text for p in draft.passages[:20])[:4000]
        foreign = detect_language(sample) == "en"
        # An English draft is matched on its words and on their French glossary words (attendus are French).
        texts = [
            f"{p.index_text}\n{self._in_french(p.index_text)}" if foreign else p.index_text for p in draft.passages
        ]
        keyword = KeywordIndex([str(p.id) for p in draft.passages], texts)
        grams = self.echo_grams(key)
        facts = []
        for p, text in zip(draft.passages, texts, strict=True):
            own = trigrams(p.text)
            echo = len(own & grams) / len(own) if own else 0.0
            shown = self.signals.shown(p.text)  # substance counts only where the work is shown, not announced
            facts.append(PassageFacts(set(tokenize([text])[0]), self.signals.kinds_present(shown, p.is_table),
                                      self.signals.specifics(shown, self.common_words(key)), echo))  # fmt: skip
        for fact, passage in zip(facts, draft.passages, strict=True):
            touched = sum(
                any(self.keyword_coverage(a, fact.stems) >= 0.5 for a in crit.attendus)
                for crit in self.ref.criteria_of(key)
            )
            count = len(self.ref.criteria_of(key))
            # An evaluation with fewer criteria than summary_criteria: touching all of them is a summary.
            need = min(count, max(self.settings.summary_criteria, math.ceil(0.6 * count)))
            # A table whose rows hold specifics is work shown, however many criteria its words touch.
            worked = passage.is_table and fact.specifics >= max(3, passage.text.count("\n"))
            short = len(passage.text.split()) < self.settings.summary_max_words
            fact.summary = touched >= need and short and not worked
        index = DraftIndex(draft, keyword, facts, foreign=foreign, key=key)
        for block in draft.blocks:
            text = f"{block.index_text}\n{self._in_french(block.index_text)}" if foreign else block.index_text
            index.block_stems.append(set(tokenize([text])[0]))
            index.block_passages.append([p.id for p in draft.passages if block.unit in p.units])
        if dense and self.embedding is not None and draft.passages:
            chosen = draft.passages
            if len(chosen) > self.settings.max_dense_passages:
                chosen = self._shortlist(index, key)
            started = time.perf_counter()
            vectors = self.embedding.embeddings.embed_documents(
                [p.index_text[: self.settings.dense_chars] for p in chosen]
            )
            index.embed_ms = (time.perf_counter() - started) * 1000
            index.vectors = {p.id: v for p, v in zip(chosen, vectors, strict=True)}
        return index

    def _shortlist(self, index: DraftIndex, key: str) -> list[Passage]:
        keep: dict[int, Passage] = {}
        for rank in range(4):  # round-robin over attendus so every one keeps its best passages
            for crit in self.ref.criteria_of(key):
                for att in crit.attendus:
                    hits = index.keyword.search(self._query(att), 4)
                    if rank < len(hits):
                        pid = int(hits[rank][0])
                        keep.setdefault(pid, index.draft.passages[pid])
        return list(keep.values())[: self.settings.max_dense_passages]

    # ---- attendus -----------------------------------------------------------------------------
    @staticmethod
    def _query(att: Attendu) -> str:
        return f"{att.label} {' '.join(att.keywords)} {att.evidence}"

    def prepare_attendus(self, key: str) -> None:
        """Embed the attendus of ``key`` not yet embedded, in one batch (once per process and evaluation)."""
        if self.embedding is None:
            return
        with self._attendu_lock:  # concurrent reviews share the vectors: one thread fills them
            self._prepare_attendus(key, self.embedding)

    def _prepare_attendus(self, key: str, embedding: EmbeddingChoice) -> None:
        todo = [a for c in self.ref.criteria_of(key) for a in c.attendus if a.id not in self._attendu_vectors]
        if not todo:
            return
        if self.vector_cache is not None and not self._attendu_vectors:
            self._attendu_vectors.update(read_vectors(self.vector_cache))
            todo = [a for a in todo if a.id not in self._attendu_vectors]
            if not todo:
                return
        texts = [f"{a.label}. {a.evidence}" for a in todo]
        batch = getattr(embedding.embeddings, "embed_queries", None)
        vectors = batch(texts) if callable(batch) else [embedding.embeddings.embed_query(t) for t in texts]
        for att, vector in zip(todo, vectors, strict=True):
            self._attendu_vectors[att.id] = vector
        if self.vector_cache is not None:
            write_vectors(self.vector_cache, dict(self._attendu_vectors))

    def attendu_vector(self, att: Attendu) -> list[float] | None:
        if self.embedding is None:
            return None
        if att.id not in self._attendu_vectors:
            self._attendu_vectors[att.id] = self.embedding.embeddings.embed_query(f"{att.label}. {att.evidence}")
        return self._attendu_vectors[att.id]

    def sample_vectors(self, attendus: Sequence[Attendu]) -> dict[str, np.ndarray]:
        """Each attendu's sample answers embedded as passages, as an answer is (its label and evidence when the
        pack gives none): one row per sample, embedded once per attendu, the missing ones in one batch."""
        if self.embedding is None:
            return {}
        with self._attendu_lock:  # sessions share the engine: one thread embeds
            todo = [a for a in attendus if a.id not in self._sample_vectors]
            if todo:
                texts = [a.sample_answers or [f"{a.label}. {a.evidence}"] for a in todo]
                embedder = self.sample_embeddings or self.embedding.embeddings
                vectors = embedder.embed_documents([t for group in texts for t in group])
                start = 0
                for att, group in zip(todo, texts, strict=True):
                    self._sample_vectors[att.id] = np.asarray(vectors[start : start + len(group)], dtype=np.float64)
                    start += len(group)
            return {a.id: self._sample_vectors[a.id] for a in attendus}

    def _relevance(self, kw: float, dense: float, foreign: bool) -> float:
        """Keywords carry relevance; meaning adds to it (and carries it for drafts not in French)."""
        rel = max(kw, 0.7 * kw + 0.3 * dense)
        return max(rel, 0.8 * dense) if foreign else rel

    def _dense(self, sim: float | None) -> float:
        if sim is None:
            return 0.0
        return min(1.0, max(0.0, (sim - self.settings.dense_floor) / self.settings.dense_span))

    def judge_attendu(self, att: Attendu, index: DraftIndex) -> AttenduJudgement:
        candidates: dict[int, float] = {}
        for hit_id, _ in index.keyword.search(self._query(att), self.settings.candidates):
            candidates[int(hit_id)] = 0.0
        vector = self.attendu_vector(att) if index.vectors else None
        sims: dict[int, float] = {}
        if vector is not None:
            for pid, pvec in index.vectors.items():
                sims[pid] = sum(a * b for a, b in zip(vector, pvec, strict=True))
            for pid, _ in sorted(sims.items(), key=lambda kv: -kv[1])[: self.settings.candidates]:
                candidates.setdefault(pid, 0.0)
        say = FEEDBACK[index.lang]
        best = AttenduJudgement(att, "missing", 0.0, reason=say["no_passage"])
        best.dense = max((self._dense(v) for v in sims.values()), default=0.0)
        att_stems = self._att_stems.get(att.id, set())

        strong = [k for k in att.substance if k not in WEAK_KINDS]
        for pid in candidates:
            passage = index.draft.passages[pid]
            facts = index.facts[pid]
            kw = self.keyword_coverage(att, facts.stems)
            rel = self._relevance(kw, self._dense(sims.get(pid)), index.foreign)
            best.rel = max(best.rel, rel)
            present = [k for k in att.substance if k in facts.kinds]
            subst = len(present) / len(att.substance)
            echo_ok = facts.echo < self.settings.echo_max
            concrete = facts.specifics >= (1 if strong else 2)
            strong_ok = all(k in facts.kinds for k in strong) if strong else bool(present)
            status: Status
            if rel >= self.settings.rel_partial and (not echo_ok or facts.summary):
                best.rejected_echo = True
            if rel >= self.settings.rel_met and strong_ok and concrete and echo_ok and not facts.summary:
                status, reason = "covered", say["shown_concretely"]
            elif (
                rel >= self.settings.rel_partial
                and facts.specifics >= 1
                and (present or facts.specifics >= 2)
                and echo_ok
            ):
                status = "partial"
                missing_kinds = [k for k in att.substance if k not in present]
                reason = (
                    say["partial_without"].format(missing=", ".join(SUBSTANCE[index.lang][k] for k in missing_kinds))
                    if missing_kinds
                    else say["partial_general"]
                )
            else:
                continue
            score = rel * (0.5 + 0.5 * subst) * (1.0 if echo_ok else 0.5)
            if (STATUS_ORDER[status], score) > (STATUS_ORDER[best.status], best.score):
                best = AttenduJudgement(att, status, score, passage, reason=reason, rel=best.rel, dense=best.dense,
                                        substance=subst, specifics=facts.specifics,
                                        rejected_echo=best.rejected_echo)  # fmt: skip
        if att.shape is not None:
            best = self._judge_structures(att, index, sims, best)
        if best.passage is not None and best.shape is None:
            best.quote = best_quote(best.passage, att, att_stems, self.signals)
        return best

    def _judge_structures(
        self, att: Attendu, index: DraftIndex, sims: dict[int, float], best: AttenduJudgement
    ) -> AttenduJudgement:
        """The draft's tables and lists judged whole against the attendu's shape; the better judgement wins."""
        assert att.shape is not None
        say = FEEDBACK[index.lang]
        for b, block in enumerate(index.draft.blocks):
            match = self.shapes.match(att.shape, block)
            if match.score < self.settings.shape_partial:
                continue
            kw = self.keyword_coverage(att, index.block_stems[b])
            dense = max((self._dense(sims.get(pid)) for pid in index.block_passages[b]), default=0.0)
            rel = self._relevance(kw, dense, index.foreign)
            if rel < self.settings.rel_partial:
                continue
            status: Status = "covered" if match.score >= 1.0 else "partial"
            if status == "covered":
                reason = say[f"shown_{block.kind}"]
            else:
                reason = say[f"partial_{block.kind}"].format(missing=", ".join(self._facet_label(f, index.lang)
                                                                               for f in match.missing))  # fmt: skip
            score = rel * (0.5 + 0.5 * match.score)
            # At the same status, the whole structure shows the attendu better than one of its rows.
            rank = (STATUS_ORDER[status], best.shape is None or score > best.score)
            if rank > (STATUS_ORDER[best.status], False):
                best = AttenduJudgement(att, status, score, None, "\n".join(match.excerpt), reason, match,
                                        rel=max(best.rel, rel), dense=best.dense, substance=match.score,
                                        specifics=self.signals.specifics(block.text, self.common_words(index.key)),
                                        rejected_echo=best.rejected_echo)  # fmt: skip
        return best

    def _facet_label(self, facet: str, lang: str) -> str:
        own = self.pack.vocab.shape_labels.get(lang, {}) or self.pack.vocab.shape_labels.get("fr", {})
        return own.get(facet) or SUBSTANCE[lang].get(facet, facet)

    # ---- criteria -----------------------------------------------------------------------------
    def assess(self, crit: Criterion, index: DraftIndex) -> tuple[list[AttenduJudgement], dict[str, float]]:
        """The attendus' judgements (a covered attendu without a verified quote is partial) and the features."""
        judgements = [self.judge_attendu(att, index) for att in crit.attendus]
        for j in judgements:
            verified = bool(j.quote and j.location and verify_quote(j.quote, index.draft.unit_texts) is not None)
            if not verified:
                j.quote = None
                if j.status == "covered":
                    j.status = "partial"  # nothing we can show: not covered
        shaped = sum(att.shape is not None for att in crit.attendus)
        return judgements, criterion_features(judgements, shaped, index.draft.words, index.foreign)

    def judge_criterion(self, crit: Criterion, index: DraftIndex) -> CriterionVerdict:
        if self.verdict_model is None:
            raise RuntimeError("no verdict model for this pack: run scripts/fit_verdict.py")
        judgements, features = self.assess(crit, index)
        embedder = self.embedding.model_id if self.embedding is not None else ""
        status, confidence = self.verdict_model.decide(features, embedder)
        results = [
            AttenduResult(
                id=j.attendu.id,
                label=self.pack.feedback.label(j.attendu, index.lang),
                status=j.status,
                score=round(min(1.0, j.score), 3),
                evidence=[Evidence(quote=j.quote, location=j.location)] if j.quote else [],
                reason=j.reason,
            )
            for j in judgements
        ]
        # The evidence block is what the attendus found, always: it never contradicts their list.
        evidence: list[Evidence] = []
        for r in sorted(results, key=lambda r: -STATUS_ORDER[r.status]):
            for e in r.evidence:
                if r.status != "missing" and all(e.quote != x.quote for x in evidence) and len(evidence) < 3:
                    evidence.append(e)
        if status == "covered" and not evidence:
            status = "partial"  # "covered" needs at least one verified quote
        say = FEEDBACK[index.lang]
        missing = [r.label if r.status == "missing" else say["partial_item"].format(label=r.label, reason=r.reason)
                   for r in results if r.status != "covered"]  # fmt: skip
        advice = [self.pack.feedback.advice(att, index.lang)
                  for att, r in zip(crit.attendus, results, strict=True) if r.status != "covered"]  # fmt: skip
        sheets = [SheetRef(slug=s.slug, title=s.title, path=s.path) for s in sheets_for(crit.code, self.corpus_dir)]
        if sheets and status != "covered":
            advice.append(say["method_sheet"].format(title=sheets[0].title, path=sheets[0].path))
        return CriterionVerdict(
            code=crit.code, status=status, confidence=round(confidence, 2), evidence=evidence,
            missing=missing, advice=advice, referentiel=crit.full_text, attendus=results, sheets=sheets,
        )  # fmt: skip

    def evaluation_fit(self, index: DraftIndex, key: str) -> float:
        """How well the draft matches an evaluation (keywords + substance only; cheap)."""
        points = []
        for crit in self.ref.criteria_of(key):
            for att in crit.attendus:
                best = 0.0
                for pid, _ in index.keyword.search(self._query(att), 3):
                    facts = index.facts[int(pid)]
                    kw = self.keyword_coverage(att, facts.stems)
                    if any(k in facts.kinds for k in att.substance) and facts.echo < self.settings.echo_max:
                        best = max(best, kw)
                points.append(best)
        return sum(points) / len(points) if points else 0.0


def best_quote(passage: Passage, att: Attendu, kw_stems: set[str], signals: Signals) -> str | None:
    """The sentence (or table row) of ``passage`` that best shows the attendu."""
    if passage.is_table:
        rows = [r for r in passage.text.splitlines() if r.strip() and not set(r.strip()) <= set("|-: ")]
        candidates = rows[1:] or rows
    else:
        candidates = split_sentences(passage.text) or [passage.text.strip()]
    best: str | None = None
    best_score = -1.0
    shown = [sentence for sentence in candidates if not signals.deferred(sentence)]
    for sentence in shown or candidates:
        kinds = signals.kinds_present(sentence, False)
        score = 2.0 * sum(k in kinds for k in att.substance) + len(kw_stems & set(tokenize([sentence])[0]))
        score += min(signals.specifics(sentence), 3) * 0.5
        if score > best_score:
            best, best_score = sentence, score
    return shorten(best.strip()) if best else None
