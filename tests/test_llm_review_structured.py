"""LLM review against servers that accept only some structured-output methods, and within bounds.

Fake chat models stand in for local servers (no network): ``FakeServer`` builds its structured runnables
the way ChatOpenAI does (``response_format`` for json_schema / json_mode, ``tools`` for function
calling), records what reaches ``_generate`` and rejects the request kinds it is told to, with the
exception the OpenAI client raises for an HTTP 500. One test drives the real ChatOpenAI against an
in-process HTTP handler that behaves like ``python -m llama_cpp.server``.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from docx import Document
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import PydanticOutputParser, PydanticToolsParser
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from langchain_core.utils.function_calling import convert_to_openai_tool
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, Field, ValidationError

from assistant.evaluate.drafts_eval import review_llm_figures
from assistant.llm.bounds import Deadline, DeadlineExpired
from assistant.review.llm_review import CriterionJudgement
from assistant.review.models import SOURCE_FR, CriterionVerdict, Report, ReviewWarning
from assistant.review.report_docx import render_docx
from assistant.review.report_markdown import escape_md, render_markdown
from assistant.review.service import Reviewer, check_file
from assistant.review.structured_call import REGISTRY, call_structured, classify, parse_reply, server_key
from assistant.settings import Settings
from assistant.text.labels import WARNING_TITLES

DRAFTS = Path(__file__).resolve().parent.parent / "evals" / "drafts"
JUDGEMENT = json.dumps({"status": "partial", "evidence_quotes": [], "missing": ["un budget chiffré"], "advice": []})
CAP = 123
MESSAGES: list[BaseMessage] = [SystemMessage(content="Tu es un jury."), HumanMessage(content="Critère CR7 ?")]
REQUEST = httpx.Request("POST", "http://fake/v1/chat/completions")


def http_error(status: int) -> openai.APIStatusError:
    """The exception the OpenAI client raises for an HTTP error status."""
    response = httpx.Response(status, request=REQUEST)
    kinds: dict[int, type[openai.APIStatusError]] = {
        400: openai.BadRequestError, 422: openai.UnprocessableEntityError, 429: openai.RateLimitError,
    }  # fmt: skip
    kind = kinds.get(status, openai.InternalServerError)
    return kind("Input should be 'text' or 'json_object'", response=response, body=None)


class FakeServer(BaseChatModel):
    """A chat model whose "server" rejects some request kinds: json_schema, json_object, tools, text."""

    model_name: str = "fake-model"
    openai_api_base: str = "http://fake/v1"
    rejects: frozenset[str] = frozenset()
    error: Any = None  # raised instead of an HTTP 500 when set
    reply: str = JUDGEMENT
    delay_s: float = 0.0
    hang_from: int = 0  # from this request on (1-based), hang until ``released`` is set: a stalled server
    released: threading.Event = Field(default_factory=threading.Event)
    requests: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "fake-server"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:  # fmt: skip
        response_format = kwargs.get("response_format") or {}
        kind = response_format.get("type") or ("tools" if kwargs.get("tools") else "text")
        self.requests.append({"kind": kind, "last": str(messages[-1].content), **kwargs})
        time.sleep(self.delay_s)
        if self.hang_from and len(self.requests) >= self.hang_from:
            self.released.wait(60)  # the test releases it; 60 s only so a broken bound cannot hang CI
        if kind in self.rejects:
            raise self.error if self.error is not None else http_error(500)
        if kind == "tools":
            args = json.loads(self.reply)
            message = AIMessage(content="", tool_calls=[{"name": "CriterionJudgement", "args": args, "id": "1"}])
        else:
            message = AIMessage(content=self.reply)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def with_structured_output(self, schema: Any, *, include_raw: bool = False, method: str = "function_calling",
                               **kwargs: Any) -> Runnable[Any, Any]:  # fmt: skip
        if method == "json_schema":
            json_schema = {"name": schema.__name__, "schema": schema.model_json_schema()}
            response_format = {"type": "json_schema", "json_schema": json_schema}
            return self.bind(response_format=response_format) | RunnableLambda(
                lambda m: schema.model_validate_json(m.content)
            )
        if method == "json_mode":
            return self.bind(response_format={"type": "json_object"}) | PydanticOutputParser(pydantic_object=schema)
        if method == "function_calling":
            tool = convert_to_openai_tool(schema)
            bound = self.bind(tools=[tool], tool_choice={"type": "function", "function": {"name": schema.__name__}})
            return bound | PydanticToolsParser(tools=[schema], first_tool_only=True)
        raise ValueError(f"Unrecognized method argument: {method}")

    def kinds(self) -> list[str]:
        return [r["kind"] for r in self.requests]


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    REGISTRY.forget()
    yield
    REGISTRY.forget()


@pytest.fixture(scope="module")
def embedding():  # type: ignore[no-untyped-def]
    from assistant.index.embeddings import make_embeddings

    return make_embeddings("hashing")


def llm_reviewer(model: BaseChatModel, embedding: Any, tmp_path: Path, **settings: Any) -> Reviewer:
    values: dict[str, Any] = {"corpus_dir": DRAFTS.parent.parent / "corpus", "data_dir": tmp_path,
                              "llm_review_max_tokens": CAP, **settings}  # fmt: skip
    config = Settings(**values)
    return Reviewer.from_settings(config, embedding, model=model, model_label="llm:fake")


# ---- the fallback chain, review by review -------------------------------------------------------


def test_server_rejecting_json_schema_gets_json_mode_and_never_json_schema_again(embedding, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = FakeServer(rejects=frozenset({"json_schema"}))
    reviewer = llm_reviewer(model, embedding, tmp_path)
    report = check_file(reviewer, DRAFTS / "e2_tableaux_microbrasserie.md", "E2")
    n = len(report.criteria)
    assert model.kinds() == ["json_schema"] + ["json_object"] * n  # discovered once, on the first criterion
    assert all(v.source == "llm" for v in report.criteria)
    assert report.llm_method == "json_mode"
    assert report.timings_ms["llm_calls"] == n + 1
    # json_mode carries the description of the fields in the prompt.
    assert all('"evidence_quotes"' in r["last"] for r in model.requests if r["kind"] == "json_object")
    assert not any(w.code in {"llm_fallback", "llm_timeout"} for w in report.warnings)

    model.requests.clear()
    again = check_file(reviewer, DRAFTS / "e3_slides_lancement_jeu.md", "E3")  # the next review goes straight there
    assert model.kinds() == ["json_object"] * len(again.criteria)


def test_server_rejecting_every_structured_method_gets_the_json_of_a_plain_reply() -> None:
    judgement = '{"status": "missing", "advice": ["Ajoutez un budget chiffré."]}'
    reply = f"Voici mon avis :\n```json\n{judgement}\n```\nBon courage !"
    model = FakeServer(rejects=frozenset({"json_schema", "json_object", "tools"}), reply=reply)
    outcome = call_structured(model, CriterionJudgement, MESSAGES, max_tokens=CAP)
    assert outcome.method == "text" and outcome.value is not None
    assert outcome.value.status == "missing" and outcome.value.advice == ["Ajoutez un budget chiffré."]
    assert model.kinds() == ["json_schema", "json_object", "tools", "text"]
    assert "Réponds uniquement par un objet JSON" in model.requests[-1]["last"]
    assert REGISTRY.rejected(server_key(model)) == {"json_schema", "json_mode", "function_calling"}

    model.requests.clear()
    assert call_structured(model, CriterionJudgement, MESSAGES, max_tokens=CAP).method == "text"
    assert model.kinds() == ["text"]


def test_garbage_reply_keeps_the_offline_verdict_and_marks_no_method(embedding, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = FakeServer(reply="Je trouve ce travail plutôt réussi, bravo !")
    offline = Reviewer.from_settings(Settings(corpus_dir=DRAFTS.parent.parent / "corpus", data_dir=tmp_path), embedding)
    expected = check_file(offline, DRAFTS / "e2_tableaux_microbrasserie.md", "E2")
    report = check_file(llm_reviewer(model, embedding, tmp_path), DRAFTS / "e2_tableaux_microbrasserie.md", "E2")
    assert [v.source for v in report.criteria] == ["llm->offline"] * len(report.criteria)
    assert [v.status for v in report.criteria] == [v.status for v in expected.criteria]
    assert model.kinds() == ["json_schema"] * len(report.criteria)  # one call per criterion, no chain walk
    assert REGISTRY.rejected(server_key(model)) == set()
    assert [w.code for w in report.warnings if w.code.startswith("llm")] == ["llm_fallback"]
    assert report.llm_method is None


@pytest.mark.parametrize(
    ("rejects", "method"),
    [
        (set(), "json_schema"),
        ({"json_schema"}, "json_mode"),
        ({"json_schema", "json_object"}, "function_calling"),
        ({"json_schema", "json_object", "tools"}, "text"),
    ],
)
def test_every_call_of_every_method_carries_the_token_cap(rejects: set[str], method: str) -> None:
    model = FakeServer(rejects=frozenset(rejects))
    outcome = call_structured(model, CriterionJudgement, MESSAGES, max_tokens=CAP)
    assert outcome.method == method and outcome.value == CriterionJudgement.model_validate_json(JUDGEMENT)
    assert len(model.requests) == len(rejects) + 1
    assert [r.get("max_tokens") for r in model.requests] == [CAP] * len(model.requests)


def test_review_settings_bound_every_criterion_call(embedding, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = FakeServer()
    reviewer = llm_reviewer(model, embedding, tmp_path, llm_review_max_tokens=77)
    assert reviewer.llm is not None and reviewer.llm.max_tokens == 77
    report = check_file(reviewer, DRAFTS / "e3_slides_lancement_jeu.md", "E3")
    assert report.llm_method == "json_schema"
    assert [r.get("max_tokens") for r in model.requests] == [77] * len(report.criteria)


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (openai.APITimeoutError(request=REQUEST), "timeout"),
        (openai.APIConnectionError(request=REQUEST), "unavailable"),
        (httpx.ConnectError("refused"), "unavailable"),
        (http_error(503), "unavailable"),
    ],
)
def test_timeouts_and_connection_errors_stop_the_chain_and_mark_nothing(error: Exception, failure: str) -> None:
    model = FakeServer(rejects=frozenset({"json_schema"}), error=error)
    outcome = call_structured(model, CriterionJudgement, MESSAGES, max_tokens=CAP)
    assert outcome.value is None and outcome.failure == failure
    assert model.kinds() == ["json_schema"]  # no second method, no retry
    assert REGISTRY.rejected(server_key(model)) == set()


def test_a_request_every_method_rejects_withdraws_its_marks() -> None:
    """A prompt too long for the server's context fails every method: none of them is to blame."""
    model = FakeServer(rejects=frozenset({"json_schema", "json_object", "tools", "text"}), error=http_error(400))
    outcome = call_structured(model, CriterionJudgement, MESSAGES, max_tokens=CAP)
    assert outcome.value is None and outcome.failure == "rejected" and outcome.calls == 4
    assert REGISTRY.rejected(server_key(model)) == set()


