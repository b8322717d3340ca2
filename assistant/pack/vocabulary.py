"""The title-specific vocabulary of a certification pack (``<pack>/vocabulary.yaml``).

Everything the engine needs to know about one RNCP title beyond its référentiel lives here as
data: how its codes are written, its display titles, and the word lists that retrieval, the
scope check and the review use (tools, KPIs, roles, glossary, synonyms, frame words, fact kinds).
The engine names no certification itself.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ItemKind = Literal["section", "bloc", "activity", "competency", "evaluation", "criterion"]
FormatConcept = Literal["group", "individual_only", "oral"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
    return value


class CodeAlias(_Model):
    """A way users write an id that the prefix grammar cannot read (« bloc 3 », « E5 option 2 »)."""

    pattern: str = Field(description="Regular expression (case-insensitive) with named groups.")
    ids: list[str] = Field(
        min_length=1,
        description="Id templates filled with the groups, tried in order; a template naming a group that did "
        "not match is skipped. When no filled id is declared, the variants of the last one are taken.",
    )

    _valid = field_validator("pattern")(_check_regex)


class VariantRule(_Model):
    """Items that exist in numbered variants (a bloc's options): a bare ``E5`` means all its variants."""

    pattern: str = Field(description="Regex naming a variant in free text, with a group ``n`` (« option 2 »).")
    suffix: str = Field(description="Id suffix of variant n, with ``{n}`` (« -opt{n} »).")
    alone_kind: ItemKind | None = Field(
        None, description="Kind of item a variant named alone refers to (« l'option 2 » → that bloc option)."
    )

    _valid = field_validator("pattern")(_check_regex)

    @property
    def marker(self) -> str:
        """The constant start of the suffix (« -opt »): ids holding it are variants."""
        return self.suffix.split("{", 1)[0]


class CodeGrammar(_Model):
    """How the title's codes are printed and typed. Valid ids come from the référentiel data."""

    prefixes: dict[str, ItemKind] = Field(
        description="Code prefix -> item kind (CR -> criterion). Prefixes of two letters or more may be followed "
        "by a space (« cr 7 »); single letters may not."
    )
    sub_separator: str = Field("-", description="Separator between number and rank in ids (CR1-2, EC1.2).")
    sub_pattern: str = Field(r"\s?-\s?", description="Regex of that separator as users type it.")
    range_words: list[str] = Field(description="Words or signs between two codes that mean a range (à, -, –).")
    list_words: list[str] = Field(description="Words or signs between two codes that mean a list (et, /).")
    aliases: list[CodeAlias] = Field(default_factory=list)
    variant: VariantRule | None = None
    examples: list[str] = Field(default_factory=list, description="A few ids shown in help texts.")

    _valid = field_validator("sub_pattern")(_check_regex)


class OralTiming(_Model):
    """How long a mock jury gives for each answer (shown as a countdown; the candidate may go over)."""

    question_seconds: int = Field(120, ge=15, le=1800, description="Time for one answer, in seconds.")
    by_evaluation: dict[str, int] = Field(
        default_factory=dict, description="Evaluation key -> time for one answer in that evaluation's oral."
    )

    def seconds(self, key: str) -> int:
        return self.by_evaluation.get(key, self.question_seconds)


class Vocabulary(_Model):
    """The whole vocabulary file."""

    title: str = Field(description="The title's name for display, with its accents.")
    title_kind: str = Field("titre RNCP", description="What the title is (« titre RNCP »).")
    display_titles: dict[str, str] = Field(
        default_factory=dict, description="Item id -> display title (the source may print titles in capitals)."
    )
    codes: CodeGrammar
    tools: list[str] = Field(description="Regex fragments naming tools and platforms (accent-folded).")
    kpis: list[str] = Field(description="Regex fragments naming indicators (accent-folded).")
    roles: list[str] = Field(description="Regex fragments naming roles, profiles and stakeholders.")
    glossary: dict[str, str] = Field(description="English (or informal) word -> the référentiel's French word.")
    synonyms: dict[str, list[str]] = Field(
        default_factory=dict, description="Concept -> folded forms that mean the same in the référentiel."
    )
    item_words: dict[ItemKind, list[str]] = Field(description="Words that name a kind of item (critère, épreuve).")
    list_markers: list[str] = Field(description="Words that make a question ask for a list (quels, which).")
    frame_words: list[str] = Field(description="Words that frame a question rather than name its topic.")
    format_words: dict[FormatConcept, list[str]] = Field(
        default_factory=dict, description="Words that ask about evaluation formats (group, individual, oral)."
    )
    suggested_questions: dict[Literal["candidate", "tutor", "admissions"], list[str]] = Field(
        default_factory=dict, description="A few questions per audience shown to first-time users of the chat."
    )
    generic_stems: list[str] = Field(
        default_factory=list, description="Stems too common to count as a key term of a question."
    )
    shape_terms: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Named facets of structure lines for the attendus' shapes (« total », « priority »…): regex"
        " fragments, accent-folded, matched as whole words in one row or item.",
    )

    oral: OralTiming = Field(default_factory=OralTiming, description="The mock jury's time per answer.")

    shape_labels: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Language -> shape term name -> how feedback names it when a table or list lacks it"
        " (« un total »).",
    )

    @field_validator("shape_terms")
    @classmethod
    def _valid_terms(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for fragments in value.values():
            for fragment in fragments:
                _check_regex(fragment)
        return value

    @cached_property
    def frame_set(self) -> frozenset[str]:
        """Frame words plus item words and list markers (none of them names a topic)."""
        words = set(self.frame_words) | set(self.list_markers)
        for forms in self.item_words.values():
            words.update(forms)
        return frozenset(words)

    def display(self, item_id: str, fallback: str) -> str:
        return self.display_titles.get(item_id) or fallback
