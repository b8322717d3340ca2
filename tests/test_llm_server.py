"""The LLM path against a real model server: llama.cpp serving Gemma 3 270M (see the `llm_server` fixture).

A tiny model is a good adversary: it writes garbage, HTML, loops and echoes. Whatever it does, what
the user gets must be bounded in time, grounded (valid citations or the offline answer) and clean
(no prompt or sources echo), and none of our requests may be rejected by the server.

The offline fallback passes all of that too, so every live test also proves the model was used: its
own requests (counted from the server's access log since the test started) reached the server and got
HTTP 200, the answer or report counts the model's replies (``timings_ms``), and a non-empty raw reply
was logged (``assistant.llm.raw``, DEBUG). With ``JB_TEST_LLM_BASE_URL_OVERRIDE`` pointed at a dead port
every live test here fails; ``test_a_dead_server_gives_the_offline_answer_and_says_why`` asserts the
opposite behaviour on purpose.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import free_port
from llm_proxy import RecordingProxy

from assistant.safety.guard import prompt_fragments

pytestmark = pytest.mark.llm_server
ROOT = Path(__file__).resolve().parent.parent
ANSWER_WALL_S = 60 + 20  # the answer deadline, plus process start-up and the offline fallback
CHECK_WALL_S = 180 + 30
DRAFT = ROOT / "evals" / "drafts" / "e1_faible_boulangerie.md"  # a tune-split draft
RAW_LOGGER = "assistant.llm.raw"
_CHAT = re.compile(r'"POST /v1/chat/completions HTTP/1\.[01]" (\d{3})')  # uvicorn access log
_BARRIER = re.compile(r'"POST /v1/completions HTTP/1\.[01]" 200')
_REJECTED = re.compile(r'" (4\d\d|5\d\d) ')  # uvicorn access log: "POST /v1/chat/completions HTTP/1.1" 500
_RAW_REPLY = re.compile(r"raw reply \(([^,]+), (\d+) chars\)")
# The CLI, with the raw replies of the model logged to stderr (the CLI itself configures no logging).
RUN_CLI = f"""
import logging, sys
handler = logging.StreamHandler(sys.stderr)
handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
raw = logging.getLogger({RAW_LOGGER!r})
raw.setLevel(logging.DEBUG)
raw.addHandler(handler)
raw.propagate = False
from assistant.cli import main
main()
"""


class ServerLog:
    """The llama.cpp server's access log from the moment this was made: what one test's requests did.

    It is made once the server is idle: a one-token completion (another path than the chat requests
    counted) waits behind any generation a previous test abandoned, so neither that request's log line
    nor its load is put on this test.
    """

    def __init__(self, path: Path, server_url: str) -> None:
        import httpx

        self.path = path
        before = path.stat().st_size
        httpx.post(f"{server_url}/completions", json={"prompt": "ok", "max_tokens": 1}, timeout=180).raise_for_status()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _BARRIER.search(path.read_bytes()[before:].decode(errors="replace")):
            time.sleep(0.1)
        self.start = path.stat().st_size

    def lines(self) -> list[str]:
        return self.path.read_bytes()[self.start :].decode(errors="replace").splitlines()

    def chat_statuses(self) -> list[int]:
        return [int(m.group(1)) for line in self.lines() if (m := _CHAT.search(line))]

    def assert_served(self) -> list[int]:
        """At least one chat request of this test reached the server and got 200; none was rejected."""
        lines = self.lines()
        statuses = self.chat_statuses()
        assert statuses, f"no chat request reached the LLM server during this test; log tail: {lines[-5:]}"
        assert 200 in statuses, f"no chat request got HTTP 200: {statuses}"
        rejected = [line for line in lines if "/v1/" in line and _REJECTED.search(line)]
        assert not rejected, rejected[:5]
        return statuses


@pytest.fixture
def server_log(llm_server: dict[str, Any]) -> ServerLog:
    return ServerLog(Path(llm_server["log"]), llm_server["server_url"])


def raw_replies(text: str) -> list[tuple[str, int]]:
    """(kind, characters) of each raw reply logged, from a log text (stderr, or caplog's)."""
    return [(m.group(1), int(m.group(2))) for m in _RAW_REPLY.finditer(text)]


def raw_records(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int]]:
    return raw_replies("\n".join(r.getMessage() for r in caplog.records if r.name == RAW_LOGGER))


