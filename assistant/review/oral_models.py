"""Domain types of the mock jury (the `oral --json` contract, see the README).

A session is a list of turns: the jury's question (which criterion, which attendus it targets, the
draft's claim it quotes), the candidate's answer, and the engine's verdict per targeted attendu with
the answer's own words that carried it (verified quotes). The report sums the turns up per criterion.
Nothing here is stored: a session lives in memory only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.review.models import DISCLAIMER, SheetRef, Status

QuestionKind = Literal["question", "follow_up"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OralQuestion(_Model):
    number: int = Field(ge=1, description="Position in the session (1 = first question asked).")
    criterion: str = Field(description="The criterion's code (CR6, CR2-3…).")
    attendus: list[str] = Field(min_length=1, description="Ids of the attendus the question targets.")
    text: str = Field(description="The question as the jury asks it.")
    template: str = Field(description="The pack's question it was made from (rephrasing never changes the target).")
    kind: QuestionKind = "question"
    claim: str | None = Field(None, description="The draft's own words the question quotes, when it has a draft.")
    seconds: int = Field(description="Time for the answer, from the pack (the candidate may go over).")
    rephrased: bool = Field(False, description="True when a language model reworded the pack's question.")


class AttenduFeedback(_Model):
    id: str
    label: str
    status: Status
    confidence: float = Field(ge=0, le=1, description="The model's probability of the status given.")
    quotes: list[str] = Field(default_factory=list, description="Words of the answer that carried it (verified).")
    reason: str = ""
    wanted: str = Field(description="What a jury would also have wanted to hear (the attendu's advice).")


class OralTurn(_Model):
    question: OralQuestion
    answer: str = Field(description="The answer as judged (wrapped lines joined).")
    attendus: list[AttenduFeedback]
    sheets: list[SheetRef] = Field(default_factory=list, description="Course sheets to read for this criterion.")
    ignored: list[str] = Field(default_factory=list, description="Instructions to the assistant found and ignored.")
    seconds_taken: float | None = Field(None, description="Time the candidate took, when the page measured it.")
    feedback_ms: float = 0.0


class CriterionSummary(_Model):
    code: str
    status: Status = Field(description="The weakest of its asked attendus' best verdicts.")
    attendus: dict[str, Status] = Field(description="Attendu id -> best verdict over the session's answers.")
    questions: int
    advice: list[str] = Field(default_factory=list)


class OralReport(_Model):
    evaluation: str
    evaluation_title: str = ""
    lang: str = "fr"
    from_draft: str | None = Field(None, description="The checked draft the session started from, if any.")
    turns: list[OralTurn]
    summary: list[CriterionSummary]
    rehearse_first: list[str] = Field(default_factory=list, description="Criteria to rehearse first, weakest first.")
    mode: str = "offline"
    disclaimer: str = DISCLAIMER
