"""Is the question answerable from our documents?

Out-of-scope questions reuse in-domain words ("E1", "dossier écrit", "soutenance") and score like
in-scope ones, so a retrieval score cannot catch them. We look at the *kind of fact* asked instead
(the pack's ``fact_kinds``): a référentiel holds no fee, date, duration, page count, pass mark,
weighting, RNCP number or contact detail. Those come only from the school file (ecole.yaml), and when its
field is empty the honest answer is a refusal with the school contact. Requests the assistant is not
for (poems, jokes, general knowledge with no anchor in the corpus) are refused too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.pack.vocabulary import FactKind
from assistant.text.fold import fold

NOT_OUR_JOB = (
    r"\b(poeme|poesie|poem|chanson|song|blague|joke|haiku|recette|recipe|horoscope)\b",
    r"\b(ecris|ecrire|redige|rediger|write|compose)[- ]?(moi|me)?\b.*"
    r"\b(histoire|story|lettre de motivation|dissertation)\b",
    r"\b(meteo|weather|horoscope|football|bitcoin)\b",
)


def holds_fact(kind: FactKind, texts: list[str]) -> bool:
    """Does one of ``texts`` express a fact of ``kind`` (e.g. a duration)?"""
    if kind.evidence is None:
        return False
    return any(re.search(kind.evidence, fold(text)) for text in texts)


@dataclass
class ScopeDecision:
    in_scope: bool
    fact_kind: str | None = None
    fields: tuple[str, ...] = ()
    reason: str = ""
    weak_span: str = ""  # the question words that suggested the fact kind, when only a weak pattern did


def assess_scope(question: str, domain_anchor: bool, fact_kinds: dict[str, FactKind]) -> ScopeDecision:
    """Decide before answering. ``domain_anchor``: the question shares vocabulary with the référentiel;
    ``fact_kinds``: the pack's kinds of fact its référentiel does not hold."""
    q = fold(question).replace("’", "'")
    for pattern in NOT_OUR_JOB:
        if re.search(pattern, q):
            return ScopeDecision(False, reason="not_our_job")
    for name, kind in fact_kinds.items():
        if any(re.search(p, q) for p in kind.patterns):
            return ScopeDecision(False, fact_kind=name, fields=tuple(kind.fields), reason="fact_not_in_referentiel")
    for name, kind in fact_kinds.items():
        for pattern in kind.weak_patterns:
            if m := re.search(pattern, q):
                return ScopeDecision(False, fact_kind=name, fields=tuple(kind.fields), reason="fact_kind_suggested",
                                     weak_span=m.group(0))  # fmt: skip
    if not domain_anchor:
        return ScopeDecision(False, reason="no_domain_anchor")
    return ScopeDecision(True)
