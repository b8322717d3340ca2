"""Intents from meaning: a question is routed by its nearest exemplar questions in the embedding space.

The pack's ``routes.yaml`` gives every intent (in scope, and the out-of-scope families the assistant
refuses) 15–40 exemplar questions. :class:`IntentRouter` embeds them once, as queries, and routes a
question's **query vector** (the one retrieval computes anyway: no second embedding) to a posterior
over intents: each intent scores the mean cosine of its ``top_k`` nearest exemplars, and a softmax
with a temperature turns the scores into probabilities. Because e5 cosines sit in a narrow band, the
posterior, the margin between the two best intents and the mass of the refusing intents are the
signals a caller combines with others (the code parser, the evidence), not the raw cosines.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.pack.routes import Routes
from assistant.settings import RoutingSettings


@dataclass(frozen=True)
class Neighbour:
    """An exemplar near the question."""

    intent: str
    exemplar: str
    similarity: float


@dataclass(frozen=True)
class IntentDecision:
    """Where a question was routed, with the evidence for it."""

    intent: str
    posterior: dict[str, float]  # intent id -> probability; sums to 1
    margin: float  # best posterior minus the second best
    refuse_mass: float  # posterior mass of the out-of-scope families
    neighbours: tuple[Neighbour, ...]  # the nearest exemplars, nearest first
    scores: dict[str, float]  # intent id -> mean cosine of its top-k exemplars (before the softmax)
    refuse: bool  # the chosen intent is an out-of-scope family

    @property
    def confidence(self) -> float:
        return self.posterior[self.intent]

    def ranked(self) -> list[tuple[str, float]]:
        """Intents by decreasing posterior."""
        return sorted(self.posterior.items(), key=lambda item: -item[1])


def unit_rows(rows: Sequence[Sequence[float]]) -> np.ndarray:
    """``rows`` as a float32 matrix of unit vectors (zero rows stay zero)."""
    matrix = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def embed_queries(embeddings: Embeddings, texts: list[str]) -> list[list[float]]:
    """Query vectors of ``texts``, batched when the embedder can (e5 adds its query prefix itself)."""
    if not texts:
        return []
    batch = getattr(embeddings, "embed_queries", None)
    if callable(batch):
        return [list(map(float, row)) for row in batch(texts)]
    return [embeddings.embed_query(text) for text in texts]


class IntentRouter:
    """Routes query vectors to the pack's intents by their nearest exemplars."""

    def __init__(
        self,
        routes: Routes,
        embeddings: Embeddings,
        settings: RoutingSettings | None = None,
        vectors: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        """Embed every exemplar once. ``vectors`` (exemplar text -> query vector of this same embedder), when
        given, spares embedding the exemplars it holds (a cache kept by the caller; see :meth:`exemplar_vectors`)."""
        self.routes = routes
        self.embeddings = embeddings
        self.settings = settings or RoutingSettings()
        self.intent_ids: list[str] = routes.ids
        self.exemplars: list[tuple[str, str]] = [(i.id, text) for i in routes.intents for text in i.exemplars]
        known = dict(vectors or {})
        todo = [text for _, text in self.exemplars if text not in known]
        known.update(zip(todo, embed_queries(embeddings, todo), strict=True))
        self.matrix = unit_rows([known[text] for _, text in self.exemplars])
        # Rows of each intent (the exemplars are laid out intent by intent).
        self._slices: list[slice] = []
        start = 0
        for intent in routes.intents:
            self._slices.append(slice(start, start + len(intent.exemplars)))
            start += len(intent.exemplars)
        self._refusing = np.array([intent.refuse for intent in routes.intents])

    def exemplar_vectors(self) -> dict[str, list[float]]:
        """Exemplar text -> unit query vector, for a caller that caches them between runs."""
        return {text: row.tolist() for (_, text), row in zip(self.exemplars, self.matrix, strict=True)}

    def similarities(self, query_vector: Sequence[float]) -> np.ndarray:
        """Cosine of the question with every exemplar, in :attr:`exemplars` order."""
        query = unit_rows([query_vector])[0]
        if query.shape[0] != self.matrix.shape[1]:
            raise ValueError(
                f"query vector of size {query.shape[0]}, exemplars of size {self.matrix.shape[1]}: "
                "the router and the question were embedded by different models"
            )
        sims: np.ndarray = self.matrix @ query
        return sims

    def route(self, query_vector: Sequence[float], exclude: Collection[str] = ()) -> IntentDecision:
        """The decision for a question's query vector (as computed by the same embedder's ``embed_query``).

        ``exclude``: intents that cannot apply here (a follow-up intent when there is no previous question);
        they get probability 0 and the others share the whole mass."""
        sims = self.similarities(query_vector)
        k = self.settings.top_k
        scores = np.empty(len(self._slices), dtype=np.float64)
        for n, rows in enumerate(self._slices):
            part = sims[rows]
            top = part if len(part) <= k else np.partition(part, len(part) - k)[-k:]
            scores[n] = float(top.mean())
        allowed = np.array([intent_id not in exclude for intent_id in self.intent_ids])
        best_allowed = scores[allowed].max()
        logits = (scores - best_allowed) / self.settings.temperature
        weights = np.where(allowed, np.exp(np.minimum(logits, 0.0)), 0.0)
        posterior = weights / weights.sum()
        order = np.argsort(-posterior, kind="stable")
        best = int(order[0])
        second = float(posterior[order[1]]) if len(order) > 1 else 0.0
        usable = np.array([intent_id not in exclude for intent_id, _ in self.exemplars])
        nearest = [j for j in np.argsort(-sims, kind="stable").tolist() if usable[j]][: self.settings.neighbours]
        return IntentDecision(
            intent=self.intent_ids[best],
            posterior={i: float(p) for i, p in zip(self.intent_ids, posterior, strict=True)},
            margin=float(posterior[best]) - second,
            refuse_mass=float(posterior[self._refusing].sum()),
            neighbours=tuple(Neighbour(self.exemplars[j][0], self.exemplars[j][1], float(sims[j])) for j in nearest),
            scores={i: float(s) for i, s in zip(self.intent_ids, scores, strict=True)},
            refuse=bool(self._refusing[best]),
        )

    def route_text(self, question: str) -> IntentDecision:
        """Embed ``question`` and route it (for scripts and tests; the answer path passes the vector it has)."""
        return self.route(self.embeddings.embed_query(question))
