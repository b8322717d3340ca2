"""The LLM path against a real model server: llama.cpp serving Gemma 3 270M (see the `llm_server` fixture).

A tiny model is a good adversary: it writes garbage, HTML, loops and echoes. Whatever it does, what
the user gets must be bounded in time, grounded (valid citations or the offline answer) and clean
(no prompt or sources echo), and none of our requests may be rejected by the server.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.safety.guard import prompt_fragments

pytestmark = pytest.mark.llm_server
ROOT = Path(__file__).resolve().parent.parent
ANSWER_WALL_S = 60 + 20  # the answer deadline, plus process start-up and the offline fallback
CHECK_WALL_S = 180 + 30
_REJECTED = re.compile(r'" (4\d\d|5\d\d) ')  # uvicorn access log: "POST /v1/chat/completions HTTP/1.1" 500


@pytest.fixture(scope="module")
def llm_env(llm_server: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("llm-data")
    env = {
        **os.environ,
        "JB_DATA_DIR": str(data),
        "JB_EMBEDDINGS": "hashing",
        "JB_LLM": f"openai:{llm_server['model']}",
        "JB_LLM_BASE_URL": llm_server["base_url"],
        "JB_LLM_API_KEY": "none",
        "HF_HUB_OFFLINE": "1",
    }
    subprocess.run([sys.executable, "-m", "assistant", "ingest"], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def cli(env: dict[str, str], *args: str, timeout: float) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "assistant", *args, "--json"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout + 60,
    )  # fmt: skip
    wall = time.perf_counter() - started
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout), wall


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


def assert_no_rejected_request(llm_server: dict[str, Any]) -> None:
    log = Path(llm_server["log"]).read_text(errors="replace")
    rejected = [line for line in log.splitlines() if "/v1/" in line and _REJECTED.search(line)]
    assert not rejected, rejected[:5]


def test_cli_ask_through_the_server_is_bounded_and_clean(llm_env: dict[str, str], llm_server: dict[str, Any]) -> None:
    answer, wall = cli(llm_env, "ask", "Que dit exactement le CR7 ?", timeout=ANSWER_WALL_S)
    print(f"\nCLI ask wall {wall:.1f} s (bound {ANSWER_WALL_S} s), mode {answer['mode']}, {answer['warnings']}")

    assert wall <= ANSWER_WALL_S
    assert_clean(answer)
    assert_no_rejected_request(llm_server)


def test_streamed_answer_and_follow_up_through_the_server(llm_env: dict[str, str], llm_server: dict[str, Any]) -> None:
    from assistant.answer.ask import Asker
    from assistant.runtime import build_runtime
    from assistant.settings import Settings

    keys = ("JB_DATA_DIR", "JB_EMBEDDINGS", "JB_LLM", "JB_LLM_BASE_URL", "JB_LLM_API_KEY")
    settings = Settings(**{k.removeprefix("JB_").lower(): llm_env[k] for k in keys})  # type: ignore[arg-type]
    asker = Asker(build_runtime(settings))
    started = time.perf_counter()
    events = list(asker.stream("Quels sont les critères de l'E2 ?"))
    assert time.perf_counter() - started <= ANSWER_WALL_S
    final = events[-1].answer
    assert final is not None and events[-1].kind == "final"
    assert_clean(final.model_dump())
    # A follow-up is condensed by the model into a standalone question, within the same bounds.
    started = time.perf_counter()
    history = [("user", "Que dit le CR7 ?"), ("assistant", final.answer[:400])]
    follow = asker.answer("Et le CR8 ?", history=history)
    assert time.perf_counter() - started <= ANSWER_WALL_S
    assert_clean(follow.model_dump())
    assert_no_rejected_request(llm_server)


def test_cli_check_through_the_server_is_bounded(llm_env: dict[str, str], llm_server: dict[str, Any]) -> None:
    from assistant.documents import load_document
    from assistant.review.quotes import verify_quote

    draft = ROOT / "evals" / "drafts" / "e1_fort_cosmetique.md"
    report, wall = cli(llm_env, "check", str(draft), "--eval", "E1", timeout=CHECK_WALL_S)
    units = [unit.text for unit in load_document(draft).units]
    sources = [c["source"] for c in report["criteria"]]
    print(f"\nCLI check wall {wall:.1f} s (bound {CHECK_WALL_S} s), review {report['timings_ms']['total_ms']:.0f} ms, "
          f"sources {sources}")  # fmt: skip

    assert wall <= CHECK_WALL_S
    assert [c["code"] for c in report["criteria"]] == ["CR1", "CR2", "CR3", "CR4"]
    assert {c["source"] for c in report["criteria"]} <= {"llm", "llm->offline", "llm->timeout", "offline"}
    for criterion in report["criteria"]:
        for evidence in criterion["evidence"]:  # every quote shown is in the draft, verbatim
            assert verify_quote(evidence["quote"], units) is not None, evidence["quote"]
    assert_no_rejected_request(llm_server)


def test_app_chat_through_the_server(llm_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from assistant.settings import get_settings

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
