"""Benchmarks (`make bench`): figures are printed and written to evals/results/bench.json, never asserted.

Sections: ingestion throughput vs raw embedding throughput; warm query latency; peak memory.
Later sections (answers, review, app cold start) register themselves in SECTIONS.
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.settings import PROJECT_ROOT, Settings

RESULTS = PROJECT_ROOT / "evals" / "results" / "bench.json"


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pct(p: float) -> float:
        idx = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return round(ordered[idx], 2)

    return {"n": len(ordered), "p50_ms": pct(50), "p95_ms": pct(95), "mean_ms": round(statistics.fmean(ordered), 2)}


def bench_ingestion(state: dict[str, Any]) -> dict[str, Any]:
    from assistant.index.chunking import document_chunks, referentiel_chunks  # noqa: F401 - warm imports
    from assistant.index.embeddings import make_embeddings
    from assistant.index.ingest import ingest
    from assistant.index.store import VectorStore

    tmp = Path(tempfile.mkdtemp(prefix="jb-bench-"))
    settings = Settings(data_dir=tmp / "data")
    emb = make_embeddings(settings.embeddings)
    emb.embeddings.embed_documents(["échauffement"])  # model load outside the timings
    t0 = time.perf_counter()
    summary = ingest(settings, emb)
    ingest_s = time.perf_counter() - t0
    store = VectorStore(settings, emb)
    texts = [c.text for c in store.all_chunks()]
    t0 = time.perf_counter()
    for start in range(0, len(texts), 32):
        emb.embeddings.embed_documents(texts[start : start + 32])
    embed_s = time.perf_counter() - t0
    state["settings"] = settings
    return {
        "model": emb.model_id,
        "documents": summary.documents,
        "chunks": summary.chunks_total,
        "ingest_s": round(ingest_s, 2),
        "pure_embedding_s": round(embed_s, 2),
        "ingest_chunks_per_s": round(summary.chunks_total / ingest_s, 2),
        "embedding_chunks_per_s": round(len(texts) / embed_s, 2),
        "ratio_ingest_over_embedding": round(ingest_s / embed_s, 3),
        "target_ratio_max": 1.3,
    }


def bench_queries(state: dict[str, Any]) -> dict[str, Any]:
    from assistant.evaluate.dataset import load_questions
    from assistant.runtime import build_runtime

    runtime = build_runtime(state.get("settings"))
    state["runtime"] = runtime
    questions = [q.question for q in load_questions()]
    for q in questions[:5]:
        runtime.retriever.search(q, k=8)  # warm-up
    samples = []
    for _ in range(3):
        for q in questions:
            t0 = time.perf_counter()
            runtime.retriever.search(q, k=8)
            samples.append((time.perf_counter() - t0) * 1000)
    return {**percentiles(samples), "target_p95_ms_max": 100}


def bench_answers(state: dict[str, Any]) -> dict[str, Any]:
    from assistant.answer.service import AnswerService
    from assistant.evaluate.dataset import load_questions
    from assistant.runtime import build_runtime

    runtime = state.get("runtime") or build_runtime(state.get("settings"))
    service = AnswerService(runtime)
    questions = load_questions()
    for q in questions[:5]:
        service.answer(q.question)  # warm-up
    samples = []
    for _ in range(3):
        for q in questions:
            t0 = time.perf_counter()
            service.answer(q.question, q.audience)
            samples.append((time.perf_counter() - t0) * 1000)
    return {**percentiles(samples), "mode": "extractive (offline, planned)", "target_p95_ms_max": 100}


def bench_review(state: dict[str, Any]) -> dict[str, Any]:
    import subprocess

    from assistant.evaluate.drafts_eval import load_labels
    from assistant.review.service import Reviewer, check_file
    from assistant.runtime import build_runtime

    runtime = state.get("runtime") or build_runtime(state.get("settings"))
    reviewer = Reviewer.from_settings(runtime.settings, runtime.embedding, pack=runtime.pack)
    drafts = PROJECT_ROOT / "evals" / "drafts"
    long_pdf = Path(tempfile.mkdtemp(prefix="jb-long-")) / "long_draft_e2.pdf"
    subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "make_long_draft.py"), str(long_pdf)],
                   check=True, capture_output=True)  # fmt: skip
    import pypdf

    pages = len(pypdf.PdfReader(long_pdf).pages)
    check_file(reviewer, drafts / "e2_fort_velo.md", "E2")  # warm-up (model, caches)
    long_runs = []
    for _ in range(3):
        report = check_file(reviewer, long_pdf, "E2")
        long_runs.append(report.timings_ms)
    per_eval: dict[str, list[dict[str, float]]] = {}
    for entry in load_labels():
        if entry["file"].startswith("rendered/"):
            continue
        report = check_file(reviewer, drafts / entry["file"], entry["evaluation"])
        per_eval.setdefault(entry["evaluation"], []).append(report.timings_ms)

    def summary(runs: list[dict[str, float]]) -> dict[str, Any]:
        total = [r["total_ms"] for r in runs]
        share = sum(r.get("embedding_ms", 0.0) for r in runs) / max(sum(total), 1e-9)
        # Yardstick: the time to embed the draft's passages once, measured inside the same review.
        ratio = sum(total) / max(sum(r.get("passage_embedding_ms", 0.0) for r in runs), 1e-9)
        return {**percentiles(total), "embedding_share": round(share, 3),
                "review_over_passage_embedding": round(ratio, 3), "target_ratio_max": 1.5}  # fmt: skip

    return {
        "long_pdf": {"pages": pages, **summary(long_runs), "target_s_max": 15},
        "per_evaluation": {k: summary(v) for k, v in sorted(per_eval.items())},
    }


def bench_oral(state: dict[str, Any]) -> dict[str, Any]:
    """Mock jury, warm: the time from « Valider ma réponse » to the feedback (``OralSession.answer``).

    Every answer of evals/oral (both splits: speed is not tuned) is answered once in a session whose current
    question is set to the item's. Yardstick, same run: embedding the same answer once, alone (the pure embedding
    time), so the ratio says what judging costs over the embedder's own time.
    """
    from assistant.evaluate.dataset import EVALS_DIR
    from assistant.evaluate.oral_eval import load_answers
    from assistant.review.oral_judge import OralJudge, normalise_answer
    from assistant.review.oral_session import OralSession
    from assistant.review.service import Reviewer
    from assistant.runtime import build_runtime

    runtime = state.get("runtime") or build_runtime(state.get("settings"))
    reviewer = Reviewer.from_settings(runtime.settings, runtime.embedding, pack=runtime.pack)
    judge = OralJudge(reviewer.engine)
    items = load_answers(EVALS_DIR)
    embedder = runtime.embedding.embeddings
    feedback: list[float] = []
    embedding: list[float] = []
    for warm in (True, False):
        for item in items[:3] if warm else items:
            session = OralSession(judge, item["evaluation"])  # planning only: cheap, nothing judged yet
            assert session.current is not None
            target = {"criterion": item["criterion"], "attendus": list(item["attendus"])}
            session.current = session.current.model_copy(update=target)
            started = time.perf_counter()
            session.answer(item["answer"])
            elapsed = (time.perf_counter() - started) * 1000
            text = normalise_answer(item["answer"])
            started = time.perf_counter()
            embedder.embed_documents([text[: runtime.settings.review.dense_chars]])
            pure = (time.perf_counter() - started) * 1000
            if not warm:
                feedback.append(elapsed)
                embedding.append(pure)
    fb, em = percentiles(feedback), percentiles(embedding)
    return {
        "feedback": {**fb, "target_p95_ms_max": 1500},
        "yardstick_answer_embedding": em,
        "feedback_over_embedding_p50": round(fb["p50_ms"] / max(em["p50_ms"], 1e-9), 2),
    }


SECTIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "ingestion": bench_ingestion,
    "query_latency_warm": bench_queries,
    "answer_latency_warm": bench_answers,
    "review": bench_review,
    "oral_feedback_warm": bench_oral,
}


def main(argv: list[str]) -> int:
    wanted = argv or list(SECTIONS)
    state: dict[str, Any] = {}
    results: dict[str, Any] = {}
    if argv and RESULTS.is_file():  # a run of some sections keeps the others' last figures
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    results["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    for name in wanted:
        print(f"== {name}", flush=True)
        results[name] = SECTIONS[name](state)
        print(json.dumps(results[name], ensure_ascii=False, indent=2), flush=True)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(f"== peak RSS: {results['peak_rss_mb']} MB")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written to {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
