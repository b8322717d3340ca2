"""One pydantic object from any chat model, whatever structured output its server accepts.

OpenAI-compatible local servers differ: llama.cpp's Python server answers HTTP 500 to
``response_format: json_schema``, others have no tool calls. ``call_structured`` tries, in order,
``json_schema`` → ``json_mode`` (the fields described in the prompt) → ``function_calling`` → plain text
with the fields described and the first JSON object of the reply parsed. A process-wide registry
remembers, per server, the methods it rejected, so the next criterion and the next review go straight
to the method that works: the server sees each rejected request once.

Failures are told apart:

- the server *rejected* the method (HTTP 4xx/5xx, "not supported"): marked, the next method is tried;
- the server is *unreachable or busy* (timeout, connection error, 401/403/404/408/429/502/503/504): the
  chain stops, nothing is marked;
- the reply is *invalid* (bad JSON from a small model): the chain stops, nothing is marked.

When every method is rejected for the same request, the request is at fault (a prompt longer than the
server's context, say), not the methods: the marks it made are withdrawn. Every call carries the token
cap of ``assistant.llm.bounds.capped``; no method is started once the deadline has expired, and a call in
flight is abandoned when it expires (``call_within``), so a stalled server cannot hold the review.

Each reply the server sends back is counted (``Outcome.replies``, parsed or not) and logged raw at DEBUG
level on the ``assistant.llm.raw`` logger (off by default: it holds model text).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import httpx
import openai
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel, ValidationError

from assistant.llm.bounds import Deadline, DeadlineExpired, call_within, cap_kwargs, capped, self_hosted_openai
from assistant.llm.raw_log import log_raw_reply

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

log = logging.getLogger(__name__)

Method = Literal["json_schema", "json_mode", "function_calling", "text"]
METHODS: tuple[Method, ...] = ("json_schema", "json_mode", "function_calling", "text")
Failure = Literal["deadline", "timeout", "unavailable", "invalid", "rejected"]
T = TypeVar("T", bound=BaseModel)

# HTTP statuses that say nothing about the method: auth, unknown model, rate limit, server busy or loading.
_NOT_THE_METHOD = frozenset({401, 403, 404, 408, 409, 429, 502, 503, 504})
_UNSUPPORTED = re.compile(r"not supported|unsupported|not implemented|does not support|unrecognized method", re.I)


class MethodRegistry:
    """The structured-output methods each server rejected (thread-safe, shared by every review)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rejected: dict[str, set[str]] = {}

    def usable(self, key: str, order: tuple[Method, ...] = METHODS) -> list[Method]:
        """The methods still worth trying on this server, in order (plain text is always usable)."""
        with self._lock:
            rejected = set(self._rejected.get(key, ()))
        return [m for m in order if m == "text" or m not in rejected]

    def rejected(self, key: str) -> set[str]:
        with self._lock:
            return set(self._rejected.get(key, ()))

    def reject(self, key: str, method: Method) -> None:
        with self._lock:
            self._rejected.setdefault(key, set()).add(method)

    def restore(self, key: str, methods: list[Method]) -> None:
        with self._lock:
            self._rejected.get(key, set()).difference_update(methods)

    def forget(self) -> None:
        with self._lock:
            self._rejected.clear()


REGISTRY = MethodRegistry()


def server_key(model: BaseChatModel) -> str:
    """Which server a model talks to: its class, base URL and model name (never its credentials)."""

    def first(*names: str) -> str:
        for name in names:
            value = getattr(model, name, None)
            if isinstance(value, str) and value:
                return value
        return "-"

    return f"{type(model).__name__} {first('openai_api_base', 'base_url', 'endpoint')} {first('model_name', 'model')}"


@dataclass
class Outcome(Generic[T]):
    """What one structured call gave: the value, or why not; the method used and the calls made."""

    value: T | None = None
    method: Method | None = None
    calls: int = 0
    replies: int = 0  # calls the server answered (whether or not the reply parsed)
    failure: Failure | None = None
    error: str = ""


def classify(exc: BaseException) -> Failure:
    """Why a call failed: the server rejected the method, timed out, was unreachable, or replied badly."""
    if isinstance(exc, DeadlineExpired):
        return "deadline"
    if isinstance(exc, NotImplementedError):
        return "rejected"
    if isinstance(exc, openai.LengthFinishReasonError | openai.ContentFilterFinishReasonError):
        return "invalid"  # the reply was cut at the token cap (or filtered): the model's output, not the server
    if isinstance(exc, TimeoutError | httpx.TimeoutException | openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, httpx.TransportError | ConnectionError | openai.APIConnectionError):
        return "unavailable"
    status = exc.response.status_code if isinstance(exc, httpx.HTTPStatusError) else getattr(exc, "status_code", None)
    if isinstance(status, int) and status >= 400:  # openai.APIStatusError, httpx, ollama.ResponseError
        return "unavailable" if status in _NOT_THE_METHOD else "rejected"
    if isinstance(exc, ValueError):  # OutputParserException, ValidationError, JSONDecodeError
        return "rejected" if _UNSUPPORTED.search(str(exc)) else "invalid"
    return "unavailable"