@pytest.fixture(scope="module")
def indexed_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a CLI run on a freshly indexed corpus (the default embedder: questions are planned
    from their meaning, which the hashing embedder lacks), no model yet."""
    data = tmp_path_factory.mktemp("llm-data")
    env = {**os.environ, "JB_DATA_DIR": str(data), "JB_EMBEDDINGS": "e5-small", "HF_HUB_OFFLINE": "1"}
    env.pop("JB_LLM", None)
    subprocess.run([sys.executable, "-m", "assistant", "ingest"], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def with_model(env: dict[str, str], base_url: str, model: str) -> dict[str, str]:
    return {**env, "JB_LLM": f"openai:{model}", "JB_LLM_BASE_URL": base_url, "JB_LLM_API_KEY": "none"}


@pytest.fixture(scope="module")
def llm_env(llm_server: dict[str, Any], indexed_env: dict[str, str]) -> dict[str, str]:
    return with_model(indexed_env, llm_server["base_url"], llm_server["model"])


@pytest.fixture(scope="module")
def dead_env(indexed_env: dict[str, str]) -> dict[str, str]:
    """The model configured on a free loopback port nobody listens on."""
    return with_model(indexed_env, f"http://127.0.0.1:{free_port()}/v1", "gemma3-270m")


def cli(env: dict[str, str], *args: str, timeout: float) -> tuple[dict[str, Any], float, str]:
    """The CLI's JSON output, its wall time and its stderr (where the model's raw replies are logged)."""
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", RUN_CLI, *args, "--json"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout + 60,
    )  # fmt: skip
    wall = time.perf_counter() - started
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout), wall, run.stderr


def settings_for(env: dict[str, str], **overrides: Any) -> Any:
    from assistant.settings import Settings

    keys = ("JB_DATA_DIR", "JB_EMBEDDINGS", "JB_LLM", "JB_LLM_BASE_URL", "JB_LLM_API_KEY")
    values: dict[str, Any] = {k.removeprefix("JB_").lower(): env[k] for k in keys}
    return Settings(**{**values, **overrides})


def assert_clean(answer: dict[str, Any]) -> None:
    text = " ".join(answer["answer"].split()).lower()
    assert not any(fragment in text for fragment in prompt_fragments()), "the prompt was echoed"
    ranks = {s["rank"] for s in answer["sources"]}
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer["answer"])}
    assert cited <= ranks, f"citations to missing sources: {cited - ranks}"
    if answer["mode"] == "extractive":  # the model's text was not used: the reason is given
        assert any(w.startswith("llm_") for w in answer["warnings"]), answer["warnings"]
    if answer["refused"]:  # a refusal carries no source and no citation
        assert not answer["sources"] and not cited
    elif answer["mode"] != "extractive":  # the model's own answer cites what it uses
        assert cited


def assert_model_answered(timings: dict[str, float], statuses: list[int]) -> None:
    """The answer counts the model's requests (each one logged by the server) and at least one reply."""
    assert timings["llm_calls"] == len(statuses), (timings, statuses)
    assert 1 <= timings["llm_replies"] <= statuses.count(200), (timings, statuses)


