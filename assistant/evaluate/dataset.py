"""Dev-set files under evals/."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.settings import PROJECT_ROOT, Settings

EVALS_DIR = PROJECT_ROOT / "evals"
T = TypeVar("T")


def dev_sets_dir(settings: Settings) -> Path:
    """Where the configured pack's dev sets live (questions.yaml, drafts/, redteam/)."""
    if settings.evals_dir is not None:
        return settings.evals_dir
    own = settings.corpus_dir / "evals"
    return own if own.is_dir() else EVALS_DIR


class EvalQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str
    lang: Literal["fr", "en"]
    style: Literal["formal", "informal"]
    type: Literal["code", "evaluation", "bloc", "crosscutting", "open", "out_of_scope"]
    audience: Literal["candidate", "tutor", "admissions"]
    codes: list[str] = Field(default_factory=list)
    must_mention: list[str] = Field(default_factory=list)
    split: Literal["tune", "test"] = Field("tune", description="Fixed once, before tuning: tune on tune only.")
    failure_class: Literal[1, 2, 3, 4, 5] | None = Field(
        None, description="The held-out failure class the question exercises (issue 12), if any."
    )
    # Questions harvested from public pages (the realworld set) say where they come from and how they were labelled.
    label: Literal["answer", "refuse", "ambiguous"] | None = Field(
        None, description="Realworld set: answer / refuse from our documents, or ambiguous (not scored)."
    )
    source_url: str | None = Field(None, description="Realworld set: the public page the question comes from.")
    origin: Literal["verbatim", "adapted"] | None = Field(None, description="Realworld set: copied or adapted.")
    note: str | None = Field(None, description="Why a question is ambiguous, or any labelling remark.")

    @property
    def in_scope(self) -> bool:
        return self.type != "out_of_scope"

    @property
    def scored(self) -> bool:
        """Ambiguous questions (our documents cannot decide them) are kept in the file but not scored."""
        return self.label != "ambiguous"


QUESTION_SETS = {"dev": "questions.yaml", "realworld": "realworld/questions.yaml"}


def load_questions(evals_dir: Path = EVALS_DIR, question_set: str = "dev") -> list[EvalQuestion]:
    """The questions of ``question_set``: ``dev`` (written for the project) or ``realworld`` (harvested)."""
    path = evals_dir / QUESTION_SETS[question_set]
    if not path.is_file():
        raise FileNotFoundError(f"no {question_set} question set: {path}")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [EvalQuestion.model_validate(q) for q in raw]


def group_mean(rows: list[dict[str, object]], key: str, metric: str) -> dict[str, tuple[float, int]]:
    """Mean of ``metric`` per value of ``key``: {value: (mean, n)}."""
    groups: dict[str, list[float]] = {}
    for row in rows:
        groups.setdefault(str(row[key]), []).append(float(row[metric]))  # type: ignore[arg-type]
    return {k: (sum(v) / len(v), len(v)) for k, v in sorted(groups.items())}


def percentile(values: list[float], p: float) -> float:
    """The ``p`` quantile of ``values`` (nearest rank; 0 when empty)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] if ordered else 0.0


def spread(items: list[T], key: Callable[[T], Hashable], n: int) -> list[T]:
    """``n`` of ``items``, stratified by ``key``: the groups share ``n`` as evenly as they can, and each
    group's share is taken at evenly spaced places of its file order (not its first items)."""
    if n <= 0 or n >= len(items):
        return list(items)
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    share = dict.fromkeys(groups, 0)
    while sum(share.values()) < n:  # one more for each group that has some left, in turn
        for g, members in groups.items():
            if share[g] < len(members) and sum(share.values()) < n:
                share[g] += 1
    chosen = {id(members[int((j + 0.5) * len(members) / share[g])]) for g, members in groups.items()
              for j in range(share[g])}  # fmt: skip
    return [item for item in items if id(item) in chosen]
