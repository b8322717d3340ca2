"""The `ask --json` contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.text.language import Lang

Audience = Literal["candidate", "tutor", "admissions"]


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rank: int
    source: str
    page: int | None = None
    section: str = ""
    codes: list[str] = Field(default_factory=list)
    text: str
    title: str = ""


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str
    answer: str
    refused: bool = False
    sources: list[Source] = Field(default_factory=list)
    mode: str = "extractive"
    timings_ms: dict[str, float] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    audience: Audience = "candidate"
    lang: Lang = "fr"
    kind: str = Field(
        "",
        description="How it was answered: item, structure, modality, compare, crosscut, extractive, accommodation, "
        "school, refusal, llm.",
    )
    intent: str = Field("", description="The composer the plan chose (an intent of the pack's routes.yaml).")
    answerable: float | None = Field(
        None, description="Calibrated probability that our documents answer the question (None: not planned)."
    )


@dataclass
class Event:
    kind: str  # "token" | "final"
    text: str = ""
    answer: Answer | None = None
