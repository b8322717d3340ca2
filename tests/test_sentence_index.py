"""Evidence sentences are indexed with their chunks (one row per sentence, replaced with its file) and searched
in memory, optionally among the sentences of given chunks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, make_settings

from assistant.index.embeddings import make_embeddings
from assistant.index.ingest import ingest
from assistant.index.sentence_store import SentenceIndex, SentenceStore, drop_sentences, sentence_collection
from assistant.index.store import VectorStore
from assistant.text.sentences import evidence_sentences


def _small_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "referentiel", corpus / "referentiel")
    shutil.copy(CORPUS / "vocabulary.yaml", corpus / "vocabulary.yaml")
    (corpus / "cours").mkdir(parents=True)
    for name in ("budget-projet-digital.md", "cahier-des-charges.md"):
        shutil.copy(CORPUS / "cours" / name, corpus / "cours" / name)
    return corpus


def _expected(store: VectorStore) -> dict[str, list[str]]:
    return {c.id: evidence_sentences(c.body) for c in store.all_chunks()}


def _indexed(index: SentenceIndex) -> dict[str, list[str]]:
    return {chunk: [h.text for h in index.of_chunk(chunk)] for chunk in dict.fromkeys(index.chunk_ids)}


def test_every_evidence_sentence_of_every_chunk_is_one_row(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    expected = {k: v for k, v in _expected(hashing_runtime.store).items() if v}
    index = hashing_runtime.sentences
    assert len(index) == sum(map(len, expected.values())) > 1000
    assert _indexed(index) == expected
    assert [h.position for h in index.of_chunk("ref:criterion:CR7")] == list(range(len(expected["ref:criterion:CR7"])))
    got = SentenceStore(hashing_runtime.store).collection.get(ids=["ref:criterion:CR7#s0"], include=["metadatas"])
    assert got["metadatas"][0] == {
        "chunk_id": "ref:criterion:CR7", "position": 0, "doc_type": "referentiel",
        "source": "referentiel/referentiel.yaml",
    }  # fmt: skip


def test_search_ranks_by_cosine_and_can_keep_to_given_chunks(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    index: SentenceIndex = hashing_runtime.sentences
    vector = hashing_runtime.embedding.embeddings.embed_query("Le budget est exhaustif et structuré")
    top = index.search(vector, k=5)
    assert len(top) == 5 and [h.score for h in top] == sorted((h.score for h in top), reverse=True)
    assert any(h.chunk_id == "ref:criterion:CR7" for h in top)

    allowed = {"ref:criterion:CR5", "ref:criterion:CR6", "ref:section:HANDICAP"}
    kept = index.search(vector, k=50, chunk_ids=allowed)
    assert kept and {h.chunk_id for h in kept} <= allowed
    assert len(kept) == sum(len(index.of_chunk(c)) for c in allowed)
    assert index.search(vector, k=3, chunk_ids={"nope"}) == [] and index.search(vector, k=0) == []
    assert index.of_chunk("nope") == [] and all(h.score == 0 for h in index.of_chunk("ref:criterion:CR7"))
    assert len(SentenceIndex.empty()) == 0 and SentenceIndex.empty().search(vector, k=3) == []


def test_a_changed_or_removed_file_replaces_its_sentences_and_leaves_no_orphans(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path)
    settings = make_settings(tmp_path, corpus_dir=corpus)
    emb = make_embeddings("hashing")
    first = ingest(settings, emb)
    store = VectorStore(settings, emb)
    assert first.sentences_total == first.sentences_added == sum(map(len, _expected(store).values()))

    sheet = corpus / "cours" / "cahier-des-charges.md"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text[: len(text) // 2] + "\n\nLe tuteur relit la grille zéphyrine avant la soutenance.\n")
    second = ingest(settings, emb)
    assert second.indexed == ["cours/cahier-des-charges.md"]
    index = SentenceIndex.load(store)
    assert _indexed(index) == {k: v for k, v in _expected(store).items() if v}  # no orphans, nothing missing
    assert any("zéphyrine" in t for t in index.texts)
    assert len(index) < first.sentences_total

    sheet.unlink()
    third = ingest(settings, emb)
    assert third.removed == ["cours/cahier-des-charges.md"]
    index = SentenceIndex.load(store)
    assert set(index.chunk_ids) <= {c.id for c in store.all_chunks()}
    assert not any("zéphyrine" in t for t in index.texts)

    rebuilt = ingest(settings, emb, rebuild=True)
    assert rebuilt.sentences_total == third.sentences_total


def test_an_index_without_sentences_gets_them_on_the_next_ingest(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path)
    settings = make_settings(tmp_path, corpus_dir=corpus)
    emb = make_embeddings("hashing")
    first = ingest(settings, emb)
    store = VectorStore(settings, emb)
    drop_sentences(store)  # as built before sentences were indexed
    assert len(SentenceIndex.load(store)) == 0
    again = ingest(settings, emb)
    assert again.indexed == [] and again.sentences_added == again.sentences_total == first.sentences_total
    assert len(SentenceIndex.load(store)) == first.sentences_total


@pytest.mark.server
def test_the_sentence_collection_lives_on_the_chroma_server(chroma_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import chromadb

    host, port = chroma_server
    collection = f"sent_{tmp_path.name[-12:]}"
    settings = make_settings(
        tmp_path, corpus_dir=_small_corpus(tmp_path), chroma_host=host, chroma_port=port, collection=collection
    )
    summary = ingest(settings, make_embeddings("hashing"))
    client = chromadb.HttpClient(host=host, port=port)
    assert client.get_collection(sentence_collection(collection)).count() == summary.sentences_total > 300
    assert len(SentenceIndex.load(VectorStore(settings, make_embeddings("hashing")))) == summary.sentences_total
    assert not (settings.index_dir / "chroma").exists()  # nothing written to a local store
