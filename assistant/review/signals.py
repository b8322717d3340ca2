"""Substance signals: what a passage *contains* beyond vocabulary (amounts, dates, tools, KPIs…).

Repeating a criterion's words is not evidence. Each attendu names the kinds of substance a passage
must hold (see docs/content-conventions.md); these detectors find them in draft text. The title's own
word lists (tools, indicators, roles) come from the pack's vocabulary; the rest is plain French/English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.pack.vocabulary import Vocabulary
from assistant.text.fold import fold

_NUM = r"\d[\d\s\u202f\u00a0.,]*"
AMOUNT = re.compile(rf"({_NUM}\s?(€|eur\b|euros?\b|k€|m€|keur)|€\s?\d|\b\d+\s?k\s?€)", re.IGNORECASE)
PERCENT = re.compile(r"\d+([.,]\d+)?\s?%")
NUMBER = re.compile(r"(?<![\w])\d{2,}(?:[\s\u202f\u00a0.,]\d{3})*(?:[.,]\d+)?(?![\w])|\b\d+([.,]\d+)?\s?(x|k|m)\b")
MONTHS = (
    "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
DATE = re.compile(
    rf"\b(\d{{1,2}}[/.-]\d{{1,2}}([/.-]\d{{2,4}})?|\d{{1,2}}(er)? ({MONTHS})|({MONTHS}) \d{{4}}|20\d\d|"
    r"s\s?\d{1,2}|semaines? \d+|week \d+|j\s?[-+]\s?\d+|m\s?\+\s?\d+|t[1-4]|q[1-4]|sprint \d+|phase \d+|"
    r"jalons?|milestones?|\d+\s?(jours|semaines|mois|weeks|months|days))\b",
    re.IGNORECASE,
)
REASON = re.compile(
    r"\b(car|parce que|puisque|afin de|afin que|pour que|donc|c'est pourquoi|grace a|compte tenu|"
    r"en raison|ce qui|ce qui explique|justifi\w*|because|so that|therefore|since|given|explique|"
    r"montre que|demontre|d'ou|au vu de|selon|d'apres)\b",
    re.IGNORECASE,
)
COMPARISON = re.compile(
    r"\b(vs\.?|versus|par rapport|compare\w*|contre|concurren\w*|benchmark\w*|plus (que|eleve|faible)|"
    r"moins (que|eleve)|ecarts?|superieur|inferieur|objectif|prevu|realise|alors que|tandis que|"
    r"avant|apres|meilleur|moyenne du secteur|competitor\w*|gap|against)\b",
    re.IGNORECASE,
)
VERBATIM = re.compile(r"«[^»]{8,}»|\"[^\"]{8,}\"|“[^”]{8,}”|\b(verbatim|temoignage|a declare|selon un client)\b")
LIST_LINE = re.compile(r"^\s*([-*•]|\d+[.)])\s+", re.MULTILINE)
# Saying "une matrice" is not showing one: only real layout counts (tables, lists, numbered steps).
STRUCTURE_WORDS = re.compile(r"\b(etape \d|phase \d|step \d)\b", re.IGNORECASE)
# Work announced for later is not work shown: "sera formalisé plus tard", "à définir", "TBC".
DEFERRED = re.compile(
    r"\b(plus tard|ulterieurement|dans un second temps|a (definir|construire|preciser|completer|venir|confirmer)"
    r"|reste(nt)? a (faire|definir|construire|formaliser|preciser)|pas encore|non encore|prochainement"
    r"|to be (defined|confirmed|determined|decided|done|built)|not yet|later on|at a later stage|tbc|tbd|todo)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
# A capitalised word in the middle of a sentence (after a lowercase word): a brand, a tool, a person.
PROPER = re.compile(r"(?<=[a-zà-ÿ,] )[A-Z][A-Za-zà-ÿ0-9]+")


def _folded(text: str) -> str:
    return fold(text).replace("’", "'")


def _alternation(fragments: list[str]) -> str:
    return "|".join(fragments)


# Kinds that are cheap to fake with connectives or layout: they count only next to specifics.
WEAK_KINDS = {"reason", "comparison", "structure", "role"}


class Signals:
    """Substance detectors for one pack (its tools, indicators and roles)."""

    def __init__(self, vocab: Vocabulary, ids: Iterable[str] = ()) -> None:
        # The référentiel's own ids ("CR7", "EC1.2"): citing a criterion's code is not a specific.
        names = sorted(ids, key=len, reverse=True)
        self.ids = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])") if names else None
        self.tool = re.compile(rf"\b({_alternation(vocab.tools)})\b", re.IGNORECASE)
        self.kpi = re.compile(rf"({_alternation(vocab.kpis)})", re.IGNORECASE)
        self.role = re.compile(rf"\b({_alternation(vocab.roles)})\b", re.IGNORECASE)

    def has(self, kind: str, text: str, is_table: bool = False) -> bool:
        folded = _folded(text)
        if kind == "amount":
            return bool(AMOUNT.search(text))
        if kind == "figure":
            return bool(PERCENT.search(text) or NUMBER.search(text) or AMOUNT.search(text))
        if kind == "date":
            return bool(DATE.search(folded))
        if kind == "tool":
            return bool(self.tool.search(folded))
        if kind == "kpi":
            return bool(self.kpi.search(folded)) and self.has("figure", text)
        if kind == "role":
            return bool(self.role.search(folded))
        if kind == "reason":
            return bool(REASON.search(folded))
        if kind == "comparison":
            return bool(COMPARISON.search(folded)) or (is_table and text.count("\n") >= 2)
        if kind == "verbatim":
            return bool(VERBATIM.search(folded) or VERBATIM.search(text))
        if kind == "structure":
            return is_table or len(LIST_LINE.findall(text)) >= 3 or bool(STRUCTURE_WORDS.search(folded))
        raise ValueError(f"unknown substance kind: {kind}")

    @staticmethod
    def deferred(text: str) -> bool:
        """Does ``text`` announce work for later instead of showing it?"""
        return bool(DEFERRED.search(_folded(text)))

    def shown(self, text: str) -> str:
        """``text`` without its sentences (or lines) that defer the work: what the draft actually shows."""
        if not DEFERRED.search(_folded(text)):
            return text
        return "\n".join(part for part in _SENTENCE_END.split(text) if part.strip() and not self.deferred(part))

    def kinds_present(self, text: str, is_table: bool) -> set[str]:
        return {kind for kind in KINDS if self.has(kind, text, is_table)}

    def specifics(self, text: str, common: set[str] | frozenset[str] = frozenset()) -> int:
        """How many concrete specifics a passage holds (numbers, amounts, dates, named tools, proper names, quotes).

        Words of ``common`` (the référentiel's own vocabulary, e.g. "RFM") and its ids are not specifics.
        """
        if self.ids is not None:
            text = self.ids.sub(" ", text)
        folded = _folded(text)
        count = len(NUMBER.findall(text)) + len(PERCENT.findall(text)) + len(AMOUNT.findall(text))
        count += len(self.tool.findall(folded)) + len(VERBATIM.findall(text))
        count += len(DATE.findall(folded))
        count += len(self.names(text, common))
        return count

    def names(self, text: str, common: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Capitalised words in mid-sentence (brands, tools, people, places), minus the référentiel's words and ids."""
        if self.ids is not None:
            text = self.ids.sub(" ", text)
        return [m for m in PROPER.findall(text) if len(m) > 2 and fold(m) not in common]


KINDS = ("amount", "figure", "date", "tool", "kpi", "role", "reason", "comparison", "verbatim", "structure")
