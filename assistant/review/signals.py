"""Substance signals: what a passage *contains* beyond vocabulary (amounts, dates, tools, KPIs…).

Repeating a criterion's words is not evidence. Each attendu names the kinds of substance a passage
must hold (see docs/content-conventions.md); these detectors find them in draft text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
TOOLS = (
    "ga4|google analytics|analytics|looker studio|data studio|power bi|tableau|semrush|ahrefs|similarweb|"
    "search console|matomo|hotjar|contentsquare|ab tasty|optimizely|kameleoon|google ads|meta ads|"
    "facebook ads|tiktok ads|linkedin ads|business manager|meta business suite|hootsuite|agorapulse|"
    "sprout social|talkwalker|brandwatch|mention|digimind|trello|slack|asana|notion|jira|monday|clickup|"
    "ms project|microsoft project|teams|miro|figma|canva|adobe|photoshop|illustrator|premiere|wordpress|"
    "shopify|prestashop|magento|woocommerce|webflow|hubspot|salesforce|brevo|sendinblue|mailchimp|klaviyo|"
    "splio|selligent|actito|zapier|make|dataiku|excel|google sheets|sheets|airtable|gantt|pixel|gtm|"
    "google tag manager|capi|conversions api|crm|cms|erp|pim|dam|chatgpt|lighthouse|wave|axe|"
    "typeform|google forms|qualtrics|surveymonkey|trustpilot|avis verifies|zendesk|intercom|"
    "instagram|tiktok|linkedin|facebook|youtube|pinterest|snapchat|x \\(twitter\\)|twitter|whatsapp"
)
TOOL = re.compile(rf"\b({TOOLS})\b", re.IGNORECASE)
KPI_NAMES = (
    "taux de conversion|taux de clics?|ctr|cpc|cpa|cpm|cac|roi|roas|panier moyen|taux de rebond|"
    "taux d'ouverture|taux d'engagement|engagement|nps|csat|reach|portee|impressions|abonnes|followers|"
    "sessions|visites|visiteurs|leads|churn|ltv|clv|chiffre d'affaires|\\bca\\b|taux de retention|"
    "taux de reachat|frequence d'achat|recence|montant|ventes|commandes|mise au panier|taux d'abandon|"
    "temps moyen|pages vues|inscriptions|telechargements|conversion rate|click-through|retention|revenue|"
    "kpis?|indicateurs?|objectif"
)
KPI = re.compile(rf"({KPI_NAMES})", re.IGNORECASE)
ROLE = re.compile(
    r"\b(chef(fe)? de projet|project manager|product owner|developpeu(r|se)s?|developer|ux|ui|designer|"
    r"graphiste|directeur|directrice|direction|responsable|manager|data analyst|analyste|community manager|"
    r"traffic manager|seo|sea|redacteu(r|rice)|content manager|freelances?|agence|prestataires?|"
    r"stagiaire|alternant|juriste|dpo|rssi|dsi|referent handicap|referente handicap|service client|"
    r"equipe|comite|client|sponsor|charge(e)? de|consultant|photographe|videaste|influenceu(r|se)s?|"
    r"beta[- ]testeurs?|personas?|segments?|cibles?|profils?)\b",
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
# A capitalised word in the middle of a sentence (after a lowercase word): a brand, a tool, a person.
PROPER = re.compile(r"(?<=[a-zà-ÿ,] )[A-Z][A-Za-zà-ÿ0-9]+")


def _folded(text: str) -> str:
    return fold(text).replace("’", "'")


def has_amount(text: str, is_table: bool = False) -> bool:
    return bool(AMOUNT.search(text))


def has_figure(text: str, is_table: bool = False) -> bool:
    return bool(PERCENT.search(text) or NUMBER.search(text) or AMOUNT.search(text))


def has_date(text: str, is_table: bool = False) -> bool:
    return bool(DATE.search(_folded(text)))


def has_tool(text: str, is_table: bool = False) -> bool:
    return bool(TOOL.search(_folded(text)))


def has_kpi(text: str, is_table: bool = False) -> bool:
    folded = _folded(text)
    return bool(KPI.search(folded)) and has_figure(text)


def has_role(text: str, is_table: bool = False) -> bool:
    return bool(ROLE.search(_folded(text)))


def has_reason(text: str, is_table: bool = False) -> bool:
    return bool(REASON.search(_folded(text)))


def has_comparison(text: str, is_table: bool = False) -> bool:
    return bool(COMPARISON.search(_folded(text))) or (is_table and text.count("\n") >= 2)


def has_verbatim(text: str, is_table: bool = False) -> bool:
    return bool(VERBATIM.search(_folded(text)) or VERBATIM.search(text))


def has_structure(text: str, is_table: bool = False) -> bool:
    return is_table or len(LIST_LINE.findall(text)) >= 3 or bool(STRUCTURE_WORDS.search(_folded(text)))


DETECTORS: dict[str, Callable[[str, bool], bool]] = {
    "amount": has_amount,
    "figure": has_figure,
    "date": has_date,
    "tool": has_tool,
    "kpi": has_kpi,
    "role": has_role,
    "reason": has_reason,
    "comparison": has_comparison,
    "verbatim": has_verbatim,
    "structure": has_structure,
}
# Kinds that are cheap to fake with connectives or layout: they count only next to specifics.
WEAK_KINDS = {"reason", "comparison", "structure", "role"}


def specifics(text: str, common: set[str] | frozenset[str] = frozenset()) -> int:
    """How many concrete specifics a passage holds (numbers, amounts, dates, named tools, proper names, quotes).

    Words of ``common`` (the référentiel's own vocabulary, e.g. "RFM") are not specifics.
    """
    folded = _folded(text)
    count = len(NUMBER.findall(text)) + len(PERCENT.findall(text)) + len(AMOUNT.findall(text))
    count += len(TOOL.findall(folded)) + len(VERBATIM.findall(text))
    count += len(DATE.findall(folded))
    count += len([m for m in PROPER.findall(text) if len(m) > 2 and fold(m) not in common])
    return count


def kinds_present(text: str, is_table: bool) -> set[str]:
    return {kind for kind, detect in DETECTORS.items() if detect(text, is_table)}
