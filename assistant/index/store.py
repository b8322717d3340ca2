"""The vector store: Chroma through langchain-chroma, local and persistent, or a Chroma server.

The collection records which embedding model built it; opening it with another model raises
:class:`IndexModelMismatch` (re-index) instead of silently mixing vector spaces.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import chromadb
import httpx
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError

from assistant.index.chunks import Chunk

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

from assistant.index.embeddings import EmbeddingChoice
from assistant.settings import Settings

MODEL_KEY = "jb_embedding_model"
# Content version of the index, written by every ingestion run that changes it; every instance on the
# same Chroma server reads it from the collection, so all of them see a re-index done by any.
VERSION_KEY = "jb_index_version"
log = logging.getLogger(__name__)


class IndexError_(RuntimeError):
    """Base for index problems shown to users (French message)."""

    code = "index_error"


class IndexUnavailable(IndexError_):
    code = "index_unavailable"


class IndexModelMismatch(IndexError_):
    code = "index_model_mismatch"


_clients_lock = threading.Lock()
_clients: dict[tuple[str, str], ClientAPI] = {}


def _client_key(settings: Settings) -> tuple[str, str]:
    if settings.chroma_host:
        return ("http", f"{settings.chroma_host}:{settings.chroma_port}")
    return ("local", str((settings.index_dir / "chroma").resolve()))


def make_client(settings: Settings) -> ClientAPI:
    """The process's Chroma client for this store, created once under a lock and shared by every session.

    Chroma's clients are safe for concurrent use once built, but building several for the same local
    store at the same time is not: concurrent sessions on a fresh start failed with ``Could not connect to
    tenant default_tenant``. So each location (a local path, or a server) gets one client per process.
    """
    key = _client_key(settings)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = _new_client(settings)
        return client


def forget_clients(settings: Settings | None = None) -> None:
    """Drop the shared client of ``settings``' store (all of them when None), and Chroma's own handles:
    the next ``make_client`` opens the store again, as a new process would."""
    from chromadb.api.shared_system_client import SharedSystemClient

    with _clients_lock:
        if settings is None:
            _clients.clear()
        else:
            _clients.pop(_client_key(settings), None)
        SharedSystemClient.clear_system_cache()


def _new_client(settings: Settings) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        except (ValueError, httpx.TransportError) as exc:
            raise IndexUnavailable(
                f"Index indisponible : le serveur Chroma {settings.chroma_host}:{settings.chroma_port} ne répond pas."
                " Réessayez dans un instant ou prévenez l'administrateur."
            ) from exc
    path = settings.index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def read_index_version(settings: Settings) -> str:
    """The index's content version as the collection records it ("" when there is no index yet).

    Cheap enough for every page run: it reads the collection's metadata, from a local store or a
    server, so every instance sharing a server sees a re-index done by any of them.
    """
    client = make_client(settings)
    try:
        collection = client.get_collection(settings.collection)
    except httpx.TransportError as exc:
        raise IndexUnavailable(unavailable_message(settings)) from exc
    except (ChromaError, ValueError):
        return ""  # no collection yet (or an unreadable local one: VectorStore sets it aside)
    return str((collection.metadata or {}).get(VERSION_KEY, ""))


def quarantine_local_index(settings: Settings) -> Path:
    """Move an unreadable local index aside (kept for inspection) so a fresh one can be built."""
    path = settings.index_dir / "chroma"
    target = path.with_name(f"chroma.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    forget_clients(settings)
    if path.exists():
        shutil.move(str(path), str(target))
    manifest = settings.index_dir / "manifest.json"
    if manifest.exists():
        manifest.unlink()
    return target


class VectorStore:
    """Our narrow view of the Chroma collection."""

    def __init__(self, settings: Settings, embedding: EmbeddingChoice, client: ClientAPI | None = None):
        self.settings = settings
        self.embedding = embedding
        self.name = settings.collection
        self.recovered_from: Path | None = None
        try:
            self.client = client or make_client(settings)
            collection = self._open()
        except httpx.TransportError as exc:
            raise IndexUnavailable(unavailable_message(settings)) from exc
        except ChromaError as exc:
            if settings.chroma_host or client is not None:
                raise IndexUnavailable(f"Index illisible : {exc}. Prévenez l'administrateur.") from exc
            # A corrupted local index: set it aside and start a fresh one (ingest then rebuilds it).
            self.recovered_from = quarantine_local_index(settings)
            log.warning("corrupted local index moved to %s", self.recovered_from)
            self.client = make_client(settings)
            collection = self._open()
        built_with = (collection.metadata or {}).get(MODEL_KEY)
        if built_with and built_with != embedding.model_id:
            raise IndexModelMismatch(
                f"L'index a été construit avec « {built_with} » mais le modèle configuré est "
                f"« {embedding.model_id} ». Reconstruisez l'index : jury-blanc ingest --rebuild"
            )
        self._lc: Chroma | None = None
        self._passages: Embeddings | None = None
        self.collection = collection

    @property
    def passage_embeddings(self) -> Embeddings:
        """What embeds passages for writing: the embedder, taking the pack's shipped vectors first."""
        if self._passages is None:
            from assistant.index.shipped import shipped_first

            self._passages = shipped_first(self.settings, self.embedding)
        return self._passages

    @property
    def lc(self) -> Chroma:
        """The LangChain wrapper, for writing (ingestion): built on first use so a question never imports it."""
        if self._lc is None:
            from langchain_chroma import Chroma

            self._lc = Chroma(
                collection_name=self.name,
                embedding_function=self.passage_embeddings,
                client=self.client,
                collection_metadata={"hnsw:space": "cosine", MODEL_KEY: self.embedding.model_id},
            )
        return self._lc

    def _open(self) -> Collection:
        return self.client.get_or_create_collection(
            self.name,
            metadata={"hnsw:space": "cosine", MODEL_KEY: self.embedding.model_id},
            embedding_function=None,
        )

    @property
    def recovery_message(self) -> str:
        if self.recovered_from is None:
            return ""
        return f"Index local illisible : mis de côté ({self.recovered_from.name}) et reconstruit."

    @property
    def location(self) -> str:
        if self.settings.chroma_host:
            return f"serveur Chroma {self.settings.chroma_host}:{self.settings.chroma_port}"
        return f"local ({self.settings.index_dir / 'chroma'})"

    def count(self) -> int:
        try:
            return int(self.collection.count())
        except httpx.TransportError as exc:
            raise IndexUnavailable(unavailable_message(self.settings)) from exc

    def add(self, chunks: list[Chunk]) -> None:
        """Embed (through the LangChain wrapper, shipped vectors first) and upsert one batch of chunks."""
        try:
            self.lc.add_texts(
                texts=[c.text for c in chunks],
                metadatas=[c.metadata() for c in chunks],
                ids=[c.id for c in chunks],
            )
        except httpx.TransportError as exc:
            raise IndexUnavailable(unavailable_message(self.settings)) from exc

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), 500):
            self.collection.delete(ids=ids[start : start + 500])

    def all_chunks(self) -> list[Chunk]:
        try:
            got = self.collection.get(include=["documents", "metadatas"])
        except httpx.TransportError as exc:
            raise IndexUnavailable(unavailable_message(self.settings)) from exc
        docs = got.get("documents") or []
        metas = got.get("metadatas") or []
        return [Chunk.from_store(i, d or "", dict(m or {})) for i, d, m in zip(got["ids"], docs, metas, strict=True)]

    def search(
        self, query: str, k: int, where: dict[str, object] | None = None, vector: list[float] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), most similar first (the collection is queried directly: reading
        needs neither the LangChain wrapper nor its imports; the query is embedded the same way, unless the
        caller already holds its query ``vector``)."""
        if vector is None:
            vector = self.embedding.embeddings.embed_query(query)
        try:
            got = self.collection.query(
                query_embeddings=[vector],  # type: ignore[arg-type]
                n_results=k,
                where=where or None,  # type: ignore[arg-type]
                include=["distances"],
            )
        except httpx.TransportError as exc:
            raise IndexUnavailable(unavailable_message(self.settings)) from exc
        ids = (got.get("ids") or [[]])[0]
        distances = (got.get("distances") or [[]])[0]
        return [(str(i), 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def index_version(self) -> str:
        """The content version recorded in the collection's metadata ("" before the first ingestion)."""
        try:
            collection = self.client.get_collection(self.name)
        except httpx.TransportError as exc:
            raise IndexUnavailable(unavailable_message(self.settings)) from exc
        return str((collection.metadata or {}).get(VERSION_KEY, ""))

    def set_index_version(self, version: str) -> None:
        """Record the content version with the index (space settings live in the collection configuration)."""
        meta = {k: v for k, v in (self.collection.metadata or {}).items() if not str(k).startswith("hnsw:")}
        meta[VERSION_KEY] = version
        try:
            self.collection.modify(metadata=meta)
        except httpx.TransportError as exc:
            raise IndexUnavailable(unavailable_message(self.settings)) from exc

    def reset(self) -> None:
        with contextlib.suppress(Exception):  # an absent collection is fine
            self.client.delete_collection(self.name)
        self.__init__(self.settings, self.embedding, self.client)  # type: ignore[misc]


def unavailable_message(settings: Settings) -> str:
    where = (
        f"le serveur Chroma {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else "l'index local"
    )
    return f"Index indisponible : {where} ne répond pas. Réessayez dans un instant ou prévenez l'administrateur."
