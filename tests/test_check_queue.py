"""The draft-check queue: FIFO, bounded, one unfinished check per session, never drops, never leaks a traceback."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from assistant.serve.checks import UNEXPECTED, CheckBusy, CheckJob, CheckQueue, worker_count

WAIT_S = 10.0


class UserError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@pytest.fixture
def queue() -> Iterator[CheckQueue]:
    q = CheckQueue(workers=1)
    yield q
    q.shutdown(wait=True)


def blocked(gate: threading.Event, value: object = None) -> Callable[[Callable[[str], None]], object]:
    def work(progress: Callable[[str], None]) -> object:
        progress("Lecture du document…")
        assert gate.wait(WAIT_S)
        return value

    return work


def wait_until(predicate: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def finished(queue: CheckQueue, job: CheckJob) -> CheckJob:
    wait_until(lambda: (queue.get(job.id) or job).state in ("done", "failed"))
    return job


def test_jobs_run_in_order_and_see_how_many_are_ahead(queue: CheckQueue) -> None:
    gates = [threading.Event() for _ in range(3)]
    jobs = [queue.submit(f"s{i}", blocked(gate, i)) for i, gate in enumerate(gates)]
    wait_until(lambda: jobs[0].state == "running")
    assert jobs[0].stage == "Lecture du document…"
    assert [queue.ahead(j.id) for j in jobs] == [0, 1, 2]
    assert [j.state for j in jobs] == ["running", "queued", "queued"]
    gates[0].set()
    wait_until(lambda: jobs[1].state == "running")
    assert [queue.ahead(j.id) for j in jobs] == [0, 0, 1]
    assert jobs[0].state == "done" and jobs[0].result == 0
    for gate in gates[1:]:
        gate.set()
    for job in jobs:
        finished(queue, job)
    assert [j.result for j in jobs] == [0, 1, 2]
    started = [j.started_at for j in jobs]
    assert None not in started and started == sorted(started)  # type: ignore[type-var]
    assert all(j.finished_at is not None and j.submitted_at <= (j.started_at or 0) for j in jobs)


def test_at_most_workers_checks_run_at_once() -> None:
    q = CheckQueue(workers=2)
    lock = threading.Lock()
    running = peak = 0

    def work(progress: Callable[[str], None]) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    try:
        jobs = [q.submit(f"s{i}", work) for i in range(6)]
        for job in jobs:
            finished(q, job)
    finally:
        q.shutdown()
    assert peak == 2
    assert all(j.state == "done" for j in jobs)


def test_one_unfinished_check_per_session(queue: CheckQueue) -> None:
    gate = threading.Event()
    first = queue.submit("tab-a", blocked(gate))
    with pytest.raises(CheckBusy) as busy:
        queue.submit("tab-a", blocked(gate))
    assert "déjà en cours dans cet onglet" in busy.value.message
    other = queue.submit("tab-b", blocked(gate))  # another session is accepted
    assert queue.pending("tab-a") is first and queue.pending("tab-b") is other
    gate.set()
    finished(queue, first)
    finished(queue, other)
    assert queue.pending("tab-a") is None
    again = queue.submit("tab-a", blocked(gate))  # once finished, the session may check again
    finished(queue, again)


def test_every_submitted_check_finishes() -> None:
    q = CheckQueue(workers=3)
    try:
        jobs = [q.submit(f"s{i}", lambda progress, i=i: i * i) for i in range(10)]
        for job in jobs:
            finished(q, job)
    finally:
        q.shutdown()
    assert [j.result for j in jobs] == [i * i for i in range(10)]
    assert all(j.state == "done" and j.error is None for j in jobs)


def test_expected_error_gives_its_french_message(queue: CheckQueue) -> None:
    def work(progress: Callable[[str], None]) -> None:
        raise UserError("Le fichier « vide.pdf » est vide.")

    job = finished(queue, queue.submit("s", work, expected=(UserError,)))
    assert job.state == "failed" and job.error == "Le fichier « vide.pdf » est vide."
    assert job.result is None


def test_unexpected_error_is_logged_and_shown_as_a_generic_message(
    queue: CheckQueue, caplog: pytest.LogCaptureFixture
) -> None:
    quoted = " ".join(["boom:", "ligne", "du", "brouillon"])  # built at run time: absent from the source lines

    def work(progress: Callable[[str], None]) -> None:
        raise RuntimeError(quoted)

    def not_listed(progress: Callable[[str], None]) -> None:
        raise UserError("has a message but was not declared expected")

    with caplog.at_level(logging.ERROR, logger="assistant.serve.checks"):
        job = finished(queue, queue.submit("s", work, expected=(UserError,)))
        other = finished(queue, queue.submit("t", not_listed))
    for failed in (job, other):
        assert failed.state == "failed" and failed.error == UNEXPECTED
        assert "Traceback" not in (failed.error or "") and "boom" not in (failed.error or "")
    records = [r for r in caplog.records if r.name == "assistant.serve.checks"]
    assert len(records) == 2
    # The log says where and what kind of failure, never the message (it may quote the draft).
    assert "RuntimeError" in records[0].getMessage() and "test_check_queue.py" in records[0].getMessage()
    assert quoted not in caplog.text


def test_collect_forgets_a_finished_job(queue: CheckQueue) -> None:
    gate = threading.Event()
    job = queue.submit("s", blocked(gate, "rapport"))
    assert queue.collect(job.id) is None  # not finished yet: kept
    assert queue.get(job.id) is job
    gate.set()
    finished(queue, job)
    collected = queue.collect(job.id)
    assert collected is job and collected.result == "rapport"
    assert queue.get(job.id) is None and queue.collect(job.id) is None
    assert queue.ahead(job.id) == 0 and queue.get("inconnu") is None


def test_worker_count() -> None:
    assert worker_count(3) == 3
    assert worker_count(0) >= 1
    with pytest.raises(ValueError):
        CheckQueue(workers=0)


def test_check_workers_can_yield_the_cpu_to_answers() -> None:
    import os

    def niceness(progress: Callable[[str], None]) -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    lowered = CheckQueue(1, niceness=7)
    normal = CheckQueue(1)
    try:
        assert finished(lowered, lowered.submit("s", niceness)).result == 7
        assert finished(normal, normal.submit("s", niceness)).result == os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == os.getpriority(os.PRIO_PROCESS, 0)
    finally:
        lowered.shutdown()
        normal.shutdown()
