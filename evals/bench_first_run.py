"""First-run time: a fresh clone's first `jury-blanc ingest`, with the pack's shipped vectors and without.

Each timed run is a fresh Python process (``python -m assistant ingest --json``) on an empty data directory
with the default embedder (e5-small), as after ``git clone`` + ``make run``. Yardstick, in the same run: the
same first ingest with shipped vectors turned off (``JB_SHIPPED_VECTORS=0``), which embeds every passage and
evidence sentence. Sides alternate so machine noise hits both alike. Prints both times and their ratio;
writes evals/results/bench_first_run.json.

Run: ``python -m evals.bench_first_run [--runs 1]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals.bench_cold import side_by_side

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "evals" / "results" / "bench_first_run.json"


def first_ingest(data_dir: Path, *, shipped: bool) -> tuple[float, dict[str, object]]:
    """Seconds of one cold first ingest into the empty ``data_dir``, and its summary."""
    env = {**os.environ, "JB_DATA_DIR": str(data_dir), "JB_EMBEDDINGS": "e5-small", "HF_HUB_OFFLINE": "1",
           "JB_SHIPPED_VECTORS": "1" if shipped else "0"}  # fmt: skip
    env.pop("JB_CHROMA_HOST", None)  # a local store, as on a fresh clone
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "assistant", "ingest", "--json"], check=True, env=env, cwd=ROOT,
                         capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - started
    summary: dict[str, object] = json.loads(run.stdout)
    shutil.rmtree(data_dir, ignore_errors=True)
    return seconds, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="timed first ingests per side")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-first-run-"))
    shipped: list[float] = []
    embedded: list[float] = []
    summaries: dict[str, dict[str, object]] = {}
    try:
        for n in range(args.runs):
            for side, times in (("shipped", shipped), ("embedded", embedded)):
                print(f"first ingest, {side} vectors, run {n + 1}/{args.runs}…", flush=True)
                seconds, summary = first_ingest(work / f"{side}-{n}", shipped=side == "shipped")
                times.append(seconds)
                summaries[side] = summary
    finally:
        shutil.rmtree(work, ignore_errors=True)
    counts = {
        side: {key: summaries[side].get(key) for key in ("chunks_total", "sentences_total", "embed_seconds")}
        for side in summaries
    }
    print(f"index: {counts['shipped']['chunks_total']} passages, {counts['shipped']['sentences_total']} sentences")
    side_by_side(shipped, embedded, keys=("first_ingest_shipped_s", "first_ingest_embedded_s"),
                 labels=("first ingest, shipped vectors", "first ingest, every text embedded"),
                 yardstick="embedded", path=RESULTS, runs=len(shipped), counts=counts)  # fmt: skip


if __name__ == "__main__":
    main()
