"""The draft-check queue: a small, bounded, process-wide pool of workers shared by every session.

A check (load, review, render) takes seconds of CPU. Run inside a session's script thread, two of them
starve every other session; here they run on at most ``workers`` threads, in submission order, and each
session sees its place in the queue. The page polls a :class:`CheckJob`; the worker never touches the UI.

Rules: the backlog is unbounded (a submitted check is never dropped); a session has at most one unfinished
check; a failed check carries a French message, never a traceback.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
JobState = Literal["queued", "running", "done", "failed"]
Progress = Callable[[str], None]

UNEXPECTED = (
    "La vérification a échoué de façon inattendue. Réessayez ; si le problème persiste, prévenez l'administrateur."
)
KEEP_S = 3600.0
"""Finished checks nobody collected (the tab was closed) are forgotten after this many seconds."""


class CheckBusy(Exception):
    """The session already has a queued or running check."""

    message = "Une vérification est déjà en cours dans cet onglet : attendez son résultat avant d'en lancer une autre."

    def __init__(self) -> None:
        super().__init__(self.message)


@dataclass
class CheckJob:
    """One check. The worker writes its fields under the queue's lock; readers get a consistent-enough view."""

    session: str
    label: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    state: JobState = "queued"
    stage: str = ""
    result: object | None = None
    error: str | None = None
    submitted_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


class CheckQueue:
    """Runs checks on ``workers`` threads, first in first out, one unfinished check per session."""

    def __init__(self, workers: int, *, niceness: int = 0) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self._lock = threading.Lock()
        self._jobs: dict[str, CheckJob] = {}  # submission order
        self._pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="jb-check", initializer=yield_cpu, initargs=(niceness,)
        )

    def submit(
        self,
        session: str,
        work: Callable[[Progress], T],
        *,
        label: str = "",
        expected: tuple[type[BaseException], ...] = (),
    ) -> CheckJob:
        """Queue ``work(progress)`` for ``session``; raise :class:`CheckBusy` if it has an unfinished check.

        Exceptions listed in ``expected`` that carry a ``.message`` string are user-facing: that message
        becomes the job's error. Any other exception is logged and replaced by a generic French message.
        """
        with self._lock:
            self._forget_stale()
            if any(job.session == session and not job.finished for job in self._jobs.values()):
                raise CheckBusy()
            job = CheckJob(session=session, label=label)
            self._jobs[job.id] = job
            self._pool.submit(self._run, job, work, expected)  # under the lock: pool order = dict order
        return job

    def get(self, job_id: str) -> CheckJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def collect(self, job_id: str) -> CheckJob | None:
        """The finished job, forgotten by the queue; None if unknown or not finished yet."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not job.finished:
                return None
            del self._jobs[job_id]
            return job

    def pending(self, session: str) -> CheckJob | None:
        """The session's queued or running check, if any."""
        with self._lock:
            return next((j for j in self._jobs.values() if j.session == session and not j.finished), None)

    def ahead(self, job_id: str) -> int:
        """Checks submitted before this one that are still queued or running (0 once it runs)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state != "queued":
                return 0
            count = 0
            for other in self._jobs.values():
                if other is job:
                    break
                count += not other.finished
            return count

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)

    def _forget_stale(self) -> None:
        now = time.monotonic()
        stale = [k for k, j in self._jobs.items() if j.finished_at is not None and now - j.finished_at > KEEP_S]
        for key in stale:
            del self._jobs[key]

    def _run(
        self, job: CheckJob, work: Callable[[Progress], object], expected: tuple[type[BaseException], ...]
    ) -> None:
        with self._lock:
            job.state, job.started_at = "running", time.monotonic()

        def progress(stage: str) -> None:
            with self._lock:
                job.stage = stage

        result: object | None = None
        error: str | None = None
        try:
            result = work(progress)
        except BaseException as exc:  # a worker never lets anything escape (the future would swallow it)
            message = getattr(exc, "message", None)
            if isinstance(exc, expected) and isinstance(message, str):
                error = message
            else:
                # Where it failed and the exception's type, not its message: it may quote the draft.
                frames = "".join(traceback.format_tb(exc.__traceback__))
                log.error("draft check %s failed with %s at:\n%s", job.id, type(exc).__name__, frames)
                error = UNEXPECTED
        with self._lock:
            job.result, job.error = result, error
            job.state = "failed" if error is not None else "done"
            job.finished_at = time.monotonic()


def worker_count(configured: int) -> int:
    """Workers to start: ``configured`` if positive, else half the cores (at least 1).

    One check's embedding already uses every core (the e5 engine is multi-threaded and serialised by a
    lock), so more workers would only slow each check down, and the answers with them.
    """
    return configured if configured > 0 else max(1, (os.cpu_count() or 2) // 2)


_shared: CheckQueue | None = None
_shared_lock = threading.Lock()


def yield_cpu(niceness: int) -> None:
    """Run the calling thread, and the threads it starts, at ``niceness`` (Linux: nice is per thread).

    Check workers call it once: the embedding engine's OpenMP threads are started by the thread that first
    calls it, so they inherit the lower priority, and a check yields the cores to answers while both run.
    """
    if niceness <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except OSError as exc:  # not permitted here: checks simply keep the normal priority
        log.warning("draft checks keep the normal CPU priority: %s", exc)


def shared_check_queue(settings: Settings) -> CheckQueue:
    """This process's queue, created on first use with ``settings.serve.check_workers`` workers."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = CheckQueue(worker_count(settings.serve.check_workers), niceness=settings.serve.check_niceness)
        return _shared