def test_cli_ask_through_the_server_is_bounded_and_clean(llm_env: dict[str, str], server_log: ServerLog) -> None:
    answer, wall, stderr = cli(llm_env, "ask", "Que dit exactement le CR7 ?", timeout=ANSWER_WALL_S)
    replies = raw_replies(stderr)
    print(f"\nCLI ask wall {wall:.1f} s (bound {ANSWER_WALL_S} s), mode {answer['mode']}, {answer['warnings']}, "
          f"requests {server_log.chat_statuses()}, timings {answer['timings_ms']}, raw replies {replies}")  # fmt: skip

    statuses = server_log.assert_served()
    assert wall <= ANSWER_WALL_S
    assert_clean(answer)
    assert_model_answered(answer["timings_ms"], statuses)
    assert any(kind == "answer" and chars > 0 for kind, chars in replies), stderr[-2000:]


def test_streamed_answer_and_follow_up_through_the_server(
    llm_env: dict[str, str], llm_server: dict[str, Any], server_log: ServerLog, caplog: pytest.LogCaptureFixture
) -> None:
    from assistant.answer.ask import Asker
    from assistant.runtime import build_runtime

    caplog.set_level(logging.DEBUG, logger=RAW_LOGGER)
    # A recording proxy in front of the server: the request bodies read here are the ones the server got.
    with RecordingProxy(llm_server["base_url"], max_requests=10) as proxy:
        settings = settings_for(llm_env, llm_base_url=proxy.base_url)
        asker = Asker(build_runtime(settings))
        started = time.perf_counter()
        events = list(asker.stream("Quels sont les critères de l'E2 ?"))
        first_wall = time.perf_counter() - started
        first_bodies = proxy.chat_bodies()
        final = events[-1].answer
        assert final is not None and events[-1].kind == "final"
        # A follow-up is condensed by the model into a standalone question, within the same bounds.
        started = time.perf_counter()
        history = [("user", "Que dit le CR7 ?"), ("assistant", final.answer[:400])]
        follow = asker.answer("Et le CR8 ?", history=history)
        follow_wall = time.perf_counter() - started
        follow_bodies = proxy.chat_bodies()[len(first_bodies) :]
        forwarded = [r.status for r in proxy.requests if r.path.endswith("/chat/completions")]
    replies = raw_records(caplog)
    print(f"\nstreamed answer wall {first_wall:.1f} s, mode {final.mode}, {final.warnings}, {final.timings_ms}; "
          f"follow-up wall {follow_wall:.1f} s, mode {follow.mode}, {follow.warnings}, {follow.timings_ms}; "
          f"requests {server_log.chat_statuses()}, proxied {forwarded}, raw replies {replies}")  # fmt: skip

    statuses = server_log.assert_served()
    assert first_wall <= ANSWER_WALL_S and follow_wall <= ANSWER_WALL_S
    assert_clean(final.model_dump())
    assert_clean(follow.model_dump())
    assert forwarded and all(status == 200 for status in forwarded), forwarded
    assert len(statuses) == len(forwarded)  # every request the proxy saw reached the server, and no other
    # The streamed answer: one request, streamed, carrying the answer's token cap in the body itself.
    assert final.timings_ms["llm_calls"] == len(first_bodies) == 1
    assert final.timings_ms["llm_replies"] == 1
    assert first_bodies[0]["stream"] is True
    assert first_bodies[0]["max_tokens"] == settings.llm_max_tokens
    # The follow-up: the condensation first (not streamed, the condense cap), then any answer (the answer cap).
    assert follow.timings_ms["llm_calls"] == len(follow_bodies) >= 1
    assert follow.timings_ms["llm_replies"] >= 1
    condense, *rest = follow_bodies
    assert not condense.get("stream") and condense["max_tokens"] == settings.llm_condense_max_tokens
    assert all(body["stream"] is True and body["max_tokens"] == settings.llm_max_tokens for body in rest), rest
    kinds = {kind for kind, chars in replies if chars > 0}
    assert {"answer", "condense"} <= kinds, replies


