"""Verified evidence: every quote shown must be found verbatim in one passage of the draft.

Matching is fuzzy only in whitespace, case, quotes/apostrophes and dashes; it never spans two
passages (a quote stitched from separate places is not a quote). A table or list excerpt (several
lines: a header and some rows, or some items) is verified line by line, every line in the same passage.
"""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
_TRANS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_TRANS).lower()
    text = text.replace("**", "").replace("__", "")
    return _WS.sub(" ", text).strip(" .;:")


def verify_quote(quote: str, passages: list[str]) -> int | None:
    """Index of the passage that contains ``quote`` (normalised), or None.

    A multi-line quote (an excerpt) is found when each of its lines is a line of one passage.
    """
    q = normalise(quote)
    if len(q) < 12:
        return None
    lines = [normalise(line) for line in quote.split("\n") if line.strip()]
    for i, passage in enumerate(passages):
        if len(lines) > 1:
            own = {normalise(line) for line in passage.split("\n")}
            if all(line in own or any(line in o for o in own) for line in lines):
                return i
        elif q in normalise(passage):
            return i
    return None


def shorten(sentence: str, limit: int = 320) -> str:
    """A quote no longer than ``limit``, cut at a word boundary (still a verbatim prefix)."""
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0]
