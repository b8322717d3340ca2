"""Answerability as one calibrated decision: the probability that our documents answer a question.

Signals of meaning and of evidence, none of them a word list, are combined by a logistic model:

- the intent router's posterior (mass of the out-of-scope families, the school-fact intent, margin,
  nearest exemplar similarity), from the question's query vector;
- the best dense similarity of the question to an indexed passage;
- the lexical coverage of the question's key terms by the passages retrieval returns (IDF-weighted);
- whether the pack's code parser found an item code in the question.

The model is fitted on the **tune** split of the question sets by ``scripts/fit_answerability.py``
(scikit-learn's logistic regression) and shipped in the pack as plain coefficients keyed by the
embedding model (``<pack>/models/answerability.json``); scoring needs only numpy. A model fitted for
another embedder is not used (``load_model`` returns None).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assistant.retrieve.hybrid import Hit
from assistant.retrieve.intents import IntentDecision
from assistant.runtime import Runtime

MODEL_FILE = Path("models") / "answerability.json"
FEATURES: tuple[str, ...] = (
    "refuse_mass",
    "school_fact",
    "margin",
    "exemplar_similarity",
    "passage_similarity",
    "coverage",
    "has_code",
)


class AnswerabilityModel(BaseModel):
    """Coefficients of a fitted logistic model over standardised features."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    embedding_model: str = Field(description="The embedder whose vectors the features were computed with.")
    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    fitted_on: str = Field(description="What the model was fitted on (sets, split, counts).")

    def probability(self, values: dict[str, float]) -> float:
        """P(our documents answer the question) for one feature row."""
        x = np.asarray([values[name] for name in self.features], dtype=np.float64)
        z = float(np.dot((x - np.asarray(self.mean)) / np.asarray(self.scale), np.asarray(self.coef))) + self.intercept
        return 1.0 / (1.0 + math.exp(-z))


def load_model(pack_root: Path, embedding_model: str) -> AnswerabilityModel | None:
    """The pack's fitted model for this embedder, or None (no file, or fitted for another embedder)."""
    path = pack_root / MODEL_FILE
    if not path.is_file():
        return None
    model = AnswerabilityModel.model_validate(json.loads(path.read_text(encoding="utf-8")))
    return model if model.embedding_model == embedding_model else None


def feature_row(
    runtime: Runtime, question: str, decision: IntentDecision, passage_similarity: float, hits: list[Hit]
) -> dict[str, float]:
    """The features of one question, from what the answer path computes anyway (routing and retrieval)."""
    key_terms = runtime.corpus.key_terms
    known = runtime.ref.codes()
    return {
        "refuse_mass": decision.refuse_mass,
        "school_fact": decision.posterior.get("school_fact", 0.0),
        "margin": decision.margin,
        "exemplar_similarity": decision.neighbours[0].similarity if decision.neighbours else 0.0,
        "passage_similarity": passage_similarity,
        "coverage": key_terms.coverage(key_terms.terms(question), [h.chunk.text for h in hits]),
        "has_code": float(any(c in known for c in runtime.pack.codes.find(question))),
    }
