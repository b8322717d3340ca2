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
from dataclasses import dataclass, field
from pathlib import Path

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
from assistant.review.vector_cache import read_vectors, write_vectors
from assistant.settings import ReviewSettings
from assistant.text.fold import fold
from assistant.text.labels import FEEDBACK, SUBSTANCE
from assistant.text.language import detect_language
from assistant.text.sentences import split_sentences
from assistant.text.tokens import tokenize, words


def _trigrams(text: str) -> set[tuple[str, ...]]:
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


@dataclass
class DraftIndex:
    """Everything computed once per draft and shared by all criteria."""

    draft: DraftText
    keyword: KeywordIndex
    facts: list[PassageFacts]
    vectors: dict[int, list[float]] = field(default_factory=dict)
    foreign: bool = False  # the draft is not in French: keywords (French) say less, meaning more
    embed_ms: float = 0.0  # time spent embedding the draft's passages (the speed yardstick)

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
        self._attendu_vectors: dict[str, list[float]] = {}
        self._attendu_lock = threading.Lock()
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
                grams |= _trigrams(text)
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
            own = _trigrams(p.text)
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
            fact.summary = touched >= need and len(passage.text.split()) < self.settings.summary_max_words
        index = DraftIndex(draft, keyword, facts, foreign=foreign)
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

    def _attendu_vector(self, att: Attendu) -> list[float] | None:
        if self.embedding is None:
            return None
        if att.id not in self._attendu_vectors:
            self._attendu_vectors[att.id] = self.embedding.embeddings.embed_query(f"{att.label}. {att.evidence}")
        return self._attendu_vectors[att.id]

    def judge_attendu(self, att: Attendu, index: DraftIndex) -> AttenduJudgement:
        candidates: dict[int, float] = {}
        for hit_id, _ in index.keyword.search(self._query(att), self.settings.candidates):
            candidates[int(hit_id)] = 0.0
        vector = self._attendu_vector(att) if index.vectors else None
        sims: dict[int, float] = {}
        if vector is not None:
            for pid, pvec in index.vectors.items():
                sims[pid] = sum(a * b for a, b in zip(vector, pvec, strict=True))
            for pid, _ in sorted(sims.items(), key=lambda kv: -kv[1])[: self.settings.candidates]:
                candidates.setdefault(pid, 0.0)
        say = FEEDBACK[index.lang]
        best = AttenduJudgement(att, "missing", 0.0, reason=say["no_passage"])
        att_stems = self._att_stems.get(att.id, set())

        strong = [k for k in att.substance if k not in WEAK_KINDS]
        for pid in candidates:
            passage = index.draft.passages[pid]
            facts = index.facts[pid]
            kw = self.keyword_coverage(att, facts.stems)
            dense = (
                min(1.0, max(0.0, (sims[pid] - self.settings.dense_floor) / self.settings.dense_span))
                if pid in sims
                else 0.0
            )
            # Keywords carry relevance; meaning adds to it (and carries it for drafts not in French).
            rel = max(kw, 0.7 * kw + 0.3 * dense)
            if index.foreign:
                rel = max(rel, 0.8 * dense)
            present = [k for k in att.substance if k in facts.kinds]
            subst = len(present) / len(att.substance)
            echo_ok = facts.echo < self.settings.echo_max
            concrete = facts.specifics >= (1 if strong else 2)
            strong_ok = all(k in facts.kinds for k in strong) if strong else bool(present)
            status: Status
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
                best = AttenduJudgement(att, status, score, passage, reason=reason)
        if best.passage is not None:
            best.quote = best_quote(best.passage, att, att_stems, self.signals)
        return best

    # ---- criteria -----------------------------------------------------------------------------
    def judge_criterion(self, crit: Criterion, index: DraftIndex) -> CriterionVerdict:
        judgements = [self.judge_attendu(att, index) for att in crit.attendus]
        unit_texts = index.draft.unit_texts
        evidence: list[Evidence] = []
        results: list[AttenduResult] = []
        for j in judgements:
            ev_list: list[Evidence] = []
            if j.quote and j.passage is not None and verify_quote(j.quote, unit_texts) is not None:
                ev_list.append(Evidence(quote=j.quote, location=j.passage.location))
            elif j.status == "covered":
                j.status = "partial"  # nothing we can show: not covered
            results.append(
                AttenduResult(
                    id=j.attendu.id,
                    label=self.pack.feedback.label(j.attendu, index.lang),
                    status=j.status,
                    score=round(min(1.0, j.score), 3),
                    evidence=ev_list,
                    reason=j.reason,
                )
            )
        points = [1.0 if r.status == "covered" else 0.5 if r.status == "partial" else 0.0 for r in results]
        score = sum(points) / len(points) if points else 0.0
        for r in sorted(results, key=lambda r: -STATUS_ORDER[r.status]):
            for e in r.evidence:
                if r.status != "missing" and all(e.quote != x.quote for x in evidence) and len(evidence) < 3:
                    evidence.append(e)
        status: Status
        if score >= self.settings.covered_at and evidence:
            status = "covered"
        elif score >= self.settings.partial_at or any(r.status == "covered" for r in results):
            status = "partial"
        else:
            status = "missing"
        confidence = _confidence(score, self.settings)
        say = FEEDBACK[index.lang]
        missing = [r.label if r.status == "missing" else say["partial_item"].format(label=r.label, reason=r.reason)
                   for r in results if r.status != "covered"]  # fmt: skip
        advice = [self.pack.feedback.advice(att, index.lang)
                  for att, r in zip(crit.attendus, results, strict=True) if r.status != "covered"]  # fmt: skip
        sheets = [SheetRef(slug=s.slug, title=s.title, path=s.path) for s in sheets_for(crit.code, self.corpus_dir)]
        if sheets and status != "covered":
            advice.append(say["method_sheet"].format(title=sheets[0].title, path=sheets[0].path))
        return CriterionVerdict(
            code=crit.code, status=status, confidence=confidence, evidence=evidence if status != "missing" else [],
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


def _confidence(score: float, settings: ReviewSettings) -> float:
    """Higher when the score sits far from the thresholds that separate the statuses."""
    distance = min(abs(score - settings.covered_at), abs(score - settings.partial_at))
    return round(min(0.95, 0.55 + distance), 2)


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
