"""Shipped vectors: the pack's file covers what a first ingest and the router embed; it is checked against the
live model at load (a tampered file is ignored and everything is embedded); only misses reach the embedder."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, make_settings
from langchain_core.embeddings import Embeddings

from assistant.index.embeddings import EmbeddingChoice, HashingEmbeddings, make_embeddings
from assistant.index.ingest import ingest, pack_chunks
from assistant.index.shipped import (
    Kind,
    ShippedFirstEmbeddings,
    ShippedVectors,
    pack_entries,
    query_vectors,
    shipped_first,
    text_key,
    vectors_path,
)
from assistant.pack import pack_from


class Counting(Embeddings):
    """Records every text that reaches the embedder, by method."""

    def __init__(self, inner: Embeddings, *, batched_queries: bool = True) -> None:
        self.inner = inner
        self.documents: list[list[str]] = []
        self.queries: list[str] = []
        self.query_batches: list[list[str]] = []
        if not batched_queries:
            self.embed_queries = None  # type: ignore[assignment]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents.append(list(texts))
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return self.inner.embed_query(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        self.query_batches.append(list(texts))
        return [self.inner.embed_query(t) for t in texts]

    @property
    def embedded(self) -> int:
        return sum(map(len, self.documents)) + len(self.queries) + sum(map(len, self.query_batches))


def _ship(root: Path, embeddings: Embeddings, model_id: str, entries: list[tuple[Kind, str]]) -> Path:
    vectors = [
        embeddings.embed_documents([text])[0] if kind == "passage" else embeddings.embed_query(text)
        for kind, text in entries
    ]
    shipped = ShippedVectors(model_id, [text_key(k, t) for k, t in entries], np.asarray(vectors), entries[:3])
    path = vectors_path(root, model_id)
    shipped.save(path)
    return path


def _tamper(path: Path) -> None:
    """Change the vectors (rows shifted by one) and give the file a new modification time."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["vectors"] = np.roll(arrays["vectors"], 1, axis=0)
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def test_the_shipped_file_covers_every_passage_sentence_and_exemplar_of_the_pack(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, embeddings="e5-small")
    pack = pack_from(CORPUS)
    entries = pack_entries(pack_chunks(settings, pack), pack.routes, (a for c in pack.ref.criteria for a in c.attendus))
    assert any(text == pack.ref.criteria[0].attendus[0].sample_answers[0] for _, text in entries)
    model_id = make_embeddings("e5-small").model_id
    path = vectors_path(CORPUS, model_id)
    assert path.is_file(), f"{path} is missing: run python scripts/ship_vectors.py"
    shipped = ShippedVectors.read(path)
    assert shipped.model_id == model_id
    missing = [f"{kind}: {text[:80]}" for kind, text in entries if text_key(kind, text) not in shipped.rows]
    assert not missing, (
        f"{len(missing)} of {len(entries)} texts of the pack have no shipped vector (stale file): run"
        f" python scripts/ship_vectors.py\n" + "\n".join(missing[:10])
    )
    assert {kind for kind, _ in shipped.probes} == {"passage", "query"} and len(shipped.probes) == 3
    assert path.stat().st_size < 4 * 1024 * 1024  # float16, compressed


