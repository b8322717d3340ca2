"""Faults: a Chroma server that stops and comes back, an interrupted indexing run, a corrupted local index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, free_port, make_settings, wait_until_up

from assistant.answer.ask import Asker
from assistant.index.embeddings import make_embeddings
from assistant.index.ingest import Manifest, ingest, manifest_path
from assistant.index.store import IndexUnavailable, VectorStore
from assistant.pack import load_pack
from assistant.retrieve.hybrid import HybridRetriever
from assistant.runtime import Runtime, build_runtime


def _start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    proc = subprocess.Popen([binary, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, seconds=30, name="Chroma server")
    except BaseException:
        proc.kill()
        raise
    return proc


@pytest.mark.server
def test_server_stopping_mid_run_gives_a_clear_message_and_recovers(tmp_path: Path) -> None:
    port = free_port()
    server = _start_chroma(tmp_path / "srv", port)
    try:
        settings = make_settings(tmp_path, chroma_host="127.0.0.1", chroma_port=port)
        emb = make_embeddings("hashing")
        ingest(settings, emb)
        store = VectorStore(settings, emb)
        pack = load_pack(settings.corpus_dir)
        runtime = Runtime(settings, emb, store, HybridRetriever(store, pack), pack, "test")
        asker = Asker(runtime, use_settings_model=False)
        assert asker.answer("Que dit le CR7 ?").kind == "item"

        server.terminate()
        server.wait(timeout=10)
        down = asker.answer("Que dit le CR7 ?")
        assert down.kind == "error" and "Index indisponible" in down.answer and "index_unavailable" in down.warnings
        with pytest.raises(IndexUnavailable, match="ne répond pas"):
            VectorStore(settings, emb)

        server = _start_chroma(tmp_path / "srv", port)  # same data, same port
        back = asker.answer("Que dit le CR7 ?")
        assert back.kind == "item" and "Le budget est exhaustif" in back.answer
    finally:
        server.terminate()
        server.wait(timeout=10)


SLOW_INGEST = """
import sys, time
import assistant.index.store as store
original = store.VectorStore.add
def slow_add(self, chunks):
    time.sleep(0.25)
    original(self, chunks)
store.VectorStore.add = slow_add
from assistant.settings import Settings
from assistant.index.embeddings import make_embeddings
from assistant.index.ingest import ingest
ingest(Settings(corpus_dir=sys.argv[1], data_dir=sys.argv[2], embeddings="hashing"), make_embeddings("hashing"))
"""


def test_an_interrupted_indexing_run_leaves_a_usable_index_and_resumes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_INGEST, str(settings.corpus_dir), str(settings.data_dir)],
                            cwd=ROOT, env={**os.environ})  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(Manifest.load(manifest_path(settings)).files) < 3:
        time.sleep(0.2)
    proc.kill()  # killed mid-way, like a crash
    proc.wait(timeout=10)
    done_before = set(Manifest.load(manifest_path(settings)).files)
    assert len(done_before) >= 3

    emb = make_embeddings("hashing")
    partial = VectorStore(settings, emb)
    assert partial.count() > 0  # usable: what was indexed is searchable
    resumed = ingest(settings, emb)
    assert done_before <= set(resumed.skipped)  # resumes instead of starting again
    assert resumed.chunks_total == Manifest.load(manifest_path(settings)).chunk_count
    fresh = ingest(make_settings(tmp_path / "fresh"), emb)
    assert resumed.chunks_total == fresh.chunks_total  # nothing lost, nothing duplicated


def test_a_corrupted_local_index_is_detected_and_rebuilt(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    emb = make_embeddings("hashing")
    first = ingest(settings, emb)
    from assistant.index.store import forget_clients

    forget_clients(settings)  # a new process would not share the open handle
    (settings.index_dir / "chroma" / "chroma.sqlite3").write_bytes(b"not a database" * 1000)
    runtime = build_runtime(settings, ensure_index=True)
    assert runtime.store.count() == first.chunks_total
    assert runtime.store.recovered_from is not None and runtime.store.recovered_from.exists()
    assert "reconstruit" in runtime.store.recovery_message
    assert runtime.retriever.search("Que dit le CR7 ?", k=1)[0].chunk.id == "ref:criterion:CR7"
