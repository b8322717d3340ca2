"""Evidence sentences of the indexed chunks, embedded at ingest, searched in memory.

The sentences of every chunk (``evidence_sentences`` of its body) live in a second Chroma collection,
``<collection>_sentences``, on the same client as the chunks (a local store or a server): ids
``<chunk id>#s<n>``, metadata ``chunk_id``, ``position``, ``doc_type``, ``source``. Ingestion writes it
through :class:`SentenceStore`; :class:`SentenceIndex` reads it once into a numpy matrix, so a question
costs no Chroma call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import httpx
import numpy as np
from chromadb.api.models.Collection import Collection as Collection_
from chromadb.errors import ChromaError

from assistant.index.chunks import Chunk
from assistant.index.shipped import ShippedVectors
from assistant.index.store import MODEL_KEY, IndexUnavailable, VectorStore, unavailable_message
from assistant.text.sentences import evidence_sentences

SUFFIX = "_sentences"
_WRITE_BATCH = 500
_READ_PAGE = 2000


def sentence_collection(collection: str) -> str:
    """Name of the sentence collection that goes with the chunk collection ``collection``."""
    return f"{collection}{SUFFIX}"


def sentence_rows(chunks: Iterable[Chunk]) -> list[tuple[str, str, dict[str, str | int]]]:
    """(id, text, metadata) of every evidence sentence of ``chunks``, in chunk then position order."""
    rows: list[tuple[str, str, dict[str, str | int]]] = []
    for chunk in chunks:
        for n, text in enumerate(evidence_sentences(chunk.body)):
            meta: dict[str, str | int] = {
                "chunk_id": chunk.id, "position": n, "doc_type": chunk.doc_type, "source": chunk.source,
            }  # fmt: skip
            rows.append((f"{chunk.id}#s{n}", text, meta))
    return rows


class SentenceStore:
    """Writing side: the sentence collection next to ``store``'s chunk collection (embedded as passages,
    through the store's shipped-first embeddings)."""

    def __init__(self, store: VectorStore) -> None:
        self.store = store
        self.name = sentence_collection(store.name)
        self.metadata = {"hnsw:space": "cosine", MODEL_KEY: store.embedding.model_id}
        with self._guard():
            collection = store.client.get_or_create_collection(self.name, metadata=self.metadata,
                                                               embedding_function=None)  # fmt: skip
            if (collection.metadata or {}).get(MODEL_KEY) != store.embedding.model_id:
                # Derived data of another model (the chunk store guards the model): start it again.
                store.client.delete_collection(self.name)
                collection = store.client.create_collection(self.name, metadata=self.metadata, embedding_function=None)
        self.collection = collection

    @contextlib.contextmanager
    def _guard(self):  # type: ignore[no-untyped-def]
        try:
            yield
        except httpx.TransportError as exc:
            raise IndexUnavailable(unavailable_message(self.store.settings)) from exc

    def count(self) -> int:
        with self._guard():
            return int(self.collection.count())

    def add(self, chunks: Sequence[Chunk]) -> int:
        """Embed and upsert the sentences of ``chunks``; returns how many."""
        rows = sentence_rows(chunks)
        for start in range(0, len(rows), _WRITE_BATCH):
            batch = rows[start : start + _WRITE_BATCH]
            vectors = self.store.passage_embeddings.embed_documents([text for _, text, _ in batch])
            with self._guard():
                self.collection.upsert(
                    ids=[i for i, _, _ in batch],
                    documents=[text for _, text, _ in batch],
                    metadatas=[meta for _, _, meta in batch],
                    embeddings=vectors,  # type: ignore[arg-type]
                )
        return len(rows)

    def delete_chunks(self, chunk_ids: Iterable[str]) -> None:
        """Remove the sentences of these chunks."""
        ids: list[str | int | float | bool] = list(chunk_ids)
        for start in range(0, len(ids), _WRITE_BATCH):
            with self._guard():
                self.collection.delete(where={"chunk_id": {"$in": ids[start : start + _WRITE_BATCH]}})  # type: ignore[dict-item]

    def reset(self) -> None:
        """Drop every sentence (the collection is created again, empty)."""
        drop_sentences(self.store)
        self.__init__(self.store)  # type: ignore[misc]

    def backfill(self) -> int:
        """An index built before sentences were indexed (chunks, no sentences): add the sentences of every
        chunk. Returns how many were added (0 when there was nothing to do)."""
        if self.count() > 0 or self.store.count() == 0:
            return 0
        return self.add(self.store.all_chunks())


def drop_sentences(store: VectorStore) -> None:
    """Delete the sentence collection of ``store`` (an absent one is fine)."""
    with contextlib.suppress(Exception):
        store.client.delete_collection(sentence_collection(store.name))


def sentence_count(store: VectorStore) -> int:
    """Rows of the sentence collection of ``store`` (0 when there is none)."""
    try:
        return int(store.client.get_collection(sentence_collection(store.name)).count())
    except httpx.TransportError as exc:
        raise IndexUnavailable(unavailable_message(store.settings)) from exc
    except (ChromaError, ValueError):
        return 0


@dataclass(frozen=True)
class SentenceHit:
    chunk_id: str
    position: int
    text: str
    score: float