def _kind(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "une valeur parmi " + ", ".join(json.dumps(v, ensure_ascii=False) for v in typing.get_args(annotation))
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        return "une liste de chaînes" if item is str else "une liste"
    if origin in (typing.Union, types.UnionType):
        return " ou ".join(_kind(a) for a in typing.get_args(annotation) if a is not type(None))
    names = {str: "une chaîne", int: "un entier", float: "un nombre", bool: "true ou false"}
    return names.get(annotation, "une valeur JSON")


def format_instructions(schema: type[BaseModel]) -> str:
    """French instructions describing the JSON object to write (json_mode and plain text need them)."""
    lines = ["Réponds uniquement par un objet JSON valide (sans texte avant ni après), avec ces champs :"]
    for name, info in schema.model_fields.items():
        described = f" — {info.description}" if info.description else ""
        optional = "" if info.is_required() else " (facultatif)"
        lines.append(f'- "{name}" : {_kind(info.annotation)}{optional}{described}')
    return "\n".join(lines)


def parse_reply(schema: type[T], text: str) -> T:
    """The first JSON object of ``text`` that validates (```json fences and text around it tolerated)."""
    decoder = json.JSONDecoder()
    first_error: ValidationError | None = None
    for match in re.finditer(r"\{", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        if not isinstance(value, dict):
            continue
        try:
            return schema.model_validate(value)
        except ValidationError as exc:
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    raise ValueError("no JSON object in the reply")


def reply_text(generation: ChatGeneration) -> str:
    """What the model wrote in one reply: its text, then the arguments of any tool call it made."""
    parts = [generation.text] if generation.text else []
    message = generation.message
    if isinstance(message, AIMessage):
        parts += [json.dumps(call["args"], ensure_ascii=False) for call in message.tool_calls]
        parts += [str(call.get("args") or "") for call in message.invalid_tool_calls]
    return "\n".join(parts)


class ReplyRecorder(BaseCallbackHandler):
    """Counts the replies the server sent back for one call and logs each one raw at DEBUG level."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.replies = 0

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        self.replies += 1
        for generations in response.generations:
            for generation in generations:
                text = reply_text(generation) if isinstance(generation, ChatGeneration) else generation.text
                log_raw_reply(self.label, text)


Call = Callable[[list[BaseMessage]], T]


def _prepare(model: BaseChatModel, schema: type[T], method: Method, max_tokens: int,
             recorder: ReplyRecorder | None = None) -> Call[T]:  # fmt: skip
    """Build the call for one method (no network); raises if the model cannot do this method at all."""
    described = HumanMessage(content=format_instructions(schema))
    config: RunnableConfig = {"callbacks": [recorder]} if recorder is not None else {}
    if method == "text":
        bounded = capped(model, max_tokens)
        return lambda messages: parse_reply(schema, bounded.invoke([*messages, described], config).text)
    structured = model.with_structured_output(schema, method=method)
    cap = cap_kwargs(model, max_tokens)  # with_structured_output drops a binding's arguments: pass them
    extra = [described] if method == "json_mode" else []

    def run(messages: list[BaseMessage]) -> T:
        result = structured.invoke([*messages, *extra], config, **cap)
        return result if isinstance(result, schema) else schema.model_validate(result)

    return run


# Self-hosted OpenAI-compatible servers (llama.cpp, vLLM, LM Studio, Ollama's /v1) all take a JSON object
# response format; several reject json_schema. Starting there means their logs never show our request
# rejected, even in a fresh process; OpenAI's own API, which supports json_schema, starts with it.
SELF_HOSTED_ORDER: tuple[Method, ...] = ("json_mode", "json_schema", "function_calling", "text")


def method_order(model: BaseChatModel) -> tuple[Method, ...]:
    return SELF_HOSTED_ORDER if self_hosted_openai(model) else METHODS


def call_structured(
    model: BaseChatModel,
    schema: type[T],
    messages: list[BaseMessage],
    *,
    max_tokens: int,
    deadline: Deadline | None = None,
    registry: MethodRegistry = REGISTRY,
    label: str = "",
) -> Outcome[T]:
    """Ask ``model`` for a ``schema`` object, through the first method its server accepts.

    ``label`` names the request in the DEBUG log of raw replies (a criterion's code, say).
    """
    key = server_key(model)
    outcome: Outcome[T] = Outcome()
    marked: list[Method] = []  # rejected over HTTP by this request
    for method in registry.usable(key, method_order(model)):
        if deadline is not None and deadline.expired:
            outcome.failure = "deadline"
            return outcome
        recorder = ReplyRecorder(" ".join(filter(None, ("structured", label, method))))
        try:
            call = _prepare(model, schema, method, max_tokens, recorder)
        except (NotImplementedError, ValueError, TypeError) as exc:  # the model cannot do it at all
            log.info("%s cannot use structured output %s: %s", key, method, type(exc).__name__)
            registry.reject(key, method)
            outcome.failure, outcome.error = "rejected", type(exc).__name__
            continue
        outcome.calls += 1
        try:
            outcome.value = call_within(deadline, partial(call, messages))
        except Exception as exc:  # a provider's failure must never break the review
            outcome.replies += recorder.replies
            failure = classify(exc)
            outcome.method, outcome.failure, outcome.error = method, failure, type(exc).__name__
            if failure != "rejected":
                log.warning("LLM call (%s) on %s failed: %s (%s)", method, key, type(exc).__name__, failure)
                return outcome
            if method != "text":
                log.info("%s rejected structured output %s (%s): next method", key, method, type(exc).__name__)
                registry.reject(key, method)
                marked.append(method)
            continue
        outcome.replies += recorder.replies
        outcome.method, outcome.failure, outcome.error = method, None, ""
        return outcome
    if outcome.failure == "rejected" and marked:
        # Every method was rejected for this very request: the request is at fault, not the methods.
        log.warning("%s rejected every structured-output method for one request", key)
        registry.restore(key, marked)
    return outcome
