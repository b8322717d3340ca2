"""The deadline holds whatever the server does: a call or a stream that stalls is abandoned when it expires.

No wall-time assertion here: each stalled fake blocks on an event the test sets only afterwards, so the
proof is that the answer came back while the fake was still blocked.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import Field

from assistant.answer.ask import Asker
from assistant.llm.bounds import Deadline, DeadlineExpired, call_within, stream_within

STALL_S = 60  # a broken bound fails the test after this, instead of hanging CI


def test_call_within_returns_the_value_or_the_error() -> None:
    assert call_within(Deadline(5), lambda: 42) == 42
    with pytest.raises(KeyError):
        call_within(Deadline(5), lambda: {}["missing"])
    assert call_within(None, lambda: "no deadline") == "no deadline"


def test_call_within_gives_up_on_a_stalled_call_at_the_deadline() -> None:
    released = threading.Event()
    with pytest.raises(DeadlineExpired):
        call_within(Deadline(0.2), lambda: released.wait(STALL_S))
    assert not released.is_set()
    released.set()


def test_call_within_does_not_start_once_expired() -> None:
    started: list[int] = []
    with pytest.raises(DeadlineExpired):
        call_within(Deadline(0), lambda: started.append(1))
    assert started == []


def test_stream_within_yields_a_whole_stream_and_its_error() -> None:
    assert list(stream_within(Deadline(5), lambda: iter("abc"))) == ["a", "b", "c"]

    def failing() -> Iterator[str]:
        yield "a"
        raise ConnectionError("reset")

    seen: list[str] = []
    with pytest.raises(ConnectionError):
        for chunk in stream_within(Deadline(5), failing):
            seen.append(chunk)
    assert seen == ["a"]


def test_stream_within_stops_at_the_deadline_and_the_stream_is_closed_afterwards() -> None:
    released = threading.Event()
    closed = threading.Event()

    def stalling() -> Iterator[str]:
        try:
            yield "début"
            released.wait(STALL_S)
            yield "suite"
        finally:
            closed.set()

    chunks = list(stream_within(Deadline(0.3), stalling))
    assert chunks == ["début"] and not released.is_set()
    released.set()
    assert closed.wait(10)  # the reader thread closes the stream at its next chunk: the server stops


class StallingModel(FakeListChatModel):
    """Streams one word, then stalls (a server that stops sending); ``invoke`` stalls from the start."""

    released: threading.Event = Field(default_factory=threading.Event)
    calls: list[str] = Field(default_factory=list)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self.calls.append("stream")
        yield ChatGenerationChunk(message=AIMessageChunk(content="Le budget "))
        self.released.wait(STALL_S)
        yield ChatGenerationChunk(message=AIMessageChunk(content="est détaillé [1]."))

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:  # fmt: skip
        self.calls.append("invoke")
        self.released.wait(STALL_S)
        return super()._generate(messages, stop, run_manager, **kwargs)


@pytest.fixture
def short_deadline(hashing_runtime):  # type: ignore[no-untyped-def]
    settings = hashing_runtime.settings
    old = settings.llm_deadline_s
    settings.llm_deadline_s = 1.5
    yield hashing_runtime
    settings.llm_deadline_s = old


def test_a_stream_that_stalls_gives_the_offline_answer_at_the_deadline(short_deadline) -> None:  # type: ignore[no-untyped-def]
    model = StallingModel(responses=["-"])
    try:
        final = Asker(short_deadline, model, use_settings_model=False).answer("Que dit le CR7 sur le budget ?")
        still_stalled = not model.released.is_set()
    finally:
        model.released.set()
    assert still_stalled
    assert "llm_timeout" in final.warnings and final.mode == "extractive"
    assert "Le budget est détaillé [1]" not in final.answer
    assert final.timings_ms["total_ms"] >= 1500 * 0.9  # the wait is reported, fallback included


def test_a_condensation_that_stalls_falls_back_to_the_offline_rewrite(short_deadline) -> None:  # type: ignore[no-untyped-def]
    model = StallingModel(responses=["-"])
    history = [("user", "Que dit le CR7 ?"), ("assistant", "Le CR7 porte sur le budget [1].")]
    try:
        final = Asker(short_deadline, model, use_settings_model=False).answer("Et pour le CR8 ?", history=history)
        still_stalled = not model.released.is_set()
    finally:
        model.released.set()
    assert still_stalled
    assert model.calls == ["invoke"]  # the condensation; no time was left for the answer itself
    assert "llm_timeout" in final.warnings and final.mode == "extractive"
