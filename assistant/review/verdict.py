"""A criterion's verdict learned from labelled drafts: an ordinal model over what the engine measured.

The engine judges each attendu (found, partial, missing), with its relevance, meaning similarity,
substance and structure. :func:`criterion_features` turns those judgements into one feature row per
criterion; a cumulative ordinal model (two logistic regressions: "at least partial", "covered",
fitted with scikit-learn on the **tune** split by ``scripts/fit_verdict.py``) turns the row into
P(missing), P(partial), P(covered). The status is the most probable one; the probability is the
confidence, said in words to the candidate (never shown as a bar next to the status).

Scoring needs only numpy: the pack ships the coefficients (``<pack>/models/verdict.json``). A pack
without its own model uses the house model (``review.house_verdict_model``): the features describe
the engine's measurements, not a title's vocabulary.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assistant.review.models import Status

MODEL_FILE = Path("models") / "verdict.json"
FloatOrArray = TypeVar("FloatOrArray", float, np.ndarray)
LEVELS: tuple[Status, ...] = ("missing", "partial", "covered")
FEATURES: tuple[str, ...] = (
    "covered_share",
    "partial_share",
    "found_points",
    "best_score",
    "mean_score",
    "min_points",
    "mean_rel",
    "mean_dense",
    "mean_substance",
    "specifics",
    "spread",
    "echo_share",
    "structure_share",
    "shaped_share",
    "draft_words",
    "foreign",
)


EMBEDDER_FEATURES: tuple[str, ...] = ("mean_dense", "dense", "answer_sim", "answer_sim_margin", "sample_sim")
"""Features whose scale belongs to the embedder the model was fitted with (meaning similarities)."""


class Judged(Protocol):
    """What the features read from one attendu judgement."""

    status: Status
    score: float
    rel: float
    dense: float
    substance: float
    specifics: int
    rejected_echo: bool

    @property
    def location(self) -> str: ...

    @property
    def structured(self) -> bool: ...


def criterion_features(judged: Sequence[Judged], shaped: int, words: int, foreign: bool) -> dict[str, float]:
    """One feature row for a criterion from its attendus' judgements (``shaped``: attendus with a shape)."""
    n = max(len(judged), 1)
    points = [1.0 if j.status == "covered" else 0.5 if j.status == "partial" else 0.0 for j in judged]
    found = [j for j in judged if j.status != "missing"]
    return {
        "covered_share": sum(j.status == "covered" for j in judged) / n,
        "partial_share": sum(j.status == "partial" for j in judged) / n,
        "found_points": sum(points) / n,
        "best_score": max((j.score for j in judged), default=0.0),
        "mean_score": sum(j.score for j in judged) / n,
        "min_points": min(points, default=0.0),
        "mean_rel": sum(j.rel for j in judged) / n,
        "mean_dense": sum(j.dense for j in judged) / n,
        "mean_substance": sum(j.substance for j in found) / n,
        "specifics": math.log1p(sum(j.specifics for j in found) / n),
        "spread": len({j.location for j in found}) / n,
        "echo_share": sum(j.rejected_echo for j in judged) / n,
        "structure_share": sum(j.structured for j in found) / n,
        "shaped_share": shaped / n,
        "draft_words": math.log1p(words) / 10,
        "foreign": 1.0 if foreign else 0.0,
    }


def ordinal(at_least_partial: FloatOrArray, covered: FloatOrArray) -> tuple[FloatOrArray, FloatOrArray, FloatOrArray]:
    """P(missing), P(partial), P(covered) from the two cumulative probabilities, kept monotone."""
    covered = np.minimum(covered, at_least_partial)
    return 1.0 - at_least_partial, at_least_partial - covered, covered


class VerdictModel(BaseModel):
    """Coefficients of the two cumulative logistic models over standardised features."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    embedding_model: str = Field(description="The embedder the features were computed with when fitted.")
    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[list[float]] = Field(description="Weights of P(at least partial) and of P(covered).")
    intercept: list[float]
    fitted_on: str = Field(description="What the model was fitted on (sets, split, counts, cross-validation).")

    def probabilities(self, values: dict[str, float], embedding_model: str | None = None) -> dict[Status, float]:
        """P(missing), P(partial), P(covered) for one feature row (cumulative, kept monotone).

        Reviewed with another embedder than the model's, the meaning similarities are on another scale:
        those features are taken at their fitted mean (no information) rather than misread.
        """
        if embedding_model is not None and embedding_model != self.embedding_model:
            values = {
                **values,
                **{n: self.mean[self.features.index(n)] for n in EMBEDDER_FEATURES if n in self.features},
            }
        x = np.asarray([values[name] for name in self.features], dtype=np.float64)
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        at_least = [
            1.0 / (1.0 + math.exp(-(float(np.dot(z, np.asarray(w))) + b)))
            for w, b in zip(self.coef, self.intercept, strict=True)
        ]
        missing, partial, covered = ordinal(at_least[0], at_least[1])
        return {"missing": float(missing), "partial": float(partial), "covered": float(covered)}

    def decide(self, values: dict[str, float], embedding_model: str | None = None) -> tuple[Status, float]:
        """The most probable status and its probability."""
        probs = self.probabilities(values, embedding_model)
        status = max(LEVELS, key=lambda s: probs[s])
        return status, probs[status]


def load_verdict_model(pack_root: Path, house: Path, name: Path = MODEL_FILE) -> VerdictModel | None:
    """The pack's fitted model (``name`` under the pack), else the house model, else None."""
    for path in (pack_root / name, house):
        if path.is_file():
            return VerdictModel.model_validate(json.loads(path.read_text(encoding="utf-8")))
    return None
