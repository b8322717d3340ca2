"""Process-wide resources and per-session state.

Nothing here does work at import time. The heavy library modules (Chroma, LangChain, the
embedder) are imported inside the functions so the first page paints before they load.

- The runtime (embedder, vector store, retriever) and the asker come from the process's
  :class:`~assistant.serve.host.RuntimeHost`: built once in the background (indexing an empty store
  first), shared by every session, rebuilt when the index version changes (an ingestion by the CLI, the
  Administration page, or another instance on the same Chroma server). Sessions that arrive during a
  build wait with a progress line; a failed build is one French message with a retry.
- The reviewer needs no index (only the référentiel and the embedder), so the check page works
  even when the index is unavailable.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from assistant.answer.ask import Asker
    from assistant.review.service import Reviewer
    from assistant.runtime import Runtime
    from assistant.serve.host import RuntimeHost, Served

_ingest_lock = threading.Lock()


def settings() -> Settings:
    return get_settings()


def fingerprint(config: Settings) -> str:
    """Cache key for everything built from the settings (never displayed, never logged)."""
    return config.model_dump_json()


def ingest_lock() -> threading.Lock:
    """One re-indexing at a time from the Administration page (the first indexing happens once, inside the
    runtime's single build)."""
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


def host() -> RuntimeHost:
    from assistant.serve.host import shared_host

    return shared_host(settings())


def served() -> Served | None:
    """The runtime and asker every session shares, or None after showing why they are unavailable.

    The first session to arrive starts the build (in the background); every session waits for it here with
    a progress line instead of building its own. A failure is shown as one French message with a retry.
    """
    runtime_host = host()
    status = runtime_host.status()
    if status.served is None and status.phase == "building":
        poll = settings().serve.poll_s
        with st.status("Préparation de l'assistant…", expanded=True) as box:
            line = st.empty()
            while status.phase == "building":
                if status.fraction is None:
                    line.caption(status.stage)
                else:
                    line.progress(min(status.fraction, 1.0), text=status.stage)
                status = runtime_host.wait(poll)
            if status.served is not None:
                box.update(label=status.served.indexed or "Assistant prêt", state="complete", expanded=False)
            else:
                box.update(label="L'assistant n'a pas pu démarrer", state="error", expanded=False)
    if status.served is None:
        st.error(status.error or "L'assistant n'est pas disponible.", icon=":material/error:")
        st.button("Réessayer", icon=":material/refresh:", on_click=runtime_host.retry, key="jb_runtime_retry")
        return None
    return status.served


def runtime() -> Runtime | None:
    """The shared runtime, or None after showing why it is unavailable."""
    current = served()
    return current.runtime if current is not None else None


def refresh_runtime() -> None:
    """This process re-indexed: build the runtime of the new index now (other sessions keep answering with
    the previous one until it is ready, then switch)."""
    runtime_host = host()
    runtime_host.refresh()
    status = runtime_host.status()
    with st.spinner("Mise à jour de l'assistant avec le nouvel index…"):
        while status.phase == "building":
            status = runtime_host.wait(settings().serve.poll_s)


def asker() -> AskerBundle | None:
    current = served()
    if current is None:
        return None
    if current.asker is None:  # e.g. a pack without routes.yaml
        message = current.asker_error or "L'assistant ne peut pas répondre avec ce référentiel."
        st.error(message, icon=":material/error:")
        return None
    return AskerBundle(current.asker, current.config_error)


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
