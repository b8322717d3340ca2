"""Shared fixtures. Tests never touch the network; models come from installed packages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


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
    import socket
    import subprocess
    import sys
    import time

    import httpx

    host = os.environ.get("JB_TEST_CHROMA_HOST")
    port = os.environ.get("JB_TEST_CHROMA_PORT")
    if host and port:
        yield host, int(port)
        return
    binary = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [binary, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(free)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{free}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("Chroma server did not start")
        yield "127.0.0.1", free
    finally:
        proc.terminate()
        proc.wait(timeout=10)