def test_the_registry_is_per_server() -> None:
    llama = FakeServer(rejects=frozenset({"json_schema"}), openai_api_base="http://llama:8080/v1")
    vllm = FakeServer(openai_api_base="http://vllm:8000/v1")
    assert call_structured(llama, CriterionJudgement, MESSAGES, max_tokens=CAP).method == "json_mode"
    assert call_structured(vllm, CriterionJudgement, MESSAGES, max_tokens=CAP).method == "json_schema"
    other_model = FakeServer(openai_api_base="http://llama:8080/v1", model_name="qwen")
    assert call_structured(other_model, CriterionJudgement, MESSAGES, max_tokens=CAP).method == "json_schema"
    assert "secret" not in server_key(FakeServer(openai_api_base="http://llama:8080/v1"))


class Parsed(BaseModel):
    status: str


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (http_error(500), "rejected"),
        (http_error(400), "rejected"),
        (http_error(422), "rejected"),
        (httpx.HTTPStatusError("boom", request=REQUEST, response=httpx.Response(500, request=REQUEST)), "rejected"),
        (NotImplementedError(), "rejected"),
        (ValueError("response_format json_schema is not supported"), "rejected"),
        (http_error(429), "unavailable"),
        (http_error(503), "unavailable"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (openai.APITimeoutError(request=REQUEST), "timeout"),
        (OutputParserException("bad json"), "invalid"),
        (json.JSONDecodeError("x", "doc", 0), "invalid"),
        (DeadlineExpired(), "deadline"),
    ],
)
def test_classify(error: BaseException, failure: str) -> None:
    assert classify(error) == failure


