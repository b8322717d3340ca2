"""The intents a question can have, with exemplar questions (``<pack>/routes.yaml``).

What a question asks for (look up an item, list the structure, an evaluation's modality, a
comparison, a topic across items, methodology, accommodations, a school fact, or one of the
families the assistant refuses) is decided from its meaning: the router embeds these exemplars
and compares a question with them. Intents are pack data, so another title brings its own.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.pack.loader import YAML_LOADER, ReferentielDataError

ROUTES_FILE = "routes.yaml"
MIN_EXEMPLARS = 15
MAX_EXEMPLARS = 40
_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def _key(text: str) -> str:
    """An exemplar as compared for duplicates: case and runs of spaces do not make two questions."""
    return " ".join(text.casefold().split())


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Intent(_Model):
    """One intent and the exemplar questions that stand for its family of questions."""

    id: str = Field(description="English snake_case id the engine keys on (item, structure, vae…).")
    title: str = Field(min_length=1, description="French name of the intent, for display and reports.")
    description: str = Field(min_length=1, description="One line: which questions belong here.")
    refuse: bool = Field(False, description="An out-of-scope family: the assistant declines and gives the contact.")
    evidence: Literal["referentiel", "courses"] = Field(
        "referentiel",
        description="Where this intent's answers live: the référentiel (the rule, preferred by retrieval) or the "
        "course sheets (methodology: no preference for the rule).",
    )
    follow_up: bool = Field(
        False,
        description="Elliptical continuations (« et le CR8 ? », « et ses attendus ? »): they take their context from "
        "the previous question, and count only when there is one.",
    )
    exemplars: list[str] = Field(
        min_length=MIN_EXEMPLARS,
        max_length=MAX_EXEMPLARS,
        description="Questions of the family, French and English, formal and informal; never copied from an "
        "evaluation set.",
    )

    @field_validator("id")
    @classmethod
    def _snake_case(cls, value: str) -> str:
        if not _ID.fullmatch(value):
            raise ValueError(f"intent id {value!r} is not snake_case (a-z, 0-9, _)")
        return value

    @field_validator("description")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value.strip():
            raise ValueError("description must be one line")
        return value.strip()

    @field_validator("exemplars")
    @classmethod
    def _exemplars(cls, value: list[str]) -> list[str]:
        cleaned = [" ".join(text.split()) for text in value]
        short = [text for text in cleaned if len(text) < 3]
        if short:
            raise ValueError(f"exemplars too short to mean anything: {short}")
        return cleaned


class Routes(_Model):
    """The whole routes file: intents with unique ids, exemplars unique across all intents."""

    intents: list[Intent] = Field(min_length=2, description="Every intent, in scope and out of scope.")

    @model_validator(mode="after")
    def _unique(self) -> Routes:
        ids = [intent.id for intent in self.intents]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"intent ids declared twice: {repeated}")
        owner: dict[str, str] = {}
        clashes: list[str] = []
        for intent in self.intents:
            for text in intent.exemplars:
                key = _key(text)
                if key in owner:
                    clashes.append(f"{text!r} ({owner[key]} and {intent.id})")
                else:
                    owner[key] = intent.id
        if clashes:
            raise ValueError(f"exemplars given twice: {'; '.join(clashes)}")
        if not any(intent.refuse for intent in self.intents):
            raise ValueError("no intent has refuse: true (out-of-scope families are intents too)")
        both = [intent.id for intent in self.intents if intent.refuse and intent.follow_up]
        if both:
            raise ValueError(f"an intent cannot both refuse and continue the previous question: {both}")
        if all(intent.refuse for intent in self.intents):
            raise ValueError("every intent refuses: at least one must be in scope")
        return self

    @cached_property
    def by_id(self) -> dict[str, Intent]:
        return {intent.id: intent for intent in self.intents}

    @property
    def ids(self) -> list[str]:
        return [intent.id for intent in self.intents]

    @cached_property
    def refusing(self) -> frozenset[str]:
        """Ids of the out-of-scope families."""
        return frozenset(intent.id for intent in self.intents if intent.refuse)

    @cached_property
    def follow_ups(self) -> frozenset[str]:
        """Ids of the elliptical-continuation intents (meaningful only after a previous question)."""
        return frozenset(intent.id for intent in self.intents if intent.follow_up)

    def intent(self, intent_id: str) -> Intent:
        try:
            return self.by_id[intent_id]
        except KeyError:
            raise KeyError(f"unknown intent: {intent_id}") from None


def load_routes(pack_dir: Path) -> Routes:
    """The pack's intents; a missing or invalid file raises an error naming it and the problem."""
    path = pack_dir / ROUTES_FILE
    if not path.is_file():
        raise ReferentielDataError(f"missing data file: {path}")
    try:
        with path.open(encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:  # the parser's message names the line and column
        raise ReferentielDataError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ReferentielDataError(f"{path}: must be a mapping with an `intents` list")
    try:
        return Routes.model_validate(raw)
    except ValidationError as exc:
        raise ReferentielDataError(f"{path}: {exc}") from exc
