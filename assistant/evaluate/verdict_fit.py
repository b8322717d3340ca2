"""Fitting the criterion verdict model (scripts/fit_verdict.py, scripts/sweep_review.py): tune split only.

Two logistic regressions over standardised features — P(at least partial) and P(covered), a cumulative
ordinal model — fitted with scikit-learn. Regularisation is chosen by cross-validated log-loss with
folds grouped by draft (a draft and its renderings never sit on both sides of a fold).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from assistant.evaluate.drafts_eval import LABELS, score_pairs
from assistant.review.verdict import FEATURES, LEVELS, VerdictModel, ordinal

GRID_C = (0.03, 0.1, 0.3, 1.0, 3.0)
ORDER = {status: rank for rank, status in enumerate(LEVELS)}


def group_of(entry: dict[str, Any]) -> str:
    return str(entry.get("source") or entry["file"])


def _cumulative(c: float, z: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """P(missing), P(partial), P(covered) of the ``test`` rows from two models fitted on ``train``."""
    at_least = []
    for level in (1, 2):
        model = LogisticRegression(C=c, max_iter=2000).fit(z[train], (y[train] >= level).astype(int))
        at_least.append(model.predict_proba(z[test])[:, 1])
    return np.stack(ordinal(at_least[0], at_least[1]), axis=1)


@dataclass
class Fit:
    c: float
    log_loss: float
    figures: dict[str, Any]
    """Cross-validated figures over the source-format criteria (renderings are fitted on, not scored)."""
    model: VerdictModel


def fit_verdict(
    rows: list[dict[str, Any]],
    embedding_model: str,
    *,
    verbose: bool = True,
    features: tuple[str, ...] = FEATURES,
    described: tuple[str, str, str] = ("criterion", "drafts (source formats)", "draft"),
) -> Fit:
    """Choose C by grouped cross-validation, report those predictions, then fit on every row.

    ``features``: the row's feature names (the draft criterion model's by default; the mock jury's attendu
    model passes its own); ``described``: what a row, a group and a fold's unit are, for ``fitted_on``.
    """
    x = np.asarray([[r["features"][f] for f in features] for r in rows], dtype=np.float64)
    y = np.asarray([ORDER[r["gold"]] for r in rows])
    groups = np.asarray([group_of(r["entry"]) for r in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    folds = list(GroupKFold(n_splits=5).split(z, y, groups))
    best: tuple[float, float, np.ndarray] | None = None
    for c in GRID_C:
        probs = np.zeros((len(y), 3))
        for train, test in folds:
            probs[test] = _cumulative(c, z, y, train, test)
        loss = float(-np.mean(np.log(np.clip(probs[np.arange(len(y)), y], 1e-9, 1))))
        if verbose:
            print(f"C={c:<5} cross-validated log-loss {loss:.4f}")
        if best is None or loss < best[1]:
            best = (c, loss, probs)
    assert best is not None
    c, loss, probs = best
    originals = [i for i, r in enumerate(rows) if "source" not in r["entry"]]
    pairs = [(rows[i]["gold"], LABELS[int(np.argmax(probs[i]))]) for i in originals]
    models = [LogisticRegression(C=c, max_iter=2000).fit(z, (y >= level).astype(int)) for level in (1, 2)]
    drafts = len({group_of(r["entry"]) for r in rows})
    model = VerdictModel(
        embedding_model=embedding_model,
        features=list(features),
        mean=mean.tolist(),
        scale=scale.tolist(),
        coef=[m.coef_[0].tolist() for m in models],
        intercept=[float(m.intercept_[0]) for m in models],
        fitted_on=f"tune split: {len(rows)} {described[0]} labels from {drafts} {described[1]}; "
        f"C={c} by 5-fold cross-validation grouped by {described[2]}",
    )
    return Fit(c, loss, score_pairs(pairs), model)


def report_fit(fit: Fit, features: tuple[str, ...], unit: str, path: Path | None) -> None:
    """Print the cross-validated tune figures and the weights; write the model to ``path`` (None: dry run)."""
    f = fit.figures
    print(
        f"tune, cross-validated (C={fit.c}), {f['n']} {unit} labels: accuracy {f['accuracy']:.3f}  "
        f"macro-F1 {f['macro_f1']:.3f}  QW-kappa {f['qw_kappa']:.3f}  F1 partial {f['f1']['partial']:.3f}"
    )
    for name, weights in zip(("at least partial", "covered"), fit.model.coef, strict=True):
        print(f"{name}: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(features, weights, strict=True)))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(fit.model.model_dump(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {path}")
