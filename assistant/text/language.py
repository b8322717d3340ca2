"""Tiny language detector (French vs English) for routing the answer's framing text."""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["fr", "en"]

_EN = set(
    [
        "the",
        "what",
        "which",
        "where",
        "who",
        "how",
        "does",
        "do",
        "is",
        "are",
        "can",
        "could",
        "should",
        "would",
        "my",
        "our",
        "your",
        "of",
        "in",
        "on",
        "for",
        "with",
        "to",
        "and",
        "about",
        "this",
        "that",
        "these",
        "those",
        "exam",
        "assess",
        "assessed",
        "option",
        "criteria",
        "criterion",
        "skills",
        "when",
        "why",
    ]
)
_FR = set(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "un",
        "une",
        "est",
        "sont",
        "que",
        "qui",
        "quoi",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "comment",
        "pourquoi",
        "où",
        "ou",
        "et",
        "pour",
        "avec",
        "dans",
        "sur",
        "ce",
        "cette",
        "ces",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "tes",
        "je",
        "tu",
        "il",
        "elle",
        "on",
        "nous",
        "vous",
        "faut",
        "faire",
        "dit",
        "c",
        "critère",
        "épreuve",
        "evaluation",
        "évaluation",
    ]
)


def detect_language(text: str) -> Lang:
    words = re.findall(r"[a-zA-Zàâçéèêëîïôûùüÿœ']+", text.lower())
    en = sum(w in _EN for w in words)
    fr = sum(w in _FR for w in words)
    if re.search(r"[éèêàçùœ]", text):
        fr += 1
    return "en" if en > fr else "fr"
