"""LLM mode: the model writes from the retrieved sources only; every citation is checked.

Every call is bounded: a token cap per call and one deadline for the whole answer (condensation and
generation); past it, streaming stops and the offline answer is given with an ``llm_timeout``
warning. Invalid citations are removed; an answer that echoes the instructions or the sources, is
left with no valid citation, is not in the question's language, or is empty, is discarded whole for
the offline answer (``llm_discarded: <reason>``); the guard never returns text it flagged. The
refusal sentinel gives the offline answer too: whether the documents answer was decided from the
evidence before the model was asked. Any provider failure falls back to the offline answer
and says so. The model gets no tools; source texts are delimited data.

Every answer of this path reports its use of the model in ``timings_ms``: ``llm_calls`` (requests
made, condensation included) and ``llm_replies`` (those that got a reply from the server); each raw
reply is logged at DEBUG level on the ``assistant.llm.raw`` logger (off by default: it holds model text).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.answer.llm_checks import discard_reason
from assistant.answer.models import Answer, Audience, Event
from assistant.answer.phrases import t
from assistant.answer.plan import Prepared
from assistant.answer.service import AnswerService
from assistant.answer.sources import SourceBook
from assistant.llm.bounds import Deadline, call_within, capped, stream_within
from assistant.llm.models import provider_errors
from assistant.llm.prompts import SENTINEL, audience_styles, load_prompt
from assistant.llm.raw_log import log_raw_reply
from assistant.safety.guard import guard_output

log = logging.getLogger(__name__)
_CITE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
LANG_NAME = {"fr": "français", "en": "anglais (English)"}


def clean_citations(text: str, valid: set[int]) -> tuple[str, int, int]:
    """Drop citation numbers that match no source; returns (text, kept, dropped)."""
    kept = dropped = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal kept, dropped
        nums = [int(n) for n in re.split(r"\s*[,;]\s*", m.group(1))]
        good = [n for n in nums if n in valid]
        kept += len(good)
        dropped += len(nums) - len(good)
        return "".join(f"[{n}]" for n in good)

    return _CITE.sub(repl, text), kept, dropped


@dataclass
class Usage:
    """One answer's use of the model: requests made (condensation included), replies received."""

    calls: int = 0
    replies: int = 0