def test_classify_a_reply_cut_at_the_token_cap_as_invalid() -> None:
    # What the OpenAI client raises when a JSON reply stops at max_tokens (seen with Gemma 3 270M).
    completion = ChatCompletion.model_validate({
        "id": "1", "object": "chat.completion", "created": 0, "model": "gemma3-270m",
        "choices": [{"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": '{"st'}}],
    })  # fmt: skip
    assert classify(openai.LengthFinishReasonError(completion=completion)) == "invalid"


def test_classify_a_validation_error_as_invalid() -> None:
    with pytest.raises(ValidationError) as caught:
        Parsed.model_validate({"status": 3})
    assert classify(caught.value) == "invalid"


def test_parse_reply_takes_the_first_json_object_that_validates() -> None:
    text = 'Avis {pas du json} puis {"status": "covered", "evidence_quotes": ["Budget : 12 000 €"]} fin'
    assert parse_reply(CriterionJudgement, text).evidence_quotes == ["Budget : 12 000 €"]
    with pytest.raises(ValueError):
        parse_reply(CriterionJudgement, "Rien à signaler.")
    with pytest.raises(ValidationError):
        parse_reply(CriterionJudgement, '{"status": "peut-être"}')
    with pytest.raises(ValueError):
        parse_reply(CriterionJudgement, '{"status": "covered", "advice": ["coupé par la limite de')


