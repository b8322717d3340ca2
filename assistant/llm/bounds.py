"""Bounds on every model call: a token cap per call and an overall deadline per answer or review.

A small local model can write thousands of tokens, loop or never stop; what the user waits for must
be bounded whatever the model does. ``capped`` binds the provider's own output-length parameter;
``Deadline`` tracks the time left for a whole answer or review.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.language_models import LanguageModelInput
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import BaseMessage
    from langchain_core.runnables import Runnable

# The name of the output-length parameter, by chat-model class (Ollama calls it num_predict).
_TOKEN_PARAM = {"ChatOllama": "num_predict"}


def self_hosted_openai(model: BaseChatModel) -> bool:
    """An OpenAI-compatible server other than OpenAI's own (llama.cpp, vLLM, LM Studio…)."""
    base = getattr(model, "openai_api_base", None)
    return (
        type(model).__name__ == "ChatOpenAI" and isinstance(base, str) and bool(base) and "api.openai.com" not in base
    )


def capped(model: BaseChatModel, max_tokens: int) -> Runnable[LanguageModelInput, BaseMessage]:
    """``model`` with its output capped at ``max_tokens`` tokens for every call made through it.

    LangChain's OpenAI client sends the cap as ``max_completion_tokens``, which OpenAI-compatible
    servers such as llama.cpp's ignore (they then generate without limit): for a server other than
    OpenAI's own, the classic ``max_tokens`` field is added to the request body as well.
    """
    return model.bind(**cap_kwargs(model, max_tokens))


def cap_kwargs(model: BaseChatModel, max_tokens: int) -> dict[str, Any]:
    """The call keyword arguments that cap ``model``'s output at ``max_tokens`` tokens."""
    kwargs: dict[str, Any] = {_TOKEN_PARAM.get(type(model).__name__, "max_tokens"): max_tokens}
    if self_hosted_openai(model):
        extra = getattr(model, "extra_body", None) or {}
        kwargs["extra_body"] = {**extra, "max_tokens": max_tokens}
    return kwargs


@dataclass
class Deadline:
    """Seconds left for one answer or review; ``expired`` once they are spent."""

    seconds: float
    started: float = field(default_factory=time.perf_counter)

    @property
    def left(self) -> float:
        return self.seconds - (time.perf_counter() - self.started)

    @property
    def expired(self) -> bool:
        return self.left <= 0
