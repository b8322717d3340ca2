"""Cold `jury-blanc ask` against the naive LangChain recipe, side by side in one run.

Yardstick (a separate cold process each time): RecursiveCharacterTextSplitter(1000, 200) over the
référentiel text, Chroma with the same e5 embedder, ``similarity_search(k=5)``, answer = the top
chunks. Both indexes are built once before timing; each timed run is a fresh Python process that
loads its models, opens its index and answers one question. Prints percentiles and the ratio of
medians; writes evals/results/bench_cold.json.

Run: ``python -m evals.bench_cold [--runs 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "evals" / "results" / "bench_cold.json"
QUESTIONS = ["Que dit exactement le CR7 ?", "Quels critères parlent d'accessibilité ?", "Comment est évaluée l'E3 ?"]

NAIVE = r"""
import sys
from pathlib import Path
import chromadb
from langchain_chroma import Chroma
from langchain_text_splitters import RecursiveCharacterTextSplitter
from assistant.index.embeddings import make_embeddings
from assistant.pack import load_pack
from assistant.pack.loader import source_path

index_dir, question, build = sys.argv[1], sys.argv[2], sys.argv[3] == "build"
client = chromadb.PersistentClient(path=index_dir, settings=chromadb.Settings(anonymized_telemetry=False))
store = Chroma(collection_name="naive", embedding_function=make_embeddings("e5-small").embeddings, client=client)
if build:
    pack = load_pack(Path("corpus"))
    text = source_path(pack.root, pack.ref).read_text(encoding="utf-8")
    store.add_texts(RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_text(text))
else:
    print("\n\n".join(d.page_content for d in store.similarity_search(question, k=5))[:400])
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def side_by_side(
    ours: list[float],
    naive: list[float],
    *,
    keys: tuple[str, str],
    labels: tuple[str, str],
    yardstick: str,
    path: Path,
    **extra: object,
) -> dict[str, object]:
    """Percentiles of both sides and the ratio of medians: printed, and written to ``path`` as JSON."""
    ours_s = {"p50": statistics.median(ours), "p95": percentile(ours, 0.95)}
    naive_s = {"p50": statistics.median(naive), "p95": percentile(naive, 0.95)}
    ratio = ours_s["p50"] / naive_s["p50"]
    result: dict[str, object] = {**extra, keys[0]: ours_s, keys[1]: naive_s, "ratio_p50": ratio}
    width = max(map(len, labels))
    print(
        f"{labels[0]:<{width}} p50 {ours_s['p50']:.2f} s  p95 {ours_s['p95']:.2f} s\n"
        f"{labels[1]:<{width}} p50 {naive_s['p50']:.2f} s  p95 {naive_s['p95']:.2f} s\n"
        f"ratio (ours / {yardstick}, medians) {ratio:.2f}  over {len(ours)} runs each"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per question and side")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    env = {**os.environ, "JB_DATA_DIR": str(work / "data"), "HF_HUB_OFFLINE": "1"}
    script = work / "naive.py"
    script.write_text(NAIVE, encoding="utf-8")
    print("building both indexes (not timed)…", flush=True)
    subprocess.run([sys.executable, "-m", "assistant", "ingest"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run([sys.executable, str(script), str(work / "naive"), "", "build"], check=True, env=env, cwd=ROOT)
    ours: list[float] = []
    naive: list[float] = []
    for _ in range(args.runs):
        for question in QUESTIONS:  # interleaved, so machine noise hits both sides alike
            ours.append(timed([sys.executable, "-m", "assistant", "ask", question, "--json"], env))
            naive.append(timed([sys.executable, str(script), str(work / "naive"), question, "query"], env))
    side_by_side(ours, naive, keys=("ask_cold_s", "naive_recipe_cold_s"), labels=("cold ask", "naive"),
                 yardstick="naive", path=RESULTS, runs=len(ours))  # fmt: skip


if __name__ == "__main__":
    main()