# ---- the review's deadline ----------------------------------------------------------------------


def test_a_call_in_flight_at_the_deadline_is_abandoned_and_no_next_method_is_tried() -> None:
    model = FakeServer(rejects=frozenset({"json_schema"}), delay_s=0.5)
    outcome = call_structured(model, CriterionJudgement, MESSAGES, max_tokens=CAP, deadline=Deadline(0.1))
    assert outcome.value is None and outcome.failure == "deadline"
    assert model.kinds() == ["json_schema"]
    # The review did not wait for the server's answer, so it learnt nothing about the method.
    assert REGISTRY.rejected(server_key(model)) == set()


def test_a_server_that_stalls_is_abandoned_at_the_deadline_and_the_rest_is_offline(embedding, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = FakeServer(hang_from=2)  # answers the first criterion, then never answers
    reviewer = llm_reviewer(model, embedding, tmp_path, llm_review_deadline_s=3)
    try:
        report = check_file(reviewer, DRAFTS / "e2_tableaux_microbrasserie.md", "E2")  # six criteria
        still_stalled = not model.released.is_set()
    finally:
        model.released.set()
    assert still_stalled  # the review came back while the server was still holding its request
    sources = [v.source for v in report.criteria]
    assert sources == ["llm"] + ["llm->timeout"] * (len(sources) - 1)
    assert len(model.requests) == 2  # none after the abandoned one
    assert report.criteria[1].llm_ms is not None and report.criteria[2].llm_ms is None
    figures = review_llm_figures([report])  # what `eval drafts --llm` prints
    assert figures["criteria_tried"] == len(sources) and figures["requests"] == 2
    assert figures["fallback_rate"] == pytest.approx((len(sources) - 1) / len(sources))
    assert figures["fallback_reasons"] == {"llm->timeout": len(sources) - 1}
    llm_warnings = [w for w in report.warnings if w.code.startswith("llm")]
    assert [w.code for w in llm_warnings] == ["llm_timeout"]
    late = [v.code for v in report.criteria if v.source == "llm->timeout"]
    assert ", ".join(late) in llm_warnings[0].message
    assert report.timings_ms["llm_calls"] == len(model.requests)
    assert WARNING_TITLES["llm_timeout"] in render_markdown(report)


# ---- a real ChatOpenAI against a llama.cpp-like HTTP server --------------------------------------


def llama_cpp_like(log: list[tuple[str, int, dict[str, Any]]]) -> httpx.MockTransport:
    """Answers like ``python -m llama_cpp.server``: HTTP 500 to json_schema, JSON to json_object."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        kind = (body.get("response_format") or {}).get("type") or ("tools" if body.get("tools") else "text")
        if kind == "json_schema":
            log.append((kind, 500, body))
            return httpx.Response(500, json={"error": {"message": "Input should be 'text' or 'json_object'"}})
        log.append((kind, 200, body))
        choice = {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": JUDGEMENT}}
        completion = {"id": "1", "object": "chat.completion", "created": 0, "model": "gemma", "choices": [choice]}
        return httpx.Response(200, json=completion)

    return httpx.MockTransport(handle)


def test_real_chat_openai_on_a_llama_cpp_like_server_sends_no_rejected_request(embedding, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from langchain_openai import ChatOpenAI

    log: list[tuple[str, int, dict[str, Any]]] = []
    model = ChatOpenAI(model="gemma", base_url="http://llama.local:8000/v1", api_key="not-needed", max_retries=1,
                       http_client=httpx.Client(transport=llama_cpp_like(log)))  # fmt: skip
    reviewer = llm_reviewer(model, embedding, tmp_path)
    first = check_file(reviewer, DRAFTS / "e2_tableaux_microbrasserie.md", "E2")
    second = check_file(reviewer, DRAFTS / "e3_slides_lancement_jeu.md", "E3")
    assert all(v.source == "llm" for v in [*first.criteria, *second.criteria])
    assert first.llm_method == second.llm_method == "json_mode"
    # A self-hosted server is asked for a JSON object first: the server never rejects one of our requests.
    assert {status for _, status, _ in log} == {200}
    assert [kind for kind, _, _ in log] == ["json_object"] * (len(first.criteria) + len(second.criteria))
    # The cap is in every request body as max_tokens, the field llama.cpp reads (ChatOpenAI itself
    # sends max_completion_tokens, which such servers ignore).
    assert all(body.get("max_tokens") == CAP for _, _, body in log)


# ---- reports say where each verdict comes from --------------------------------------------------


def test_reports_say_per_criterion_whether_the_model_or_the_offline_engine_judged() -> None:
    sources = ["llm", "llm->offline", "llm->timeout", "offline"]
    report = Report(
        file="brouillon.md",
        evaluation="E2",
        criteria=[
            CriterionVerdict(code=f"CR{n}", status="partial", confidence=0.5, referentiel=f"CR{n} …", source=source)
            for n, source in enumerate(sources, start=5)
        ],
        warnings=[ReviewWarning(code="llm_timeout", message="CR7, CR8 ont reçu l'avis hors ligne.")],
        mode="llm:fake",
        llm_method="json_mode",
    )
    markdown = render_markdown(report)
    texts = [p.text for p in Document(io.BytesIO(render_docx(report))).paragraphs]
    for source in sources:
        assert sum(escape_md(SOURCE_FR[source]) in line for line in markdown.splitlines()) == 1
        assert sum(SOURCE_FR[source] in text for text in texts) == 1
    assert "n'a pas répondu à temps" in SOURCE_FR["llm->timeout"] and "modèle" in SOURCE_FR["llm"]
    # Each mention sits in its own criterion's section.
    sections = re.split(r"^### ", markdown, flags=re.MULTILINE)[1:]
    for section, source in zip(sections, sources, strict=True):
        assert escape_md(SOURCE_FR[source]) in section
    assert f"**{WARNING_TITLES['llm_timeout']}**" in markdown
    assert f"{WARNING_TITLES['llm_timeout']} : CR7, CR8 ont reçu l'avis hors ligne." in texts