def test_cli_check_through_the_server_is_bounded(llm_env: dict[str, str], server_log: ServerLog) -> None:
    from assistant.documents import load_document
    from assistant.review.quotes import verify_quote

    report, wall, stderr = cli(llm_env, "check", str(DRAFT), "--eval", "E1", timeout=CHECK_WALL_S)
    units = [unit.text for unit in load_document(DRAFT).units]
    sources = [c["source"] for c in report["criteria"]]
    timings = report["timings_ms"]
    replies = raw_replies(stderr)
    print(f"\nCLI check wall {wall:.1f} s (bound {CHECK_WALL_S} s), review {timings['total_ms']:.0f} ms, "
          f"sources {sources}, method {report['llm_method']}, requests {server_log.chat_statuses()}, "
          f"calls {timings['llm_calls']:.0f} replies {timings['llm_replies']:.0f} parsed {timings['llm_parsed']:.0f}, "
          f"raw replies {replies}")  # fmt: skip

    statuses = server_log.assert_served()
    assert wall <= CHECK_WALL_S
    assert [c["code"] for c in report["criteria"]] == ["CR1", "CR2", "CR3", "CR4"]
    assert {c["source"] for c in report["criteria"]} <= {"llm", "llm->offline", "llm->timeout", "offline"}
    for criterion in report["criteria"]:
        for evidence in criterion["evidence"]:  # every quote shown is in the draft, verbatim
            assert verify_quote(evidence["quote"], units) is not None, evidence["quote"]
    # The model was used: replies came back (each one a 200 the server logged), were logged raw, and the
    # model's structured judgement was parsed and merged for at least one criterion (that is what "llm" says;
    # Gemma 3 270M at temperature 0 gives a parsable judgement on this draft run after run).
    assert 1 <= timings["llm_replies"] <= statuses.count(200) <= timings["llm_calls"], (timings, statuses)
    assert sum(1 for kind, chars in replies if kind.startswith("structured CR") and chars > 0) >= 1, stderr[-2000:]
    assert "llm" in sources
    assert timings["llm_parsed"] == sources.count("llm")
    assert report["llm_method"]


def test_app_chat_through_the_server(
    llm_env: dict[str, str], server_log: ServerLog, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from assistant.settings import get_settings

    caplog.set_level(logging.DEBUG, logger=RAW_LOGGER)
    for key in ("JB_DATA_DIR", "JB_EMBEDDINGS", "JB_LLM", "JB_LLM_BASE_URL", "JB_LLM_API_KEY"):
        monkeypatch.setenv(key, llm_env[key])
    get_settings.cache_clear()
    try:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=ANSWER_WALL_S + 60).run()
        assert not at.exception, at.exception
        at.chat_input[0].set_value("Que faut-il montrer pour valider le CR7 ?").run()
        assert not at.exception, at.exception
        messages = [m for m in at.chat_message if m.name == "assistant"]
        assert messages, "no assistant message"
        shown = " ".join(md.value for md in messages[-1].markdown).lower()
        assert not any(fragment in " ".join(shown.split()) for fragment in prompt_fragments())
    finally:
        get_settings.cache_clear()
    replies = raw_records(caplog)
    print(f"\napp chat: requests {server_log.chat_statuses()}, raw replies {replies}")
    server_log.assert_served()
    assert any(kind == "answer" and chars > 0 for kind, chars in replies), replies


REPHRASE_REASONS = {"empty", "too_long", "not_a_question", "injection", "claim_dropped", "verdict", "language",
                    "unchanged", "output_guard", "timeout"}  # fmt: skip


