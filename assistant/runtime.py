"""Wiring: settings -> embedder -> store -> retriever, built once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.index.embeddings import EmbeddingChoice, shared_embedding
from assistant.index.sentence_store import SentenceIndex
from assistant.index.snapshot import load_snapshot
from assistant.index.store import VectorStore, read_index_version
from assistant.pack import Pack, Referentiel, load_pack
from assistant.retrieve.corpus import Corpus
from assistant.retrieve.hybrid import HybridRetriever
from assistant.settings import Settings, get_settings

if TYPE_CHECKING:  # indexing (loaders, splitters) loads only when the index must be built
    from assistant.index.ingest import IngestSummary, ProgressFn


def embedding_for(settings: Settings) -> EmbeddingChoice:
    """One embedder per model spec per process (loading a model is the slow part)."""
    return shared_embedding(settings.embeddings)


@dataclass
class Runtime:
    settings: Settings
    embedding: EmbeddingChoice
    store: VectorStore
    retriever: HybridRetriever
    pack: Pack
    index_version: str
    sentences: SentenceIndex = field(default_factory=SentenceIndex.empty)  # the indexed evidence sentences
    indexed: IngestSummary | None = None  # the first indexing, when this build had to make it

    @property
    def corpus(self) -> Corpus:
        """The indexed passages, their IDF table, item passages and course sheets (built once)."""
        return self.retriever.corpus

    @property
    def ref(self) -> Referentiel:
        return self.pack.ref


def index_version(settings: Settings) -> str:
    """The index's content version, read from the collection (cache key for retrievers)."""
    return read_index_version(settings)


def build_runtime(
    settings: Settings | None = None, *, ensure_index: bool = True, progress: ProgressFn | None = None
) -> Runtime:
    """Open the index (building it first if it is empty and ``ensure_index``; ``progress`` per batch) and read its
    evidence sentences into memory."""
    settings = settings or get_settings()
    embedding = embedding_for(settings)
    store = VectorStore(settings, embedding)
    indexed: IngestSummary | None = None
    if ensure_index and store.count() == 0:
        from assistant.index.ingest import ingest

        indexed = ingest(settings, embedding, store=store, progress=progress)
    pack = load_pack(settings.corpus_dir)
    version = store.index_version()
    snapshot = load_snapshot(store, version)  # passages and sentences, from the start-up snapshot when current
    retriever = HybridRetriever(
        store, pack, chunks=snapshot.chunks, settings=settings.retrieval, answer_settings=settings.answer
    )
    retriever.sentences = snapshot.sentences
    return Runtime(settings, embedding, store, retriever, pack, version, snapshot.sentences, indexed)
