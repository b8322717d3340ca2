"""Is the question answerable from our documents?

Out-of-scope questions reuse in-domain words ("E1", "dossier écrit", "soutenance") and score like
in-scope ones, so a retrieval score cannot catch them. We look at the *kind of fact* asked instead:
the référentiel holds no fee, date, duration, page/word count, group size, pass mark, weighting,
RNCP number or contact detail. Those come only from the school file (corpus/ecole.yaml), and when its
field is empty the honest answer is a refusal with the school contact. Requests the assistant is not
for (poems, jokes, general knowledge with no anchor in the corpus) are refused too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.fold import fold

# fact kind -> (patterns on the folded question, school fields that may hold the answer)
FACT_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fee": (
        (r"\bcombien (ca |cela )?(coute|coutent)", r"\b(prix|tarif|tarifs|frais|cout de la formation|financement)\b",
         r"\b(fees?|cost|costs|price|tuition)\b", r"\bhow much\b"),
        ("tuition_fees",),
    ),
    "date": (
        (r"\b(date|dates|deadline|calendrier|rentree)\b", r"^(c'?(est)? ?)?quand\b", r"\bc'?est quand\b",
         r"\bquand (est|a lieu|commence|se passe|debute|sont|aura)\b", r"\bwhen (is|are|does|do|will|can)\b",
         r"\b(prochaine session|date limite)\b"),
        ("session_dates", "exam_dates"),
    ),
    "duration": (
        (r"\bcombien de (temps|minutes|heures|jours|semaines|mois|ans|annees)\b", r"\bduree\b",
         r"\b(dure|durent|durera) combien\b", r"\bcombien de temps\b", r"\bhow long\b", r"\b(dure|durent)\b.*\?",
         r"\bduration\b"),
        ("programme_duration", "exam_dates"),
    ),
    "count": (
        (r"\bcombien de (pages|mots|slides|diapositives|caracteres|candidats|personnes|etudiants|membres|places)\b",
         r"\bhow many (pages|words|slides|students|people|candidates|members)\b", r"\b(nombre|limite) de pages\b",
         r"\bpage limit\b"),
        ("page_limits",),
    ),
    "grading": (
        (r"\bnote (minimale|minimum|eliminatoire|finale)\b", r"\b(coefficient|coefficients|ponderation|bareme)\b",
         r"\b(moyenne|rattrapage)\b", r"\b(pass mark|passing grade|weighting|weight of|resit)\b",
         r"\bsur combien\b", r"\bnote(e|s)? sur\b"),
        ("pass_rules",),
    ),
    "rncp": ((r"\b(numero|code|number) (rncp|de la fiche)\b", r"\brncp (number|numero|level|niveau)\b",
              r"\bniveau (rncp|de la certification|du titre|bac)\b"), ("rncp_number", "rncp_level")),
    "contact": ((r"\b(adresse e-?mail|e-?mail|mail|telephone|phone number|numero de telephone)\b",),
                ("referent_handicap",)),
    "place": ((r"\bou (se trouve|a lieu|est situe)\b", r"\b(adresse|campus)\b", r"\bwhere is (the )?(school|campus)\b"),
              ("location",)),
}  # fmt: skip

NOT_OUR_JOB = (
    r"\b(poeme|poesie|poem|chanson|song|blague|joke|haiku|recette|recipe|horoscope)\b",
    r"\b(ecris|ecrire|redige|rediger|write|compose)[- ]?(moi|me)?\b.*"
    r"\b(histoire|story|lettre de motivation|dissertation)\b",
    r"\b(meteo|weather|horoscope|football|bitcoin)\b",
)


# Fact kinds the référentiel *can* hold in a few places ("vision annuelle et à 3 ans", "sur plusieurs
# semaines"): the question is answerable when a retrieved référentiel passage holds such an expression.
EVIDENCE_PATTERNS: dict[str, str] = {
    "duration": r"\b(\d+\s*(ans|an|mois|semaines|jours|heures|minutes|h)\b|annuel\w*|plusieurs (semaines|mois))",
    "date": r"\b(\d{1,2}/\d{1,2}(/\d{2,4})?|(janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre"
    r"|novembre|decembre) \d{4})\b",
    "count": r"\b\d+\s*(pages|mots|slides|diapositives|candidats|personnes|membres)\b",
}


def holds_fact(kind: str, texts: list[str]) -> bool:
    """Does one of ``texts`` express a fact of ``kind`` (e.g. a duration)?"""
    pattern = EVIDENCE_PATTERNS.get(kind)
    if pattern is None:
        return False
    return any(re.search(pattern, fold(text)) for text in texts)


@dataclass
class ScopeDecision:
    in_scope: bool
    fact_kind: str | None = None
    fields: tuple[str, ...] = ()
    reason: str = ""


def assess_scope(question: str, domain_anchor: bool) -> ScopeDecision:
    """Decide before answering. ``domain_anchor``: the question shares vocabulary with the référentiel."""
    q = fold(question).replace("’", "'")
    for pattern in NOT_OUR_JOB:
        if re.search(pattern, q):
            return ScopeDecision(False, reason="not_our_job")
    for kind, (patterns, fields) in FACT_KINDS.items():
        if any(re.search(p, q) for p in patterns):
            return ScopeDecision(False, fact_kind=kind, fields=fields, reason="fact_not_in_referentiel")
    if not domain_anchor:
        return ScopeDecision(False, reason="no_domain_anchor")
    return ScopeDecision(True)
