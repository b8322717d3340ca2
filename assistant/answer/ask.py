"""One entry point for the CLI and the app: offline by default, the LLM when configured."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from assistant.answer.models import Answer, Audience, Event
from assistant.answer.service import AnswerService
from assistant.index.store import IndexError_
from assistant.llm.models import make_chat_model, model_label
from assistant.runtime import Runtime

if TYPE_CHECKING:  # chat-model machinery loads only when a model is configured
    from langchain_core.language_models.chat_models import BaseChatModel

    from assistant.answer.llm_answer import LLMAnswerer


class Asker:
    def __init__(self, runtime: Runtime, model: BaseChatModel | None = None, *, use_settings_model: bool = True):
        self.runtime = runtime
        self.service = AnswerService(runtime)
        if model is None and use_settings_model:
            model = make_chat_model(runtime.settings)
        label = model_label(runtime.settings) if runtime.settings.llm else f"llm:{type(model).__name__}"
        self.llm: LLMAnswerer | None = None
        if model is not None:
            from assistant.answer.llm_answer import LLMAnswerer

            self.llm = LLMAnswerer(self.service, model, label)

    @property
    def mode(self) -> str:
        return self.llm.label if self.llm else "extractive"

    def stream(self, question: str, audience: Audience = "candidate",
               history: list[tuple[str, str]] | None = None) -> Iterator[Event]:  # fmt: skip
        """Token events (LLM mode) then one final answer; an unreachable index becomes a clear answer."""
        try:
            if self.llm is not None:
                yield from self.llm.stream(question, audience, history)
                return
            yield Event("final", answer=self.service.answer(question, audience, history))
        except IndexError_ as exc:
            yield Event("final", answer=Answer(question=question, answer=str(exc), refused=False, mode=self.mode,
                                               warnings=[exc.code], audience=audience, kind="error"))  # fmt: skip

    def answer(self, question: str, audience: Audience = "candidate",
               history: list[tuple[str, str]] | None = None) -> Answer:  # fmt: skip
        final = None
        for event in self.stream(question, audience, history):
            if event.kind == "final":
                final = event.answer
        assert final is not None
        return final
