"""Bounded load (loopback only, in-process, stops by itself): 8 concurrent users, one shared index.

Mixes questions and draft checks, and re-indexes while users query. Latency percentiles are written
to tests/artifacts/load.json for the record; only correctness is asserted.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import make_settings

from assistant.answer.ask import Asker
from assistant.answer.models import Answer
from assistant.documents import load_document
from assistant.index.ingest import ingest
from assistant.review.models import Report
from assistant.review.service import Reviewer

USERS = 8
ROUNDS = 4
DRAFTS = Path(__file__).resolve().parent.parent / "evals" / "drafts"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
QUESTIONS = [
    "Que dit le CR7 ?",
    "Comment est évaluée l'E3 ?",
    "Quels critères parlent de budget ?",
    "Combien coûte la formation ?",
    "Que faut-il montrer sur le parcours client ?",
    "c quoi le bloc 5 option 2",
]
CHECKS = [
    ("e2_tableaux_microbrasserie.md", "E2"),
    ("e3_slides_lancement_jeu.md", "E3"),
    ("e4_fort_musee.md", "E4"),
    ("e5opt3_fort_jardinerie.md", "E5-opt3"),
]


def _answer_content(answer: Answer) -> dict[str, object]:
    """Everything an answer says (its question, text, sources, kind…), without its timings."""
    return answer.model_dump(exclude={"timings_ms"})


def _report_content(report: Report) -> dict[str, object]:
    """Every verdict and warning of a report (its evaluation, criteria, evidence…), without file name and timings."""
    return report.model_dump(exclude={"file", "timings_ms"})


def test_eight_concurrent_users_no_errors_no_cross_talk(e5_runtime, hashing_runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Questions are understood with the default embedder (the hashing one has no meaning to route by); the
    # review's mechanics are the same with either, and the hashing embedder keeps this test fast.
    asker = Asker(e5_runtime, use_settings_model=False)
    reviewer = Reviewer.from_settings(hashing_runtime.settings, hashing_runtime.embedding, pack=hashing_runtime.pack)
    drafts = {name: (DRAFTS / name).read_bytes() for name, _ in CHECKS}
    # What each request gets when it runs alone, one after the other: under load, every user must get exactly
    # the answer of its own question and the report of its own draft (content, not just the echoed fields).
    alone_answers = {q: _answer_content(asker.answer(q)) for q in QUESTIONS}
    alone_reports = {
        name: _report_content(reviewer.review(load_document(drafts[name], filename=name), key)) for name, key in CHECKS
    }
    # Distinct texts and verdicts, so that handing one user another's result would show.
    assert len({str(a["answer"]) for a in alone_answers.values()}) == len(QUESTIONS)
    assert len({str(r["criteria"]) for r in alone_reports.values()}) == len(CHECKS)
    latencies: dict[str, list[float]] = {"ask": [], "check": []}
    errors: list[str] = []
    lock = threading.Lock()

    def user(uid: int) -> None:
        for r in range(ROUNDS):
            try:
                if (uid + r) % 2 == 0:
                    question = QUESTIONS[(uid + r) % len(QUESTIONS)]
                    t0 = time.perf_counter()
                    answer = asker.answer(question)
                    with lock:
                        latencies["ask"].append((time.perf_counter() - t0) * 1000)
                    if _answer_content(answer) != alone_answers[question]:
                        errors.append(f"user {uid}: the answer to {question!r} differs from its answer alone")
                else:
                    name, key = CHECKS[(uid + r) % len(CHECKS)]
                    t0 = time.perf_counter()
                    report = reviewer.review(load_document(drafts[name], filename=f"u{uid}-{name}"), key)
                    with lock:
                        latencies["check"].append((time.perf_counter() - t0) * 1000)
                    if report.file != f"u{uid}-{name}" or _report_content(report) != alone_reports[name]:
                        errors.append(f"user {uid}: the report of {report.file} differs from {name} reviewed alone")
            except Exception as exc:
                errors.append(f"user {uid}: {type(exc).__name__}: {exc}")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=USERS) as pool:
        list(pool.map(user, range(USERS)))
    wall = time.perf_counter() - started
    assert errors == []

    def pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))], 1)

    ARTIFACTS.mkdir(exist_ok=True)
    summary: dict[str, object] = {
        kind: {"n": len(v), "p50_ms": pct(v, 0.5), "p95_ms": pct(v, 0.95), "mean_ms": round(statistics.fmean(v), 1)}
        for kind, v in latencies.items()
    }
    summary.update(users=USERS, requests=USERS * ROUNDS, wall_s=round(wall, 2))
    (ARTIFACTS / "load.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    assert len(latencies["ask"]) + len(latencies["check"]) == USERS * ROUNDS


def test_indexing_while_users_query_does_not_corrupt_or_fail(tmp_path: Path) -> None:
    from assistant.runtime import build_runtime

    settings = make_settings(tmp_path)
    runtime = build_runtime(settings, ensure_index=True)
    asker = Asker(runtime, use_settings_model=False)
    extra = tmp_path / "note-tuteur.md"
    extra.write_text("# Note\n\nLe REX doit montrer la prise de recul sur les conflits et les délais.\n" * 20,
                     encoding="utf-8")  # fmt: skip
    stop = threading.Event()
    errors: list[str] = []
    answered = 0

    def reader() -> None:
        nonlocal answered
        while not stop.is_set():
            answer = asker.answer("Que dit le CR14 ?")
            if answer.kind != "item":
                errors.append(answer.answer)
            answered += 1

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        summary = ingest(settings, runtime.embedding, extra_paths=[extra], rebuild=False, store=runtime.store)
        again = ingest(settings, runtime.embedding, rebuild=False, store=runtime.store)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert errors == [] and answered > 0
    assert str(extra.resolve()) in summary.indexed
    assert again.chunks_added == 0 and again.chunks_total == summary.chunks_total
    assert runtime.store.count() == summary.chunks_total
