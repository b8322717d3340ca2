"""Tokens for keyword matching: accents folded, French stop words dropped, Snowball stems, codes kept whole.

Indexing and queries must use exactly the same arguments, so everything goes through this module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import Stemmer

from assistant.text.fold import fold
from assistant.text.stopwords import FRENCH

# Keeps codes such as "cr1-2", "b5-opt1", "ec1.2" as single tokens; drops 1-char tokens except digits in codes.
TOKEN_PATTERN = r"(?u)\b\w+(?:[-./]\w+)+\b|\b\w\w+\b"
STEMMER = Stemmer.Stemmer("french")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TOKEN = re.compile(TOKEN_PATTERN)


def prepare(texts: Sequence[str]) -> list[str]:
    return [fold(t) for t in texts]


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Stemmed keyword tokens of each text: folded, lower-cased, French stop words out, Snowball stems."""
    out: list[list[str]] = []
    for text in prepare(texts):
        kept = [token for token in _TOKEN.findall(text.lower()) if token not in FRENCH]
        out.append(STEMMER.stemWords(kept) if kept else [])
    return out


def words(text: str) -> list[str]:
    """Folded words (hyphenated words kept whole), no stemming, no stop-word removal."""
    return _WORD.findall(fold(text).replace("’", "'"))


def stem(word: str) -> str:
    return str(STEMMER.stemWord(word))