def test_oral_question_rephrased_through_the_server(
    llm_server: dict[str, Any], server_log: ServerLog, caplog: pytest.LogCaptureFixture
) -> None:
    from assistant.llm.models import make_chat_model, model_label
    from assistant.review.oral_models import OralQuestion
    from assistant.review.oral_rephrase import QuestionRephraser, plain
    from assistant.settings import Settings

    caplog.set_level(logging.DEBUG, logger=RAW_LOGGER)
    settings = Settings(llm=f"openai:{llm_server['model']}", llm_base_url=llm_server["base_url"], llm_api_key="none")
    model = make_chat_model(settings)
    assert model is not None
    rephrase = QuestionRephraser.from_settings(model, model_label(settings), settings)
    claim = "la marque dépense environ 4 000 € par mois sur Google Ads"
    template = ("Sur quels leviers payants la marque investit-elle aujourd'hui, et comment avez-vous estimé "
                "le montant de ces investissements ?")  # fmt: skip
    question = OralQuestion(
        number=1, criterion="CR1", attendus=["CR1.2"], template=template, claim=claim, seconds=120,
        text=f"Dans votre dossier, vous écrivez : « {claim} ». {template}",
    )  # fmt: skip
    started = time.perf_counter()
    reply = rephrase(question)
    wall = time.perf_counter() - started
    replies = raw_records(caplog)
    print(f"\noral rephrase wall {wall:.1f} s, reply {reply!r}, calls {rephrase.calls} used {rephrase.used} "
          f"fallbacks {dict(rephrase.fallbacks)}, requests {server_log.chat_statuses()}, raw {replies}")  # fmt: skip

    statuses = server_log.assert_served()
    assert rephrase.calls == 1 == len(statuses)
    assert wall <= rephrase.deadline_s + 5
    assert any(kind.startswith("oral_rephrase") and chars > 0 for kind, chars in replies), replies
    if reply is None:  # the guard kept the pack's wording: the counters say why
        assert rephrase.used == 0 and sum(rephrase.fallbacks.values()) == 1, rephrase.fallbacks
        assert set(rephrase.fallbacks) <= REPHRASE_REASONS, rephrase.fallbacks
    else:
        assert reply.endswith("?") and plain(claim) in plain(reply), reply
        assert rephrase.used == 1 and not rephrase.fallbacks


def test_a_dead_server_gives_the_offline_answer_and_says_why(dead_env: dict[str, str]) -> None:
    # No llm_server here: the opposite of the live tests, which must fail in exactly this situation.
    answer, wall, stderr = cli(dead_env, "ask", "Que dit exactement le CR7 ?", timeout=ANSWER_WALL_S)
    print(f"\ndead server: ask wall {wall:.1f} s, mode {answer['mode']}, {answer['warnings']}, {answer['timings_ms']}")

    assert wall <= ANSWER_WALL_S
    assert answer["mode"] == "extractive"
    assert any(w.startswith("llm_error") for w in answer["warnings"]), answer["warnings"]
    assert answer["timings_ms"]["llm_calls"] == 1 and answer["timings_ms"]["llm_replies"] == 0
    assert not raw_replies(stderr)
    assert_clean(answer)

    report, wall, stderr = cli(dead_env, "check", str(DRAFT), "--eval", "E1", timeout=CHECK_WALL_S)
    codes = [c["code"] for c in report["criteria"]]
    timings = report["timings_ms"]
    print(f"dead server: check wall {wall:.1f} s, sources {[c['source'] for c in report['criteria']]}, {timings}")

    assert wall <= CHECK_WALL_S
    assert codes == ["CR1", "CR2", "CR3", "CR4"]
    assert all(c["source"] == "llm->offline" for c in report["criteria"]), report["criteria"]
    assert timings["llm_calls"] == len(codes)  # one request per criterion: an unreachable server stops the chain
    assert timings["llm_replies"] == 0 and timings["llm_parsed"] == 0
    assert report["llm_method"] is None
    assert not raw_replies(stderr)
    # The reason is given: the report's warning names every criterion, the log says why each call failed.
    fallback = [w["message"] for w in report["warnings"] if w["code"] == "llm_fallback"]
    assert fallback and all(code in fallback[0] for code in codes), report["warnings"]
    for code in codes:
        assert f"LLM review failed on {code}: unavailable " in stderr, stderr[-2000:]  # connection refused
