"""Domain types for the référentiel (see corpus/referentiel/referentiel.yaml)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.pack.vocabulary import ItemKind

# A verbatim field: one string, or the fragments of a cell the PDF split (joined with a space).
Verbatim = str | list[str]

SubstanceKind = Literal[
    "amount", "figure", "date", "tool", "kpi", "role", "reason", "comparison", "verbatim", "structure"
]


def join(value: Verbatim | None) -> str:
    """Display form of a verbatim field."""
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def fragments(value: Verbatim | None) -> list[str]:
    """Source fragments of a verbatim field, for verification against the source text."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Section(_Model):
    id: str
    title: str
    heading: str | None = None
    text: Verbatim
    intro: Verbatim | None = None
    accommodations: list[str] = Field(default_factory=list)


class Activity(_Model):
    code: str
    title: Verbatim
    text: Verbatim


class Competency(_Model):
    code: str
    text: Verbatim
    activity: str


class Bloc(_Model):
    id: str
    number: int
    option: int | None
    title: str
    intro: Verbatim
    activities: list[Activity]
    competencies: list[Competency]
    evaluations: list[str]

    @property
    def label(self) -> str:
        base = f"Bloc {self.number}"
        return f"{base} option {self.option}" if self.option else base


class EvaluationPart(_Model):
    kind: Literal["individual", "group"]
    formats: list[Literal["written", "oral"]]
    deliverables: list[str]
    criteria: list[str]
    competencies: list[str]
    text: Verbatim | None = None


class CriteriaBlock(_Model):
    """A criteria cell as printed (raw code such as "CR11 à 13"; None when none is printed)."""

    id: str
    raw_code: str | None
    codes: list[str]
    text: Verbatim
    preamble: str | None = None


class Evaluation(_Model):
    key: str
    bloc: str
    title: Verbatim
    modality: Verbatim
    parts: list[EvaluationPart]
    blocks: list[CriteriaBlock]

    @property
    def criteria_codes(self) -> list[str]:
        """Single criteria in canonical order (parts order; a block may print a later criterion first)."""
        out: list[str] = []
        for part in self.parts:
            out += [c for c in part.criteria if c not in out]
        return out

    @property
    def is_group(self) -> bool:
        return any(p.kind == "group" for p in self.parts)


SHAPE_FACETS = ("amount", "figure", "date", "tool", "kpi", "role", "person", "product")
"""Facets of a structure line the engine detects itself; a pack adds its own in ``vocabulary.shape_terms``."""


class Shape(_Model):
    """How an attendu looks when a draft shows it as a structure (a table or a list), judged as a whole.

    « lines with amounts and a total » is ``{lines: 3, each: [amount], some: [total]}``: at least three
    rows or items, most of them with an amount, one of them a total. Facets are the engine's
    (:data:`SHAPE_FACETS`) or the pack's named terms (``shape_terms`` in vocabulary.yaml).
    """

    lines: int = Field(3, ge=1, description="Rows (after a table's header) or items the structure holds at least.")
    each: list[str] = Field(default_factory=list, description="Facets most lines hold (share: review.shape_share).")
    some: list[str] = Field(default_factory=list, description="Facets at least one line holds.")

    @property
    def facets(self) -> list[str]:
        return [*self.each, *self.some]


class JuryQuestion(_Model):
    """A question a jury asks a candidate about one attendu at the oral, in French and in English."""

    fr: str = Field(min_length=10, pattern=r"\?\s*$")
    en: str = Field(min_length=10, pattern=r"\?\s*$")


class Attendu(_Model):
    """An observable expectation a draft must show for a criterion (project-written)."""

    id: str
    label: str
    evidence: str
    advice: str
    substance: list[SubstanceKind] = Field(min_length=1, max_length=3)
    keywords: list[str] = Field(min_length=1)
    shape: Shape | None = Field(None, description="The structure that shows this attendu, when one does.")
    jury_questions: list[JuryQuestion] = Field(
        default_factory=list, max_length=4, description="What a mock jury asks about it at the oral (course knowledge)."
    )
    sample_answers: list[Annotated[str, Field(min_length=40, max_length=400)]] = Field(
        default_factory=list,
        max_length=4,
        description="What a prepared candidate says at the oral to show it, for invented cases (course knowledge):"
        " the mock jury compares an answer with them by meaning. Never shown to the candidate.",
    )


class Criterion(_Model):
    code: str
    evaluation: str
    competencies: list[str]
    block: str
    part: Literal["individual", "group"]
    derived: bool = False
    text: Verbatim
    related_text: list[str] = Field(default_factory=list)
    note: str | None = None
    attendus: list[Attendu] = Field(default_factory=list)

    @property
    def full_text(self) -> str:
        """Criterion text plus the uncoded sentences attached to it."""
        return " ".join([join(self.text), *self.related_text])


class Referentiel(_Model):
    title: str
    source: str
    sections: list[Section]
    blocs: list[Bloc]
    evaluations: list[Evaluation]
    criteria: list[Criterion]

    # ---- lookups -------------------------------------------------------------------------
    def criterion(self, code: str) -> Criterion:
        for crit in self.criteria:
            if crit.code == code:
                return crit
        raise KeyError(code)

    def evaluation(self, key: str) -> Evaluation:
        for ev in self.evaluations:
            if ev.key == key:
                return ev
        raise KeyError(key)

    def bloc(self, bloc_id: str) -> Bloc:
        for bloc in self.blocs:
            if bloc.id == bloc_id:
                return bloc
        raise KeyError(bloc_id)

    def bloc_of(self, code: str) -> Bloc:
        """The bloc an activity, competency, evaluation or criterion belongs to."""
        kind = self.kind_of(code)
        if kind == "bloc":
            return self.bloc(code)
        if kind == "criterion":
            code = self.criterion(code).evaluation
        for bloc in self.blocs:
            if (
                code in bloc.evaluations
                or any(a.code == code for a in bloc.activities)
                or any(c.code == code for c in bloc.competencies)
            ):
                return bloc
        raise KeyError(code)

    def criteria_of(self, key: str) -> list[Criterion]:
        return [self.criterion(code) for code in self.evaluation(key).criteria_codes]

    def competency(self, code: str) -> Competency:
        for bloc in self.blocs:
            for comp in bloc.competencies:
                if comp.code == code:
                    return comp
        raise KeyError(code)

    def activity(self, code: str) -> Activity:
        for bloc in self.blocs:
            for act in bloc.activities:
                if act.code == code:
                    return act
        raise KeyError(code)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def block(self, block_id: str) -> CriteriaBlock:
        for ev in self.evaluations:
            for block in ev.blocks:
                if block.id == block_id:
                    return block
        raise KeyError(block_id)

    def codes(self) -> dict[str, ItemKind]:
        """Every item id with its kind, in document order."""
        out: dict[str, ItemKind] = {s.id: "section" for s in self.sections}
        for bloc in self.blocs:
            out[bloc.id] = "bloc"
            out.update({a.code: "activity" for a in bloc.activities})
            out.update({c.code: "competency" for c in bloc.competencies})
            for key in bloc.evaluations:
                out[key] = "evaluation"
                out.update({code: "criterion" for code in self.evaluation(key).criteria_codes})
        return out

    def kind_of(self, code: str) -> ItemKind:
        kinds = self.codes()
        if code not in kinds:
            raise KeyError(code)
        return kinds[code]

    def criteria_for_competency(self, code: str) -> list[Criterion]:
        return [c for c in self.criteria if code in c.competencies]

    @property
    def evaluation_keys(self) -> list[str]:
        return [ev.key for ev in self.evaluations]