def test_a_tampered_file_is_rejected_at_load_and_its_texts_embedded(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    hashing = HashingEmbeddings()
    texts = ["Le budget est exhaustif et structuré.", "Le cahier des charges est complet.", "Une autre phrase."]
    entries: list[tuple[Kind, str]] = [("passage", texts[0]), ("passage", texts[1]), ("query", "Que dit le CR7 ?")]
    path = _ship(tmp_path, hashing, "hashing:512", [*entries, ("passage", texts[2])])
    settings = make_settings(tmp_path, corpus_dir=tmp_path)

    counting = Counting(hashing)
    choice = EmbeddingChoice(counting, "hashing:512")
    assert ShippedVectors.load(tmp_path, choice) is not None
    first = shipped_first(settings, choice)
    assert isinstance(first, ShippedFirstEmbeddings)
    probes = counting.embedded
    assert first.embed_documents(texts) == ShippedVectors.read(path).lookup("passage", texts)
    assert counting.embedded == probes  # all three were shipped
    off = shipped_first(settings.model_copy(update={"shipped_vectors": False}), choice)
    assert off is counting  # the setting turns them off

    _tamper(path)
    with caplog.at_level(logging.WARNING, logger="assistant.index.shipped"):
        assert ShippedVectors.load(tmp_path, choice) is None
    assert "do not match the live model" in caplog.text
    again = shipped_first(settings, choice)
    assert again is counting
    before = counting.embedded
    again.embed_documents(texts)
    assert counting.embedded == before + len(texts)  # every text embedded again


def test_another_models_file_or_no_file_gives_nothing(tmp_path: Path) -> None:
    hashing = HashingEmbeddings()
    _ship(tmp_path, hashing, "hashing:512", [("passage", "Un passage assez long."), ("query", "Une question ?")])
    other = EmbeddingChoice(hashing, "hashing:256")
    assert ShippedVectors.load(tmp_path, other) is None  # the file for hashing:256 does not exist
    assert ShippedVectors.load(tmp_path / "nowhere", EmbeddingChoice(hashing, "hashing:512")) is None
    assert query_vectors(tmp_path, EmbeddingChoice(hashing, "hashing:512"), ["Une question ?", "Autre ?"]) == {
        "Une question ?": pytest.approx(hashing.embed_query("Une question ?"), abs=1e-3)
    }


def test_only_misses_reach_the_inner_embedder_in_one_batch() -> None:
    hashing = HashingEmbeddings()
    shipped_texts = ["passage expédié un", "passage expédié deux"]
    entries: list[tuple[Kind, str]] = [("passage", t) for t in shipped_texts] + [("query", "question expédiée")]
    vectors = np.asarray([*hashing.embed_documents(shipped_texts), hashing.embed_query("question expédiée")])
    shipped = ShippedVectors("hashing:512", [text_key(k, t) for k, t in entries], vectors, entries)

    inner = Counting(hashing)
    wrapped = ShippedFirstEmbeddings(inner, shipped)
    texts = [shipped_texts[0], "nouveau a", shipped_texts[1], "nouveau b", "nouveau a"]
    out = wrapped.embed_documents(texts)
    assert inner.documents == [["nouveau a", "nouveau b"]]  # one call, misses only, no repeats
    assert out[1] == out[4] and len(out) == len(texts)
    assert all(isinstance(v, float) for row in out for v in row)
    assert all(abs(float(np.linalg.norm(row)) - 1) < 1e-5 for row in out)
    assert out[0] == pytest.approx(hashing.embed_documents([shipped_texts[0]])[0], abs=1e-3)

    assert wrapped.embed_query("question expédiée") == pytest.approx(hashing.embed_query("question expédiée"), abs=1e-3)
    assert inner.queries == []
    wrapped.embed_query("question nouvelle")
    assert inner.queries == ["question nouvelle"]
    wrapped.embed_queries(["question expédiée", "q1 nouvelle", "q2 nouvelle"])
    assert inner.query_batches == [["q1 nouvelle", "q2 nouvelle"]]
    assert wrapped.embed_documents(shipped_texts) and len(inner.documents) == 1  # all shipped: no call

    unbatched = Counting(hashing, batched_queries=False)
    ShippedFirstEmbeddings(unbatched, shipped).embed_queries(["question expédiée", "q3 nouvelle"])
    assert unbatched.queries == ["q3 nouvelle"] and unbatched.query_batches == []


@pytest.mark.slow
def test_the_real_file_passes_its_check_with_e5_and_a_first_ingest_embeds_almost_nothing(
    e5_runtime,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    e5 = e5_runtime.embedding
    shipped = ShippedVectors.load(CORPUS, e5)
    assert shipped is not None and shipped.model_id == e5.model_id
    # The index e5_runtime built holds the shipped vectors, and they are e5's.
    got = e5_runtime.store.collection.get(ids=["ref:criterion:CR7"], include=["embeddings", "documents"])
    stored = np.asarray(got["embeddings"][0])
    live = np.asarray(e5.embeddings.embed_documents([got["documents"][0]])[0])
    assert float(stored @ live) > 0.999
    assert len(e5_runtime.sentences) > len(e5_runtime.store.all_chunks())
    exemplars = [t for i in e5_runtime.pack.routes.intents for t in i.exemplars]
    assert set(query_vectors(CORPUS, e5, exemplars)) == set(exemplars)

    # A fresh ingest of a pack with its shipped file: the embedder sees the probes, nothing else.
    pack = tmp_path / "pack"
    for name in ("referentiel", "models"):
        shutil.copytree(CORPUS / name, pack / name)
    for name in ("vocabulary.yaml", "routes.yaml"):
        shutil.copy(CORPUS / name, pack / name)
    (pack / "cours").mkdir()
    shutil.copy(CORPUS / "cours" / "cahier-des-charges.md", pack / "cours")
    counting = Counting(e5.embeddings)
    choice = EmbeddingChoice(counting, e5.model_id)
    settings = make_settings(tmp_path, corpus_dir=pack, embeddings="e5-small")
    summary = ingest(settings, choice)
    assert summary.chunks_total > 100 and summary.sentences_total > summary.chunks_total
    assert counting.embedded <= 3, counting.documents

    # Vectors changed: rejected at load (the real e5 check), and the pack's texts are embedded again.
    _tamper(vectors_path(pack, e5.model_id))
    tampered = Counting(e5.embeddings)
    with caplog.at_level(logging.WARNING, logger="assistant.index.shipped"):
        embeddings = shipped_first(settings, EmbeddingChoice(tampered, e5.model_id))
    assert "do not match the live model" in caplog.text
    assert embeddings is tampered
    texts = [c.text for c in pack_chunks(settings, pack_from(pack))[:4]]
    embeddings.embed_documents(texts)
    assert tampered.documents[-1] == texts
