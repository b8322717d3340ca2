"""Domain types of the draft review (the `check --json` contract, see the README)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from assistant.text.labels import WarningCode

Status = Literal["covered", "partial", "missing"]
STATUS_ORDER: dict[str, int] = {"missing": 0, "partial": 1, "covered": 2}
STATUS_FR: dict[str, str] = {"covered": "couvert", "partial": "partiel", "missing": "manquant"}
STATUS_EMOJI: dict[str, str] = {"covered": "🟢", "partial": "🟠", "missing": "🔴"}
# Where a criterion's verdict comes from, as the reports say it (by CriterionVerdict.source).
SOURCE_FR: dict[str, str] = {
    "offline": "avis hors ligne (analyse automatique)",
    "llm": "avis du modèle de langage, recoupé avec l'analyse automatique (citations vérifiées)",
    "llm->offline": "avis hors ligne (le modèle de langage a échoué sur ce critère)",
    "llm->timeout": "avis hors ligne (le modèle de langage n'a pas répondu à temps)",
}

# How sure the offline verdict is, in words: the model's probability of the status it gives.
CERTAINTY_FR: tuple[tuple[float, str], ...] = (
    (0.75, "avis assez sûr"),
    (0.55, "avis probable, à confirmer"),
    (0.0, "avis incertain : à vérifier avec votre tuteur"),
)


def certainty_words(confidence: float) -> str:
    return next(words for floor, words in CERTAINTY_FR if confidence >= floor)


DISCLAIMER = (
    "Avis indicatif et formatif : ce retour ne constitue ni une note ni une prédiction de réussite. "
    "Seul le jury de certification évalue votre travail."
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    quote: str = Field(description="Verbatim text from the draft (verified).")
    location: str = Field(description="Where in the draft: 'p. 3', '§ Budget > Détail', '§ 12'.")


class AttenduResult(_Model):
    id: str
    label: str
    status: Status
    score: float = Field(ge=0, le=1)
    evidence: list[Evidence] = Field(default_factory=list)
    reason: str = Field("", description="Short French explanation of the judgement.")


class SheetRef(_Model):
    slug: str
    title: str
    path: str


class CriterionVerdict(_Model):
    code: str
    status: Status
    confidence: float = Field(ge=0, le=1)
    evidence: list[Evidence] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="Labels of the attendus not shown.")
    advice: list[str] = Field(default_factory=list)
    referentiel: str = Field(description="Verbatim criterion text.")
    attendus: list[AttenduResult] = Field(default_factory=list)
    sheets: list[SheetRef] = Field(default_factory=list)
    source: str = Field(
        "offline",
        description="'offline', 'llm', 'llm->offline' (the model failed) or 'llm->timeout' (review deadline expired).",
    )
    llm_ms: float | None = Field(None, description="Time spent in this criterion's model call(s), when one was made.")

    @computed_field(description="The confidence in words, as the candidate reads it.")  # type: ignore[prop-decorator]
    @property
    def certainty(self) -> str:
        return certainty_words(self.confidence)


class ReviewWarning(_Model):
    code: WarningCode
    message: str


class Report(_Model):
    file: str
    evaluation: str
    evaluation_title: str = ""
    criteria: list[CriterionVerdict]
    warnings: list[ReviewWarning] = Field(default_factory=list)
    mode: str = "offline"
    llm_method: str | None = Field(
        None, description="Structured-output method(s) the model answered through: json_schema, json_mode, …"
    )
    timings_ms: dict[str, float] = Field(default_factory=dict)
    disclaimer: str = DISCLAIMER

    def counts(self) -> dict[str, int]:
        out = {"covered": 0, "partial": 0, "missing": 0}
        for c in self.criteria:
            out[c.status] += 1
        return out

    def verdict(self, code: str) -> CriterionVerdict:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)
