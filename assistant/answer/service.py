"""Answer a question: scope check, then structured / cross-cutting / extractive answer (or the LLM)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from assistant.answer.extractive import Extractor, extractive_lines
from assistant.answer.models import Answer, Audience, Source
from assistant.answer.phrases import REFUSAL, render_lines, t
from assistant.answer.scope import ScopeDecision, assess_scope, holds_fact
from assistant.answer.sources import SourceBook
from assistant.answer.structured import StructuredAnswerer
from assistant.pack.school import SchoolInfo, load_school
from assistant.retrieve.crosscut import crosscut, item_texts
from assistant.retrieve.hybrid import Hit, RetrievalFilter
from assistant.runtime import Runtime
from assistant.text.fold import fold
from assistant.text.language import Lang, detect_language
from assistant.text.tokens import tokenize

SCHOOL_SOURCE = "ecole.yaml"


@dataclass
class Prepared:
    """Everything decided before composing: shared by the offline and LLM paths."""

    question: str
    lang: Lang
    audience: Audience
    codes: list[str]
    scope: ScopeDecision
    hits: list[Hit] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


class AnswerService:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.pack = runtime.pack
        self.structured = StructuredAnswerer(runtime.retriever, runtime.pack, runtime.settings.corpus_dir)
        self.extractor = Extractor(list(runtime.retriever.by_id.values()), runtime.settings.answer)
        self.key_terms = runtime.retriever.key_terms
        self.school: SchoolInfo = load_school(runtime.settings.corpus_dir)
        texts = [text for _, text in item_texts(runtime.ref).values()]
        texts += [f"{a.label} {a.evidence} {' '.join(a.keywords)}" for c in runtime.ref.criteria for a in c.attendus]
        vocab = {s for toks in tokenize(texts) for s in toks}  # one batched call: this is start-up time
        self.domain_vocab = vocab - set(self.pack.vocab.generic_stems)

    # ---- decisions ------------------------------------------------------------------------
    def anchored(self, question: str) -> bool:
        words = question.lower().split()
        glossary = {**self.pack.vocab.glossary, **self.pack.vocab.anchors}
        translated = " ".join(glossary.get(w.strip("?.,!;:()"), w) for w in words)
        stems = set(tokenize([translated])[0])
        return bool(stems & self.domain_vocab)

    def prepare(self, question: str, audience: Audience = "candidate") -> Prepared:
        known = self.rt.ref.codes()
        codes = [c for c in self.pack.codes.find(question) if c in known]
        lang = detect_language(question)
        fact_kinds = self.pack.vocab.fact_kinds
        scope = assess_scope(question, bool(codes) or self.anchored(question), fact_kinds)
        prepared = Prepared(question, lang, audience, codes, scope)
        asked = fact_kinds.get(scope.fact_kind or "")
        if not scope.in_scope and asked is not None and (asked.evidence or scope.weak_span):
            # Check whether the retrieved rules actually hold that kind of fact before refusing.
            hits = self.rt.retriever.search(question, k=3, filters=RetrievalFilter(doc_types=("referentiel",)))
            texts = [h.chunk.body for h in hits]
            if holds_fact(asked, texts):
                prepared.scope = scope = ScopeDecision(True, fact_kind=scope.fact_kind, reason="fact_in_referentiel")
            elif scope.weak_span and self.holds_the_rest(question, scope.weak_span, texts):
                # "quand le candidat présente-t-il son REX ?": the question word was not asking for a date.
                prepared.scope = scope = ScopeDecision(True, fact_kind=scope.fact_kind, reason="question_word_only")
        if scope.in_scope:
            t0 = time.perf_counter()
            prepared.hits = self.rt.retriever.search(question, k=self.rt.settings.top_k)
            prepared.timings["retrieval_ms"] = (time.perf_counter() - t0) * 1000
        return prepared

    # ---- offline composition ----------------------------------------------------------------
    def offline(self, p: Prepared) -> Answer:
        t0 = time.perf_counter()
        book = SourceBook()
        kind = "refusal"
        by_words = False
        lines: list[str] = []
        if not p.scope.in_scope:
            lines, kind = self._out_of_scope(p, book)
        elif p.codes:
            narrower = self.rt.retriever.narrower
            narrowed = narrower.narrow(p.question, p.codes) if narrower.members_answer(p.question, p.codes) else []
            lines, kind = self.structured.items(narrowed or p.codes, book, p.audience, p.lang), "item"
        else:
            cc = crosscut(self.pack, p.question, self.rt.settings.retrieval.crosscut_ratio)
            if cc and cc.matches:
                lines, kind = self.structured.crosscut(cc, book, p.lang), "crosscut"
                # Formats and overviews come from the structure; concept lists must hold the concept.
                by_words = bool(cc.concepts) and cc.format_query is None
                lines += self._sheet_hint(self._on_topic(p.question, p.hits), book, p.lang)
            else:
                # Every cited source must share the asked content: passages without a key term are not cited.
                hits = self._on_topic(p.question, p.hits)
                leads = self.extractor.lead_items(p.question, hits, p.lang)
                rest = [h for h in hits if h not in leads]
                picked = self.extractor.select(p.question, rest, p.lang)[: 4 - len(leads)]
                if leads or picked:
                    lines = [t("extractive_head", p.lang)]
                    lines += [self.structured.quote_item(h.chunk, book, p.lang) for h in leads]
                    lines += extractive_lines(picked, book)
                    lines += self._sheet_hint(hits, book, p.lang)
                    kind = "extractive"
                else:
                    lines = self._refusal_lines(p.lang)
        if (kind == "extractive" or (kind == "crosscut" and by_words)) and not self.holds_the_ask(p.question, book):
            book, lines, kind = SourceBook(), self._refusal_lines(p.lang), "refusal"
        p.timings["compose_ms"] = (time.perf_counter() - t0) * 1000
        return Answer(
            question=p.question,
            answer=render_lines([line for line in lines if line.strip()]),
            refused=kind == "refusal",
            sources=book.sources,
            mode="extractive",
            timings_ms={k: round(v, 1) for k, v in p.timings.items()},
            audience=p.audience,
            lang=p.lang,
            kind=kind,
        )

    def holds_the_ask(self, question: str, book: SourceBook) -> bool:
        """Do the passages to be cited hold what the question asks about (its key terms, by rarity)?"""
        terms = self.key_terms.terms(question)
        coverage = self.key_terms.coverage(terms, [s.text for s in book.sources])
        return bool(coverage >= self.rt.settings.answer.min_coverage)

    def holds_the_rest(self, question: str, span: str, texts: list[str]) -> bool:
        """Without the words that suggested a fact kind, is the question about what these passages hold?"""
        rest = fold(question).replace("’", "'").replace(span, " ")
        terms = self.key_terms.terms(rest)
        return bool(terms) and self.key_terms.coverage(terms, texts) >= self.rt.settings.answer.min_coverage

    def _refusal_lines(self, lang: Lang) -> list[str]:
        contact = self.school.contact
        if contact.has_details:
            return [REFUSAL[lang], t("refusal_contact", lang, contact=contact.render())]
        return [REFUSAL[lang], contact.message]

    def _out_of_scope(self, p: Prepared, book: SourceBook) -> tuple[list[str], str]:
        for name in p.scope.fields:
            school_field = self.school.fields.get(name)
            if school_field and school_field.known:
                source = Source(rank=len(book) + 1, source=SCHOOL_SOURCE, section=name, text=str(school_field.value),
                                title=school_field.label)  # fmt: skip
                book.sources.append(source)
                head = t("school_answer", p.lang, label=school_field.label)
                return [f"{head} {school_field.value} [{source.rank}]"], "school"
        return self._refusal_lines(p.lang), "refusal"

    def _on_topic(self, question: str, hits: list[Hit]) -> list[Hit]:
        """The hits that hold at least one key term of the question (all of them when it has none)."""
        terms = self.key_terms.terms(question)
        if not terms:
            return hits
        return [h for h in hits if self.key_terms.holds_any(terms, h.chunk.text)]

    def _sheet_hint(self, hits: list[Hit], book: SourceBook, lang: Lang) -> list[str]:
        seen: dict[str, Hit] = {}
        for hit in hits:
            if hit.chunk.doc_type == "cours" and hit.chunk.source not in seen:
                seen[hit.chunk.source] = hit
        if not seen:
            return []
        lines = ["", t("sheets", lang)]
        for source, hit in list(seen.items())[:2]:
            lines.append(f"- « {hit.chunk.title} » (`{source}`) {book.cite(hit.chunk)}")
        return lines

    def offline_condense(self, question: str, history: list[tuple[str, str]]) -> str:
        """Follow-ups without codes inherit the codes of the previous user turn ("et ses attendus ?")."""
        known = self.rt.ref.codes()
        if any(c in known for c in self.pack.codes.find(question)) or len(question.split()) > 14:
            return question
        for role, text in reversed(history):
            if role == "user":
                codes = [c for c in self.pack.codes.find(text) if c in known]
                return f"{question} ({' '.join(codes)})" if codes else question
        return question

    # ---- public API -------------------------------------------------------------------------
    def answer(self, question: str, audience: Audience = "candidate",
               history: list[tuple[str, str]] | None = None) -> Answer:  # fmt: skip
        started = time.perf_counter()
        question = question.strip()
        if history:
            question = self.offline_condense(question, history)
        if not question:
            return Answer(question="", answer="Posez une question sur le référentiel ou le programme.",
                          refused=True, kind="empty", audience=audience)  # fmt: skip
        result = self.offline(self.prepare(question, audience))
        result.timings_ms["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return result