class LLMAnswerer:
    def __init__(self, service: AnswerService, model: BaseChatModel, label: str) -> None:
        self.service = service
        self.model = model
        self.label = label
        settings = service.rt.settings
        self.deadline_s = settings.llm_deadline_s
        self.writer = capped(model, settings.llm_max_tokens)
        self.condenser = capped(model, settings.llm_condense_max_tokens)

    def condense(self, question: str, history: list[tuple[str, str]], deadline: Deadline | None = None,
                 usage: Usage | None = None) -> str | None:  # fmt: skip
        """A standalone question from a follow-up (None if the model fails or takes too long: the planner's
        own reading of the follow-up stands)."""
        if not history:
            return question
        usage = usage if usage is not None else Usage()
        convo = "\n".join(f"{role}: {text[:500]}" for role, text in history[-6:])
        examples = ", ".join(self.service.pack.vocab.codes.examples[:3])
        prompt = load_prompt("condense.md").format(history=convo, question=question, examples=examples)

        def invoke() -> BaseMessage:
            usage.calls += 1  # counted when the request starts (not when the deadline left no time for it)
            return self.condenser.invoke([HumanMessage(content=prompt)])

        try:
            out = call_within(deadline, invoke)
        except provider_errors() as exc:  # DeadlineExpired is a TimeoutError
            log.warning("condense failed: %s", type(exc).__name__)
            return None
        usage.replies += 1
        log_raw_reply("condense", str(out.content))
        text = str(out.content).strip() if isinstance(out, AIMessage) else ""
        rewrite, removed = guard_output(text.splitlines()[0][:500] if text else "")
        if "prompt" in removed or not rewrite.strip():  # an echo of the instructions is no question
            return None
        return rewrite.strip()

    def _prepare(self, question: str, audience: Audience, history: list[tuple[str, str]], deadline: Deadline,
                 usage: Usage) -> Prepared:  # fmt: skip
        """The same plan and evidence as the offline composers; a follow-up is rewritten by the model first."""
        p = self.service.prepare(question, audience, history)
        if not p.plan.follow_up:
            return p
        calls = usage.calls
        standalone = self.condense(question, history, deadline, usage)
        if standalone is None:  # failed, too slow or unusable: the planner's own reading of the follow-up stands
            if usage.calls > calls:
                p.warnings.append("llm_condense_discarded")
            return p
        if standalone == question:
            return p
        return self.service.prepare(standalone, audience)

    def _messages(self, p: Prepared, book: SourceBook) -> list[BaseMessage]:
        for hit in p.hits:
            book.cite(hit.chunk)
        sources = "\n\n".join(
            f"[{s.rank}] ({s.source}{', ' + s.section if s.section else ''}"
            f"{', codes ' + ' '.join(s.codes) if s.codes else ''})\n{s.text}"
            for s in book.sources
        )
        system = load_prompt("answer_system.md").format(
            headline=self.service.pack.headline,
            sentinel=SENTINEL,
            lang_name=LANG_NAME[p.lang],
            audience_style=audience_styles()[p.audience],
        )
        user = load_prompt("answer_user.md").format(sources=sources, question=p.question)
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def stream(self, question: str, audience: Audience = "candidate",
               history: list[tuple[str, str]] | None = None) -> Iterator[Event]:  # fmt: skip
        """Tokens as the model writes them, then the final answer (the model's, or the offline one)."""
        started = time.perf_counter()
        usage = Usage()
        for event in self._events(question, audience, history or [], started, usage):
            if event.kind == "final" and event.answer is not None:  # the whole wait, whichever answer it is
                event.answer.timings_ms["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
                event.answer.timings_ms["llm_calls"] = float(usage.calls)
                event.answer.timings_ms["llm_replies"] = float(usage.replies)
            yield event

    def _events(self, question: str, audience: Audience, history: list[tuple[str, str]],
                started: float, usage: Usage) -> Iterator[Event]:  # fmt: skip
        deadline = Deadline(self.deadline_s, started)
        p = self._prepare(question, audience, history, deadline, usage)
        if p.plan.refuse or p.plan.intent == "school_fact" or not p.hits:
            # Decided before the model is asked: a refusal, a school fact, nothing to quote. Say so.
            why = "refusal" if p.plan.refuse else ("school_fact" if p.plan.intent == "school_fact" else "no_evidence")
            p.warnings.append(f"llm_not_asked: {why}")
            yield Event("final", answer=self.service.offline(p))
            return
        if deadline.expired:
            yield Event("final", answer=self._fallback(p, "llm_timeout"))
            return
        book = SourceBook()
        messages = self._messages(p, book)
        parts: list[str] = []
        replied = False
        failure: BaseException | None = None
        t0 = time.perf_counter()
        usage.calls += 1
        try:  # read until the deadline, even if the server stalls; the stream is closed, so generation stops
            for chunk in stream_within(deadline, lambda: self.writer.stream(messages)):
                if not replied:  # the server answered: its first chunk is in
                    replied = True
                    usage.replies += 1
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    parts.append(text)
                    yield Event("token", text=text)
        except provider_errors() as exc:
            failure = exc
        if replied:
            log_raw_reply("answer", "".join(parts))
        if failure is not None:
            yield Event("final", answer=self._fallback(p, f"llm_error: {type(failure).__name__}"))
            return
        p.timings["llm_ms"] = (time.perf_counter() - t0) * 1000
        if deadline.expired:
            yield Event("final", answer=self._fallback(p, "llm_timeout"))
            return
        raw = "".join(parts).strip()
        if not raw:
            yield Event("final", answer=self._fallback(p, "llm_empty"))
            return
        sources_text = "\n".join(s.text for s in book.sources)
        guarded, removed = guard_output(raw, sources_text)
        text, kept, dropped = clean_citations(guarded, {s.rank for s in book.sources})
        warnings = [f"citations_removed: {dropped}"] if dropped else []
        warnings += [f"output_guard: {kind}" for kind in dict.fromkeys(removed)]
        # The model saying "not in the sources" does not overrule the evidence check made before it
        # was asked (the passages hold what the question asks): the offline answer is given instead.
        reason = discard_reason(text, removed=removed, kept_citations=kept, sources_text=sources_text, lang=p.lang)
        if SENTINEL in text and reason in (None, "no_citation", "language"):  # an echo stays an echo
            reason = "model_refused"
        if reason is not None:  # never show what the checks flagged: the offline answer instead
            answer = self._fallback(p, f"llm_discarded: {reason}")
            answer.warnings = warnings + answer.warnings
            yield Event("final", answer=answer)
            return
        yield Event(
            "final",
            answer=Answer(
                question=p.question, answer=text, refused=False, sources=book.sources, mode=self.label,
                timings_ms={k: round(v, 1) for k, v in p.timings.items()}, warnings=p.warnings + warnings,
                audience=p.audience, lang=p.lang, kind="llm", intent=p.plan.intent, answerable=p.plan.answerable,
            ),
        )  # fmt: skip

    def answer(self, question: str, audience: Audience = "candidate",
               history: list[tuple[str, str]] | None = None) -> Answer:  # fmt: skip
        final: Answer | None = None
        for event in self.stream(question, audience, history):
            if event.kind == "final":
                final = event.answer
        assert final is not None
        return final

    def _fallback(self, p: Prepared, reason: str) -> Answer:
        answer = self.service.offline(p)
        answer.warnings.append(reason)
        answer.answer += "\n\n_" + t("llm_fallback", p.lang) + "_"
        answer.mode = "extractive"
        return answer
