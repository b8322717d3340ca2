"""The process's runtime and asker: built once, in a background thread, shared by every session.

A class opening the app together, or every tab reconnecting after a restart, asks for the runtime at the
same moment. Here the first request starts one build (embedder, index — indexed first when empty —,
retriever, asker) in a worker thread; every session, the first included, waits on it and reads its
progress; nobody builds a second one. A failed build keeps its French message until someone asks to retry.

The index version is read again at most every ``serve.version_check_s`` seconds (or at once after
:meth:`RuntimeHost.refresh`). A new version is built in the background while the current runtime keeps
answering, then replaces it.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.answer.ask import Asker
    from assistant.runtime import Runtime

log = logging.getLogger(__name__)

Phase = Literal["idle", "building", "ready", "failed"]
UNEXPECTED = (
    "L'assistant n'a pas pu démarrer à cause d'une erreur inattendue. Réessayez dans un instant ; si le problème "
    "persiste, prévenez l'administrateur."
)


@dataclass(frozen=True)
class Served:
    """What sessions share: the runtime and the asker built on it."""

    runtime: Runtime
    asker: Asker | None  # None when the pack cannot route questions (``asker_error`` says why)
    asker_error: str | None = None
    config_error: str | None = None  # JB_LLM could not be used: the asker answers offline
    indexed: str | None = None  # « Index prêt : … » when this build indexed an empty store first


@dataclass(frozen=True)
class HostStatus:
    phase: Phase
    stage: str = ""  # French, for a progress line
    fraction: float | None = None  # first indexing only
    error: str | None = None  # French, no traceback
    served: Served | None = None  # the current runtime (the previous one while a new version builds)


Stage = Callable[[str, float | None], None]
Builder = Callable[[Settings, Stage], Served]


def build_served(settings: Settings, stage: Stage) -> Served:
    """Embedder → runtime (its first indexing when the store is empty, with progress) → asker."""
    from assistant.answer.ask import Asker
    from assistant.llm.models import LLMConfigError
    from assistant.pack.loader import ReferentielDataError
    from assistant.runtime import build_runtime, embedding_for

    stage("Chargement du modèle d'embeddings…", None)
    embedding_for(settings)  # loaded once per process; the runtime below reuses it
    stage("Ouverture de l'index…", None)

    def progress(source: str, done: int, total: int) -> None:
        stage(f"Première indexation du corpus — {Path(source).name}, {done}/{total} passages", done / max(total, 1))

    runtime = build_runtime(settings, ensure_index=True, progress=progress)
    summary = runtime.indexed
    indexed = (
        f"Index prêt : {summary.documents} documents, {summary.chunks_total} passages ({summary.seconds:.0f} s)"
        if summary is not None
        else None
    )
    stage("Préparation de l'assistant…", None)
    try:
        try:
            return Served(runtime, Asker(runtime), indexed=indexed)
        except LLMConfigError as exc:
            return Served(runtime, Asker(runtime, use_settings_model=False), config_error=str(exc), indexed=indexed)
    except ReferentielDataError as exc:  # e.g. a pack without routes.yaml: the check page still works
        return Served(runtime, None, asker_error=str(exc), indexed=indexed)


def read_version(settings: Settings) -> str:
    from assistant.runtime import index_version

    return index_version(settings)


def explain(exc: BaseException) -> str:
    """A French message for a failed build (the traceback goes to the server log only)."""
    from assistant.index.embeddings import EmbeddingConfigError
    from assistant.index.store import IndexError_
    from assistant.pack.loader import ReferentielDataError

    if isinstance(exc, IndexError_ | ReferentielDataError):
        return str(exc)
    if isinstance(exc, EmbeddingConfigError):
        return f"Configuration des embeddings invalide : {exc}"
    log.error("the assistant could not be built", exc_info=exc)
    return UNEXPECTED


NEVER = float("-inf")
"""``_checked_at`` when the index version must be read at the next ``status`` (whatever the clock's origin)."""


class RuntimeHost:
    """One runtime per settings per process; every method is safe to call from any session's thread."""

    def __init__(
        self,
        settings: Settings,
        *,
        build: Builder = build_served,
        version: Callable[[Settings], str] = read_version,
    ) -> None:
        self.settings = settings
        self._build = build
        self._version = version
        self._cond = threading.Condition()
        self._status = HostStatus("idle")
        self._checked_at = NEVER
        self._builds = 0

    @property
    def builds(self) -> int:
        """Builds started so far (one per index version, plus retries)."""
        return self._builds

    def status(self) -> HostStatus:
        """The current status; starts a build when there is nothing yet, or when the index version changed."""
        with self._cond:
            status = self._status
            if status.phase == "idle":
                return self._start("Démarrage de l'assistant…")
            if status.phase == "ready" and status.served is not None and self._version_due():
                stale = self._stale(status.served)
                if stale:
                    return self._start("Mise à jour de l'index…")
            return self._status

    def wait(self, timeout_s: float) -> HostStatus:
        """Wait up to ``timeout_s`` for the build to progress or finish; the status then."""
        with self._cond:
            if self._status.phase == "building":
                self._cond.wait(timeout_s)
            return self._status

    def retry(self) -> None:
        """After a failure: the next ``status`` starts a new build."""
        with self._cond:
            if self._status.phase == "failed":
                self._status = replace(self._status, phase="idle", error=None)

    def refresh(self) -> None:
        """The index changed in this process (Administration): read its version at the next ``status``."""
        with self._cond:
            self._checked_at = NEVER  # not 0.0: the monotonic clock starts near 0 at boot

    # -- internals (called with the condition held) --

    def _version_due(self) -> bool:
        return time.monotonic() - self._checked_at >= self.settings.serve.version_check_s

    def _stale(self, served: Served) -> bool:
        self._checked_at = time.monotonic()
        try:
            return self._version(self.settings) != served.runtime.index_version
        except Exception as exc:  # a Chroma server that went away: keep serving what we have
            log.warning("index version unreadable, keeping the current runtime: %s", exc)
            return False

    def _start(self, stage: str) -> HostStatus:
        self._builds += 1
        self._status = replace(self._status, phase="building", stage=stage, fraction=None, error=None)
        threading.Thread(target=self._run, name="jb-runtime-build", daemon=True).start()
        return self._status

    def _run(self) -> None:
        def stage(text: str, fraction: float | None) -> None:
            with self._cond:
                self._status = replace(self._status, stage=text, fraction=fraction)
                self._cond.notify_all()

        try:
            served = self._build(self.settings, stage)
        except Exception as exc:  # reported to every session as one French message
            message = explain(exc)
            with self._cond:
                # A failed update keeps the runtime that works; a failed first build has nothing to serve.
                phase: Phase = "ready" if self._status.served is not None else "failed"
                self._status = replace(self._status, phase=phase, stage="", fraction=None, error=message)
                self._checked_at = time.monotonic()
                self._cond.notify_all()
            return
        # The runtime lives as long as the process: keep its objects out of the collector's full passes.
        gc.collect()
        gc.freeze()
        with self._cond:
            self._status = HostStatus("ready", served=served)
            self._checked_at = time.monotonic()
            self._cond.notify_all()


_hosts_lock = threading.Lock()
_hosts: dict[str, RuntimeHost] = {}


def shared_host(settings: Settings) -> RuntimeHost:
    """The process's host for these settings (sessions with the same configuration share it)."""
    key = settings.model_dump_json()
    with _hosts_lock:
        host = _hosts.get(key)
        if host is None:
            host = _hosts[key] = RuntimeHost(settings)
        return host
