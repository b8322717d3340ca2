"""Fit the answerability model on the tune split of both question sets (never on test).

Features come from ``assistant.answer.plan.Planner.features``, computed as the answer path does (intent
posterior from the pack's exemplars, best passage similarity, key-term coverage, code found); the label is whether our
documents answer the question (ambiguous questions are left out). A logistic regression over
standardised features is fitted with scikit-learn, its regularisation chosen by 5-fold cross-validated
log-loss on tune; the tune figures printed are cross-validated (each question scored by a model that
did not see it). The coefficients are written to ``<pack>/models/answerability.json``, keyed by the
embedder, and `jury-blanc eval answerability --split test` then reports the held-out figures.

Usage: JB_DATA_DIR=<e5 index> python scripts/fit_answerability.py [--dry-run]
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from assistant.answer.answerability import FEATURES, MODEL_FILE, AnswerabilityModel
from assistant.answer.plan import Planner
from assistant.evaluate.answerability_eval import calibration_report, format_calibration
from assistant.evaluate.dataset import EvalQuestion
from assistant.evaluate.tuning import tune_questions
from assistant.runtime import build_runtime
from assistant.settings import PROJECT_ROOT

GRID_C = (0.01, 0.1, 1.0, 10.0)


def tuning_items() -> list[EvalQuestion]:
    """The questions this fit reads: the tune split of the dev and realworld sets, scored ones only."""
    evals = PROJECT_ROOT / "evals"
    return [q for q in tune_questions(evals) + tune_questions(evals, "realworld") if q.scored]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    runtime = build_runtime()
    extractor = Planner.for_runtime(runtime)
    questions = tuning_items()
    rows = []
    for n, q in enumerate(questions, 1):
        values = extractor.features(q.question)
        rows.append([values[name] for name in FEATURES])
        if n % 50 == 0:
            print(f"  features {n}/{len(questions)}", flush=True)
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray([int(q.in_scope) for q in questions])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    best: tuple[float, float] | None = None
    for c in GRID_C:
        p = cross_val_predict(LogisticRegression(C=c, max_iter=1000), z, y, cv=folds, method="predict_proba")[:, 1]
        loss = float(-np.mean(y * np.log(np.clip(p, 1e-9, 1)) + (1 - y) * np.log(np.clip(1 - p, 1e-9, 1))))
        print(f"C={c:<5} cross-validated log-loss {loss:.4f}")
        if best is None or loss < best[1]:
            best = (c, loss)
    assert best is not None
    chosen = LogisticRegression(C=best[0], max_iter=1000)
    cv = cross_val_predict(chosen, z, y, cv=folds, method="predict_proba")[:, 1]
    print(format_calibration(calibration_report(y.tolist(), cv.tolist()), f"tune, cross-validated (C={best[0]})"))
    chosen.fit(z, y)
    model = AnswerabilityModel(
        embedding_model=runtime.embedding.model_id,
        features=list(FEATURES),
        mean=mean.tolist(),
        scale=scale.tolist(),
        coef=chosen.coef_[0].tolist(),
        intercept=float(chosen.intercept_[0]),
        fitted_on=f"tune split: {len(questions)} questions (dev + realworld), {int(y.sum())} answerable; C={best[0]}",
    )
    print("coefficients: " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(FEATURES, model.coef, strict=True)))
    if not args.dry_run:
        path = runtime.settings.corpus_dir / MODEL_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(model.model_dump(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {path}")


if __name__ == "__main__":
    main()
