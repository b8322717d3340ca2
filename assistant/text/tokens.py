"""Tokens for keyword matching: accents folded, French stop words dropped, Snowball stems, codes kept whole.

Indexing and queries must use exactly the same arguments, so everything goes through this module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import bm25s
import Stemmer

from assistant.text.fold import fold

# Keeps codes such as "cr1-2", "b5-opt1", "ec1.2" as single tokens; drops 1-char tokens except digits in codes.
TOKEN_PATTERN = r"(?u)\b\w+(?:[-./]\w+)+\b|\b\w\w+\b"
STEMMER = Stemmer.Stemmer("french")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def prepare(texts: Sequence[str]) -> list[str]:
    return [fold(t) for t in texts]


def bm25_tokens(texts: Sequence[str], *, return_ids: bool) -> object:
    """bm25s tokenisation with the project's arguments (ids for indexing, strings for queries)."""
    return bm25s.tokenize(
        prepare(texts),
        token_pattern=TOKEN_PATTERN,
        stopwords="fr",
        stemmer=STEMMER,
        show_progress=False,
        return_ids=return_ids,
    )


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Stemmed keyword tokens of each text."""
    tokens = bm25_tokens(texts, return_ids=False)
    return [list(t) for t in tokens]  # type: ignore[attr-defined]


def words(text: str) -> list[str]:
    """Folded words (hyphenated words kept whole), no stemming, no stop-word removal."""
    return _WORD.findall(fold(text).replace("’", "'"))


def stem(word: str) -> str:
    return str(STEMMER.stemWord(word))
