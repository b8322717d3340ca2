"""The index version is derived, and it lives with the index.

It changes when the chunking settings, the pack's data or any indexed file change, so a change
re-indexes by itself; it is written to the Chroma collection's metadata, so every app instance on
one Chroma server sees a re-index done by any of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.index.embeddings import make_embeddings
from assistant.index.ingest import ingest
from assistant.runtime import build_runtime, index_version
from assistant.settings import ChunkingSettings
from tests.conftest import make_settings


def test_changing_the_chunking_settings_reindexes_by_itself(tmp_path: Path) -> None:
    emb = make_embeddings("hashing")
    settings = make_settings(tmp_path)
    first = ingest(settings, emb)
    assert first.version and index_version(settings) == first.version
    same = ingest(settings, emb)
    assert same.chunks_added == 0 and same.version == first.version
    finer = settings.model_copy(update={"chunking": ChunkingSettings(chunk_chars=600, overlap_chars=80)})
    again = ingest(finer, emb)
    assert set(again.indexed) == set(first.indexed)  # every file, without --rebuild
    assert again.version != first.version and index_version(finer) == again.version
    assert again.chunks_total > first.chunks_total  # smaller passages, more of them


@pytest.mark.server
def test_two_instances_on_one_server_both_see_a_reindex(chroma_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, port = chroma_server
    shared = {"chroma_host": host, "chroma_port": port, "collection": f"twin_{tmp_path.name[-12:]}"}
    one = make_settings(tmp_path / "one", **shared)
    two = make_settings(tmp_path / "two", **shared)  # another machine: its own data directory
    emb = make_embeddings("hashing")
    ingest(one, emb)
    runtime_two = build_runtime(two, ensure_index=False)
    assert runtime_two.index_version == index_version(one) != ""

    extra = tmp_path / "note-zephyrine.md"
    extra.write_text("# Note\n\nLe mot zéphyrine désigne ici la grille de relecture du tuteur.\n", encoding="utf-8")
    summary = ingest(one, emb, extra_paths=[extra])
    assert summary.chunks_added > 0

    # Instance two learns of it from the collection, not from its own manifest (which never changed).
    assert not (two.index_dir / "manifest.json").exists()
    assert index_version(two) == summary.version != runtime_two.index_version
    refreshed = build_runtime(two, ensure_index=False)
    # Among the passages an answer reads (top_k): the référentiel's authority prior, weighted by the sentence list,
    # can put a few rules above a new document even on its own unique word (a finding of issue 20).
    hits = refreshed.retriever.search("zéphyrine grille de relecture", k=two.top_k)
    assert any(h.chunk.source == str(extra.resolve()) for h in hits)