class SentenceIndex:
    """Every indexed evidence sentence in memory: unit float32 rows, searched by cosine with numpy."""

    def __init__(self, ids: Sequence[str], chunk_ids: Sequence[str], positions: Sequence[int],
                 texts: Sequence[str], vectors: Sequence[Sequence[float]] | np.ndarray) -> None:  # fmt: skip
        self.ids = list(ids)
        self.chunk_ids = list(chunk_ids)
        self.positions = [int(p) for p in positions]
        self.texts = list(texts)
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.size == 0:
            matrix = np.zeros((len(self.ids), 0), dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.matrix: np.ndarray = matrix / np.where(norms == 0, 1.0, norms)
        if not len(self.ids) == len(self.chunk_ids) == len(self.positions) == len(self.texts) == matrix.shape[0]:
            raise ValueError("ids, chunk ids, positions, texts and vectors differ in length")
        rows: dict[str, list[int]] = {}
        for row in sorted(range(len(self.ids)), key=lambda r: (self.chunk_ids[r], self.positions[r])):
            rows.setdefault(self.chunk_ids[row], []).append(row)
        self._rows = {chunk: np.asarray(r, dtype=np.int64) for chunk, r in rows.items()}

    @classmethod
    def empty(cls) -> SentenceIndex:
        return cls([], [], [], [], np.zeros((0, 0), dtype=np.float32))

    @classmethod
    def load(cls, store: VectorStore) -> SentenceIndex:
        """Read the sentence collection of ``store`` once (an empty index when there is none)."""
        try:
            collection = store.client.get_collection(sentence_collection(store.name))
        except httpx.TransportError as exc:
            raise IndexUnavailable(unavailable_message(store.settings)) from exc
        except (ChromaError, ValueError):
            return cls.empty()
        ids: list[str] = []
        metas: list[dict[str, object]] = []
        texts: list[str] = []
        try:
            while True:  # texts and metadata first: their vectors are mostly in the pack's shipped file
                got = collection.get(include=["documents", "metadatas"], limit=_READ_PAGE, offset=len(ids))
                if not got["ids"]:
                    break
                ids.extend(got["ids"])
                metas.extend(dict(m or {}) for m in got.get("metadatas") or [])
                texts.extend(d or "" for d in got.get("documents") or [])
                if len(got["ids"]) < _READ_PAGE:
                    break
            if not ids:
                return cls.empty()
            matrix = _vectors(store, collection, ids, texts)
        except httpx.TransportError as exc:
            raise IndexUnavailable(unavailable_message(store.settings)) from exc
        return cls(
            ids,
            [str(m.get("chunk_id", "")) for m in metas],
            [int(str(m.get("position", 0))) for m in metas],
            texts,
            matrix,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def _hit(self, row: int, score: float) -> SentenceHit:
        return SentenceHit(self.chunk_ids[row], self.positions[row], self.texts[row], score)

    def search(self, vector: Sequence[float], k: int, chunk_ids: Collection[str] | None = None) -> list[SentenceHit]:
        """The ``k`` sentences most similar to ``vector`` (cosine, best first), only among the sentences of
        ``chunk_ids`` when given."""
        if k <= 0 or not self.ids:
            return []
        if chunk_ids is None:
            rows = np.arange(len(self.ids))
        else:
            parts = [self._rows[c] for c in dict.fromkeys(chunk_ids) if c in self._rows]
            if not parts:
                return []
            rows = np.concatenate(parts)
        query = np.asarray(vector, dtype=np.float32)
        if query.shape != (self.matrix.shape[1],):
            raise ValueError(f"query vector of dimension {query.shape} for sentence vectors of {self.matrix.shape[1]}")
        norm = float(np.linalg.norm(query))
        scores = self.matrix[rows] @ (query / norm if norm else query)
        best = np.argsort(-scores, kind="stable")[:k]
        return [self._hit(int(rows[i]), float(scores[i])) for i in best]

    def of_chunk(self, chunk_id: str) -> list[SentenceHit]:
        """The sentences of one chunk, in position order (score 0)."""
        return [self._hit(int(row), 0.0) for row in self._rows.get(chunk_id, [])]


def _vectors(store: VectorStore, collection: Collection_, ids: list[str], texts: list[str]) -> np.ndarray:
    """The sentences' vectors: the pack's shipped ones (checked at load, same model) where it has them, the
    index's own for the others (a school's added documents), read in one call."""
    found: list[list[float] | None] = [None] * len(ids)
    if store.settings.shipped_vectors:
        shipped = ShippedVectors.load(store.settings.corpus_dir, store.embedding)
        if shipped is not None:
            found = shipped.lookup("passage", texts)
    missing = [i for i, vector in enumerate(found) if vector is None]
    for start in range(0, len(missing), _READ_PAGE):
        part = missing[start : start + _READ_PAGE]
        got = collection.get(ids=[ids[i] for i in part], include=["embeddings"])
        stored = dict(zip(got["ids"], np.asarray(got.get("embeddings"), dtype=np.float32), strict=True))
        for i in part:
            found[i] = stored[ids[i]].tolist()
    return np.asarray(found, dtype=np.float32)
