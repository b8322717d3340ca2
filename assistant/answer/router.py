"""The pack's intent router for a runtime, with the exemplar vectors the pack ships for its embedder."""

from __future__ import annotations

from assistant.index.shipped import query_vectors
from assistant.pack.loader import ReferentielDataError
from assistant.retrieve.intents import IntentRouter
from assistant.runtime import Runtime


def make_router(runtime: Runtime) -> IntentRouter:
    """The pack's intent router, with the exemplar vectors the pack ships for this embedder (verified at load;
    the others are embedded)."""
    routes = runtime.pack.routes
    if routes is None:
        raise ReferentielDataError(
            f"Le pack {runtime.settings.corpus_dir} n'a pas de routes.yaml : sans ses intentions, l'assistant ne peut "
            "pas comprendre les questions (voir docs/certification-packs.md)."
        )
    vectors: dict[str, list[float]] = {}
    if runtime.settings.shipped_vectors:
        texts = [text for intent in routes.intents for text in intent.exemplars]
        vectors = query_vectors(runtime.settings.corpus_dir, runtime.embedding, texts)
    return IntentRouter(routes, runtime.embedding.embeddings, runtime.settings.routing, vectors=vectors)
