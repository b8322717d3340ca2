"""The LLM answer path is bounded and clean: token caps reach the model, the deadline stops a model that
never ends, and an answer that echoes the prompt or the sources, cites nothing or is in another language
is discarded whole for the offline answer (never trimmed and shown)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field

from assistant.answer.ask import Asker
from assistant.answer.llm_checks import discard_reason, echoes_sources
from assistant.llm.prompts import load_prompt
from assistant.safety.guard import guard_output

CR7 = "Le budget est exhaustif, structuré et comporte notamment les charges et dépenses prévisionnelles"


class RecordingModel(FakeListChatModel):
    """Streams its response word by word, records the kwargs of each call, optionally slowly."""

    delay_s: float = 0.0
    seen: list[dict[str, Any]] = Field(default_factory=list)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self.seen.append(dict(kwargs))
        for word in self.responses[0].split(" "):
            time.sleep(self.delay_s)
            yield ChatGenerationChunk(message=AIMessageChunk(content=word + " "))


def ask(runtime, response: str, **fields: Any):  # type: ignore[no-untyped-def]
    model = RecordingModel(responses=[response], seen=[], **fields)
    final = Asker(runtime, model, use_settings_model=False).answer("Que dit le CR7 sur le budget ?")
    return final, model


def test_every_answer_call_carries_the_token_cap(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    final, model = ask(hashing_runtime, "Le budget doit être détaillé ligne par ligne [1].")

    assert final.kind == "llm"
    assert model.seen and all(call.get("max_tokens") == hashing_runtime.settings.llm_max_tokens for call in model.seen)


def test_a_model_that_never_stops_is_cut_at_the_deadline(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    settings = hashing_runtime.settings
    old = settings.llm_deadline_s
    settings.llm_deadline_s = 0.5
    try:
        started = time.perf_counter()
        final, _ = ask(hashing_runtime, " ".join(["bla"] * 400) + " [1]", delay_s=0.01)
        wall = time.perf_counter() - started
    finally:
        settings.llm_deadline_s = old

    assert wall < 3.0  # 400 words at 10 ms would take 4 s
    assert "llm_timeout" in final.warnings and final.mode == "extractive"
    assert "bla bla" not in final.answer


def test_an_answer_echoing_the_system_prompt_is_discarded_whole(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    echoed = "\n".join(line for line in load_prompt("answer_system.md").splitlines() if len(line) > 40)[:1500]
    final, _ = ask(hashing_runtime, f"{echoed}\nLe budget est détaillé [1].")

    assert any(w.startswith("llm_discarded: prompt_echo") for w in final.warnings)
    assert final.mode == "extractive" and "détaillé [1]" not in final.answer


def test_an_answer_echoing_the_sources_block_is_discarded(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    block = f"[1] (referentiel/referentiel.yaml, Bloc 2 > CR7, codes CR7)\n{CR7}\n[2] (cours/budget.md)\n{CR7} [1]"
    final, _ = ask(hashing_runtime, block)

    assert any(w == "llm_discarded: sources_echo" for w in final.warnings)


def test_an_answer_in_another_language_is_discarded(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    final, _ = ask(hashing_runtime, "The budget must be detailed line by line with all the expected costs [1].")

    assert "llm_discarded: language" in final.warnings
    assert "line by line" not in final.answer


def test_the_rules_on_real_tiny_model_outputs() -> None:
    # The shapes a tiny model writes: loops, HTML (its tags are removed by the guard), echoes.
    sources = f"{CR7} par ligne de budget"
    looping = "Le budget est très important. Le budget est très important. Le budget est très important. [1]"
    html, removed = guard_output("<p>Le budget <b>doit</b> être détaillé ligne par ligne</p> [1]")
    assert discard_reason(looping, removed=[], kept_citations=1, sources_text=sources, lang="fr") == "loop"
    assert html == "Le budget doit être détaillé ligne par ligne [1]" and removed == ["html"]
    assert discard_reason(html, removed=removed, kept_citations=1, sources_text=sources, lang="fr") is None
    assert discard_reason("", removed=[], kept_citations=0, sources_text=sources, lang="fr") == "empty"
    assert discard_reason("Voir le CR7.", removed=[], kept_citations=0, sources_text=sources, lang="fr") == (
        "no_citation"
    )
    assert echoes_sources(f"- {CR7} par ligne de budget\n", sources)
    assert not echoes_sources("Le CR7 demande un budget détaillé par ligne [1].", sources)
