"""One composer per intent: each writes the answer of a :class:`~assistant.answer.plan.Plan` from its evidence.

A composer is a function ``(prepared, context, book) -> Composition``; :data:`COMPOSERS` maps the intent
ids of the pack's ``routes.yaml`` to them. An intent the table does not know is composed from its
evidence sentences (:func:`~assistant.answer.compose.evidence.topic`).
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.answer.compose.context import Composition, Context
from assistant.answer.compose.evidence import methodology, topic
from assistant.answer.compose.items import compare, item, modality, structure
from assistant.answer.compose.school import accommodation, refusal, school_fact
from assistant.answer.plan import Prepared
from assistant.answer.sources import SourceBook

Composer = Callable[[Prepared, Context, SourceBook], Composition]

COMPOSERS: dict[str, Composer] = {
    "item": item,
    "structure": structure,
    "modality": modality,
    "compare": compare,
    "topic": topic,
    "methodology": methodology,
    "accommodation": accommodation,
    "school_fact": school_fact,
    "refusal": refusal,
}


def composer_for(intent: str) -> Composer:
    return COMPOSERS.get(intent, topic)


__all__ = ["COMPOSERS", "Composer", "Composition", "Context", "composer_for"]
