"""Process-wide resources (cached with ``st.cache_resource``) and per-session state.

Nothing here does work at import time. The heavy library modules (Chroma, LangChain, the
embedder) are imported inside the functions so the first page paints before they load.

- The runtime (embedder, vector store, retriever) and the asker are keyed on the settings and on
  ``index_version(settings)``, read from the Chroma collection: an ingestion run (CLI, Administration
  page, or another instance on the same Chroma server) writes a new version there, the key changes,
  and the next page run opens a fresh retriever.
- The reviewer needs no index (only the référentiel and the embedder), so the check page works
  even when the index is unavailable.
- The first indexing of an empty data directory happens once, under a lock, with a progress bar.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from assistant.answer.ask import Asker
    from assistant.review.service import Reviewer
    from assistant.runtime import Runtime

_ingest_lock = threading.Lock()


def settings() -> Settings:
    return get_settings()


def fingerprint(config: Settings) -> str:
    """Cache key for everything built from the settings (never displayed, never logged)."""
    return config.model_dump_json()


def ingest_lock() -> threading.Lock:
    """One ingestion at a time in this process (first indexing, Administration page)."""
    return _ingest_lock


@dataclass(frozen=True)
class AskerBundle:
    asker: Asker
    config_error: str | None  # JB_LLM could not be used: the asker runs offline


@dataclass(frozen=True)
class ReviewerBundle:
    reviewer: Reviewer
    config_error: str | None


@st.cache_resource(show_spinner=False, max_entries=2)
def _runtime(key: str, version: str) -> Runtime:
    from assistant.runtime import build_runtime

    del key, version  # cache keys only
    return build_runtime(get_settings(), ensure_index=True)


@st.cache_resource(show_spinner=False, max_entries=2)
def _asker(key: str, version: str) -> AskerBundle:
    from assistant.answer.ask import Asker
    from assistant.llm.models import LLMConfigError

    runtime = _runtime(key, version)
    try:
        return AskerBundle(Asker(runtime), None)
    except LLMConfigError as exc:
        return AskerBundle(Asker(runtime, use_settings_model=False), str(exc))


@st.cache_resource(show_spinner=False, max_entries=2)
def _reviewer(key: str) -> ReviewerBundle:
    from assistant.llm.models import LLMConfigError, make_chat_model, model_label
    from assistant.review.service import Reviewer
    from assistant.runtime import embedding_for

    del key
    config = get_settings()
    error: str | None = None
    try:
        model = make_chat_model(config)
    except LLMConfigError as exc:
        model, error = None, str(exc)
    reviewer = Reviewer.from_settings(config, embedding_for(config), model=model, model_label=model_label(config))
    return ReviewerBundle(reviewer, error)


def _first_indexing(config: Settings) -> None:
    """Build an empty index with visible progress (other sessions wait on the lock).

    Same rule as ``build_runtime(ensure_index=True)``: index only when the store is empty.
    """
    from assistant.index.ingest import ingest
    from assistant.index.store import VectorStore
    from assistant.runtime import embedding_for, index_version

    if index_version(config):
        return
    lock = ingest_lock()
    if not lock.acquire(blocking=False):
        with st.spinner("Indexation du corpus en cours (lancée par une autre session)…"):
            lock.acquire()
    try:
        if index_version(config):
            return
        with st.spinner("Chargement du modèle d'embeddings…"):
            embedding = embedding_for(config)
            store = VectorStore(config, embedding)
        if store.count() > 0:
            return  # built elsewhere (a shared Chroma server, another instance): reuse it as build_runtime does
        with st.status("Première indexation du corpus…", expanded=True) as status:
            st.write(
                "Le référentiel et les supports de cours sont indexés une seule fois ; "
                "les démarrages suivants réutilisent l'index."
            )
            bar = st.progress(0.0, text="Découpage des documents…")

            def progress(source: str, done: int, total: int) -> None:
                bar.progress(min(done / max(total, 1), 1.0), text=f"{Path(source).name} — {done}/{total} passages")

            summary = ingest(config, embedding, progress=progress, store=store)
            status.update(
                label=f"Index prêt : {summary.documents} documents, {summary.chunks_total} passages "
                f"({summary.seconds:.0f} s)",
                state="complete",
                expanded=False,
            )
    finally:
        lock.release()


def runtime() -> Runtime | None:
    """The shared runtime, or None after showing why it is unavailable."""
    with st.spinner("Chargement de l'assistant…"):
        from assistant.index.embeddings import EmbeddingConfigError
        from assistant.index.store import IndexError_
        from assistant.runtime import index_version

    config = settings()
    try:
        _first_indexing(config)
        with st.spinner("Ouverture de l'index…"):
            return _runtime(fingerprint(config), index_version(config))
    except IndexError_ as exc:
        st.error(str(exc), icon=":material/error:")
    except EmbeddingConfigError as exc:
        st.error(f"Configuration des embeddings invalide : {exc}", icon=":material/error:")
    return None


def asker() -> AskerBundle | None:
    from assistant.pack.loader import ReferentielDataError
    from assistant.runtime import index_version

    if runtime() is None:
        return None
    config = settings()
    try:
        return _asker(fingerprint(config), index_version(config))
    except ReferentielDataError as exc:  # e.g. a pack without routes.yaml
        st.error(str(exc), icon=":material/error:")
        return None


def reviewer() -> ReviewerBundle | None:
    config = settings()
    with st.spinner("Chargement du moteur de vérification…"):
        from assistant.index.embeddings import EmbeddingConfigError

        try:
            return _reviewer(fingerprint(config))
        except EmbeddingConfigError as exc:
            st.error(f"Configuration des embeddings invalide : {exc}", icon=":material/error:")
            return None


def session_list(name: str) -> list[Any]:
    """A list kept in this session's state (created empty on first use)."""
    if name not in st.session_state:
        st.session_state[name] = []
    value: list[Any] = st.session_state[name]
    return value


def session_dict(name: str) -> dict[str, Any]:
    if name not in st.session_state:
        st.session_state[name] = {}
    value: dict[str, Any] = st.session_state[name]
    return value
