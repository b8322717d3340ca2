"""Bounds on every model call: a token cap per call and an overall deadline per answer or review.

A small local model can write thousands of tokens, loop or never stop; what the user waits for must
be bounded whatever the model does. ``capped`` binds the provider's own output-length parameter;
``Deadline`` tracks the time left for a whole answer or review; ``call_within`` and ``stream_within``
hold a call to it even when the server stalls (the request's own timeout bounds only each read).
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from langchain_core.language_models import LanguageModelInput
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import BaseMessage
    from langchain_core.runnables import Runnable

T = TypeVar("T")

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


class DeadlineExpired(TimeoutError):
    """The deadline passed before the model call finished (the call is abandoned, not awaited)."""


def _start(target: Callable[[], None]) -> None:
    # A daemon thread: an abandoned call never holds the process (or a CLI's exit) past the deadline.
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(target,), daemon=True, name="llm-call").start()


def call_within(deadline: Deadline | None, fn: Callable[[], T]) -> T:
    """``fn()``, or ``DeadlineExpired`` as soon as ``deadline`` passes, whatever the server does meanwhile."""
    if deadline is None:
        return fn()
    if deadline.expired:
        raise DeadlineExpired
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed over to the caller's thread
            box["error"] = exc
        finally:
            done.set()

    _start(run)
    if not done.wait(max(deadline.left, 0.0)):
        raise DeadlineExpired
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


@dataclass
class _Failed:
    error: BaseException


_END = object()


def stream_within(deadline: Deadline, open_stream: Callable[[], Iterator[T]]) -> Iterator[T]:
    """The chunks of ``open_stream()`` until it ends or ``deadline`` passes (then it just stops).

    The stream is read in its own thread, so a server that stalls between two chunks cannot hold the
    caller past the deadline; once the caller stops, that thread closes the stream at its next chunk,
    which makes the server stop generating.
    """
    chunks: queue.Queue[object] = queue.Queue()
    stop = threading.Event()

    def pump() -> None:
        stream: Iterator[T] | None = None
        try:
            stream = open_stream()
            for chunk in stream:
                if stop.is_set():
                    break
                chunks.put(chunk)
        except BaseException as exc:  # handed over to the caller's thread
            chunks.put(_Failed(exc))
        finally:
            close = getattr(stream, "close", None)
            if callable(close):
                close()
            chunks.put(_END)

    _start(pump)
    try:
        while not deadline.expired:
            try:
                item = chunks.get(timeout=max(deadline.left, 0.0))
            except queue.Empty:
                return
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
