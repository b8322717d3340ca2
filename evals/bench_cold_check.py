"""Cold `jury-blanc check` against a naive embedding checker, side by side in one run.

Draft: a ~1,600-word E2 dev draft (`e2_annexe_budget_coworking.md`) rendered to PDF with the
project's fpdf2 renderer, as candidates upload PDFs. Yardstick (a separate cold process each time):
pypdf text, ``RecursiveCharacterTextSplitter(800, 100)``, the same e5 embedder, each criterion of
the evaluation scored by its best chunk (cosine), printed. Ours: ``python -m assistant check
<pdf> --eval E2 --json``. Runs are interleaved so machine noise hits both sides alike; one warm-up
run of each side is not timed (disk caches; our attendu-vector cache is filled as in real use).
Prints percentiles and the ratio of medians; writes evals/results/bench_cold_check.json.

Run: ``python -m evals.bench_cold_check [--runs 5]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from evals.bench_cold import side_by_side, timed
from evals.renderings import DRAFTS_DIR, render_all

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "evals" / "results" / "bench_cold_check.json"
DRAFT = DRAFTS_DIR / "e2_annexe_budget_coworking.md"
EVALUATION = "E2"

NAIVE = r"""
import sys
from pathlib import Path
import pypdf
from langchain_text_splitters import RecursiveCharacterTextSplitter
from assistant.index.embeddings import make_embeddings
from assistant.pack import load_pack
path, key = Path(sys.argv[1]), sys.argv[2]
text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)
chunks = RecursiveCharacterTextSplitter(chunk_size=800, chunk_overlap=100).split_text(text)
e5 = make_embeddings("e5-small").embeddings
vectors = e5.embed_documents(chunks)
for crit in load_pack(Path("corpus")).ref.criteria_of(key):
    q = e5.embed_query(crit.full_text)
    best = max(sum(a * b for a, b in zip(q, v)) for v in vectors)
    print(crit.code, round(best, 3))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-check-"))
    pdf = render_all([DRAFT], work, ["fpdf"])[0].files["fpdf"]
    env = {**os.environ, "JB_DATA_DIR": str(work / "data"), "HF_HUB_OFFLINE": "1"}
    script = work / "naive_check.py"
    script.write_text(NAIVE, encoding="utf-8")
    ours_cmd = [sys.executable, "-m", "assistant", "check", str(pdf), "--eval", EVALUATION, "--json"]
    naive_cmd = [sys.executable, str(script), str(pdf), EVALUATION]
    words = len(DRAFT.read_text(encoding="utf-8").split())
    print(f"draft: {DRAFT.name} ({words} words) as PDF; warm-up (not timed)…", flush=True)
    timed(ours_cmd, env)
    timed(naive_cmd, env)
    ours: list[float] = []
    naive: list[float] = []
    for _ in range(args.runs):
        ours.append(timed(ours_cmd, env))
        naive.append(timed(naive_cmd, env))
    side_by_side(
        ours, naive, keys=("check_cold_s", "naive_checker_cold_s"), labels=("cold check", "naive"),
        yardstick="naive checker", path=RESULTS, draft=DRAFT.name, words=words, runs=args.runs, target_ratio_max=1.3,
    )  # fmt: skip


if __name__ == "__main__":
    main()
