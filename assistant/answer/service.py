"""Answer a question: plan it (intent, items, follow-up, answerability), then the plan's composer writes it."""

from __future__ import annotations

import time

from assistant.answer.compose import Context, composer_for
from assistant.answer.evidence import EvidencePicker
from assistant.answer.models import Answer, Audience
from assistant.answer.phrases import render_lines
from assistant.answer.plan import Planner, Prepared
from assistant.answer.sources import SourceBook
from assistant.answer.structured import StructuredAnswerer
from assistant.retrieve.intents import IntentRouter
from assistant.runtime import Runtime


class AnswerService:
    def __init__(self, runtime: Runtime, router: IntentRouter | None = None) -> None:
        self.rt = runtime
        self.pack = runtime.pack
        self.planner = Planner.for_runtime(runtime, router)
        self.context = Context(
            pack=runtime.pack,
            settings=runtime.settings,
            corpus=runtime.corpus,
            structured=StructuredAnswerer(runtime.corpus, runtime.pack, runtime.settings.corpus_dir),
            evidence=EvidencePicker(runtime),
            corpus_dir=runtime.settings.corpus_dir,
            embeddings=runtime.embedding.embeddings,
        )

    def prepare(self, question: str, audience: Audience = "candidate",
                history: list[tuple[str, str]] | None = None) -> Prepared:  # fmt: skip
        return self.planner.prepare(question, audience, history)

    def offline(self, p: Prepared) -> Answer:
        """The answer the plan's composer writes from its evidence."""
        t0 = time.perf_counter()
        book = SourceBook()
        composed = composer_for(p.plan.intent)(p, self.context, book)
        if composed.empty:
            book = SourceBook()
            composed = composer_for("refusal")(p, self.context, book)
        p.timings["compose_ms"] = (time.perf_counter() - t0) * 1000
        return Answer(
            question=p.plan.asked if not p.plan.follow_up else p.plan.question,
            answer=render_lines([line for line in composed.lines if line.strip()]),
            refused=composed.kind == "refusal",
            sources=book.sources,
            mode="extractive",
            timings_ms={k: round(v, 1) for k, v in p.timings.items()},
            audience=p.audience,
            lang=p.plan.lang,
            kind=composed.kind,
            warnings=list(p.warnings),
            intent=p.plan.intent,
            answerable=p.plan.answerable,
        )

    def answer(self, question: str, audience: Audience = "candidate",
               history: list[tuple[str, str]] | None = None) -> Answer:  # fmt: skip
        started = time.perf_counter()
        question = question.strip()
        if not question:
            return Answer(question="", answer="Posez une question sur le référentiel ou le programme.",
                          refused=True, kind="empty", audience=audience)  # fmt: skip
        result = self.offline(self.prepare(question, audience, history))
        result.timings_ms["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return result
