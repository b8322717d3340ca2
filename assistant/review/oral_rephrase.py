"""The chat model rewords the mock jury's questions (the ``rephrase`` hook of ``OralSession``).

Only the wording can move: the criterion, the attendus and the verdict never depend on the model.
Bounded: a reply is capped at ``min(llm_max_tokens, 120)`` tokens (a question is short) and a call at
``min(llm_timeout_s, llm_deadline_s)`` seconds of wall clock, held even when the server stalls (a
rewording is part of showing a question, as a condensation is part of an answer: it gets the answer's
deadline, never more than one request's timeout). Guarded: a failed or late call, or a reply that is
empty, flagged by the output guard, too long (over three times the pack's question, plus the quoted
claim), not a question, an instruction, one that drops the quoted claim, names a verdict, is in another
language or changes nothing, keeps the pack's wording (None). Nothing is raised to the session; every
outcome is counted on the instance (``calls``, ``used``, ``fallbacks`` by reason).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import TYPE_CHECKING

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.llm.bounds import Deadline, call_within, capped
from assistant.llm.prompts import load_prompt
from assistant.llm.raw_log import log_raw_reply
from assistant.review.oral_models import OralQuestion
from assistant.safety.guard import guard_output
from assistant.safety.injection import injection_spans
from assistant.settings import Settings
from assistant.text.fold import fold
from assistant.text.language import detect_language

if TYPE_CHECKING:
    from langchain_core.language_models import LanguageModelInput
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.runnables import Runnable

log = logging.getLogger(__name__)
MAX_TOKENS = 120
MAX_FAILURES = 2  # failed or late calls in a row after which the session stops asking (keeps the pack's wording)
LENGTH_FACTOR = 3
MIN_WORDS_FOR_LANGUAGE = 6  # the language of a shorter text is a guess
LANG_NAME = {"fr": "français", "en": "anglais (English)"}
NO_CLAIM = {"fr": "aucune", "en": "aucune (none)"}
_WRAPS = {'"': '"', "«": "»", "“": "”", "*": "*", "`": "`"}
_DROP_QUOTES = str.maketrans("", "", '«»“”„"')
_LABEL = re.compile(r"^(?:question(?: reformul[ée]e)?|reformulation|rephrased question)\s*:\s*", re.IGNORECASE)
_VERDICT = re.compile(r"\b(?:couvert|partiel|manquant)(?:e|s|es)?\b|\b(?:covered|partial|missing)\b")


def plain(text: str) -> str:
    """``text`` with quote marks dropped, apostrophes unified and whitespace collapsed (to compare wordings)."""
    return " ".join(text.replace("’", "'").translate(_DROP_QUOTES).split())


def unwrap(text: str) -> str:
    """The reply on one line, without a leading label or the quotes (or markdown) wrapped around it whole."""
    text = _LABEL.sub("", " ".join(text.split()))
    while len(text) >= 2 and _WRAPS.get(text[0]) == text[-1]:
        opener, closer, inner = text[0], text[-1], text[1:-1]
        balanced = inner.count(opener) % 2 == 0 if opener == closer else inner.count(opener) == inner.count(closer)
        if not balanced:  # « a » b » : the last quote closes something inside, not the whole reply
            break
        text = _LABEL.sub("", inner.strip())
    return text


def verdicts(text: str) -> set[str]:
    return {m.group(0) for m in _VERDICT.finditer(fold(text))}


def refusal(reply: str, question: OralQuestion) -> str | None:
    """Why ``reply`` (already unwrapped and guarded) must not replace the pack's wording, or None."""
    if not reply:
        return "empty"
    if len(reply) > LENGTH_FACTOR * len(question.template) + len(question.claim or ""):
        return "too_long"
    if not reply.endswith("?"):
        return "not_a_question"
    if injection_spans(reply):
        return "injection"
    if question.claim and plain(question.claim) not in plain(reply):
        return "claim_dropped"
    if verdicts(reply) - verdicts(f"{question.text} {question.template}"):
        return "verdict"
    own_words = plain(reply).replace(plain(question.claim), " ") if question.claim else reply
    lang = detect_language(question.template)
    if len(own_words.split()) >= MIN_WORDS_FOR_LANGUAGE and detect_language(own_words) != lang:
        return "language"
    if plain(reply) == plain(question.text):
        return "unchanged"
    return None


class QuestionRephraser:
    """``rephrase(question)``: the model's wording of one question, or None to keep the pack's."""

    def __init__(self, model: BaseChatModel, label: str, *, max_tokens: int, deadline_s: float) -> None:
        self.label = label
        self.max_tokens = max_tokens
        self.deadline_s = deadline_s
        self.writer: Runnable[LanguageModelInput, BaseMessage] = capped(model, max_tokens)
        self.calls = 0  # requests made
        self.used = 0  # rewordings returned to the session
        self.fallbacks: Counter[str] = Counter()  # pack wording kept, by reason
        self.failures = 0  # failed or late calls in a row: a stalled server costs a session two deadlines at most

    @classmethod
    def from_settings(cls, model: BaseChatModel, label: str, settings: Settings) -> QuestionRephraser:
        return cls(
            model, label, max_tokens=min(settings.llm_max_tokens, MAX_TOKENS),
            deadline_s=min(settings.llm_timeout_s, settings.llm_deadline_s),
        )  # fmt: skip

    def messages(self, question: OralQuestion) -> list[BaseMessage]:
        lang = detect_language(question.template)
        system, user = load_prompt("oral_rephrase.md").split("\n---\n", 1)
        claim = f"« {question.claim} »" if question.claim else NO_CLAIM[lang]
        return [
            SystemMessage(content=system.format(lang_name=LANG_NAME[lang]).strip()),
            HumanMessage(content=user.format(question=question.text, claim=claim).strip()),
        ]

    def __call__(self, question: OralQuestion) -> str | None:
        if self.failures >= MAX_FAILURES:
            self.fallbacks["gave_up"] += 1
            return None
        try:
            reply, reason = self._ask(question)
            self.failures = 0
        except Exception as exc:  # the session must go on with the pack's wording, whatever happened
            reason = "timeout" if isinstance(exc, TimeoutError) else "error"
            log.warning("oral rephrase failed on %s: %s", question.criterion, type(exc).__name__)
            reply = None
            self.failures += 1
        if reply is None:
            self.fallbacks[reason] += 1
            return None
        self.used += 1
        return reply

    def _ask(self, question: OralQuestion) -> tuple[str | None, str]:
        messages = self.messages(question)
        self.calls += 1
        out = call_within(Deadline(self.deadline_s), lambda: self.writer.invoke(messages))
        raw = str(out.content) if isinstance(out, AIMessage) else ""
        log_raw_reply(f"oral_rephrase {question.criterion}", raw)
        guarded, removed = guard_output(raw)
        reason = "output_guard" if removed else refusal(unwrap(guarded), question)
        if reason is not None:
            log.info("oral rephrase of %s refused: %s", question.criterion, reason)
            return None, reason
        return unwrap(guarded), ""
