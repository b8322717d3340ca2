"""Word-level rules of PDF layout recovery: list markers, page numbers, joining wrapped lines.

Joining two lines of one paragraph normally puts a space between them. A line that ends with a
hyphen glued to a word, before a line starting in lower case, is either hyphenation added by the
layout engine ("straté-" + "gie") or a compound broken at its own hyphen ("e-" + "commerce",
which LibreOffice and Word do, and which they do not hyphenate by default). The document decides:

* the hyphenated or the joined form seen elsewhere in its text, a usual prefix ("e-", "post-") or
  a clitic ("-vous", "-les") settle a break;
* other breaks follow the document's habit, as shown by the settled ones or, with none settled,
  by how often lines end with a cut word (hyphenation cuts one every few lines); halves that are
  both words of the document keep their hyphen anyway.

A word too long for a narrow table column is cut without a hyphen (see ``may_glue``).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

BULLET_GLYPHS = "•◦▪▫●○■□‣⁃∙·\uf0b7\uf0a7\uf0a8\uf076\uf0d8\uf0fc\uf06e\uf0e0"
"""Bullets shown as "•" (the private-use ones come from Symbol and Wingdings fonts)."""

_NUMBER = r"(?:\d{1,3}[.)]|[a-zA-Z]\))"
_SEPARATE_MARKER = re.compile(rf"^(?:[{BULLET_GLYPHS}*o\-–—]|{_NUMBER})$")
"""A marker drawn apart from its text (its own run, followed by a gap)."""
_INLINE_MARKER = re.compile(rf"^(?:([{BULLET_GLYPHS}\-–])|(\d{{1,3}}[.)]|[a-z]\)))\s+(?=\S)")
"""A marker at the start of a line's text, followed by a space."""
# Line breaking (Unicode UAX #14) never cuts before closing punctuation and around quotes.
_NO_BREAK_BEFORE = frozenset('!?:;,.)]}»›”’"/')
_NO_BREAK_AFTER = frozenset(["«", "‹", "“", "‘", '"', "(", "["])
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.)\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:/|sur|of|de)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_](?:[\w'’]|-(?=\w))*", re.UNICODE)
_GLUED_HYPHEN = re.compile(r"([^\W\d_][\w'’-]*)[-\u2010]$")
_SOFT_HYPHEN = "\u00ad"
HYPHENATED_LINES = 40  # a document that hyphenates cuts at least one line in this many
MAX_PIECE = 2  # letters: the end of a word cut in a narrow column, when the word is not known
_PREFIXES = frozenset(
    [
        "e",
        "co",
        "anti",
        "auto",
        "multi",
        "post",
        "pré",
        "pre",
        "semi",
        "non",
        "ex",
        "ci",
        "mi",
        "demi",
        "sous",
        "contre",
        "extra",
        "inter",
        "intra",
        "micro",
        "mini",
        "néo",
        "neo",
        "pseudo",
        "quasi",
        "self",
        "super",
        "ultra",
        "vice",
        "arrière",
        "avant",
        "après",
    ]
)


# Words that follow a hyphen in French compounds and inversions ("rendez-vous", "essayez-les").
_ENCLITICS = frozenset(
    [
        "je",
        "tu",
        "il",
        "elle",
        "on",
        "nous",
        "vous",
        "ils",
        "elles",
        "le",
        "la",
        "les",
        "lui",
        "leur",
        "moi",
        "toi",
        "en",
        "y",
        "là",
        "ci",
        "même",
        "mêmes",
        "t",
        "dessus",
        "dessous",
    ]
)


def separate_marker(text: str) -> str | None:
    """The displayed marker ("•" or "1.") when ``text`` is a list marker standing alone."""
    text = text.strip()
    if not _SEPARATE_MARKER.match(text):
        return None
    return text if text[0].isalnum() and text != "o" else "•"


def inline_marker(text: str) -> tuple[str, str] | None:
    """``(marker, rest)`` when ``text`` starts with a list marker then a space."""
    match = _INLINE_MARKER.match(text)
    if match is None:
        return None
    marker = "•" if match.group(1) else match.group(2)
    return marker, text[match.end() :]


def first_chunk(text: str) -> str:
    """The first word of ``text`` with what may not be cut from it ("pilotes :", "« Prospects »")."""
    tokens = text.split()
    if not tokens:
        return ""
    chunk = [tokens[0]]
    for token in tokens[1:]:
        if token[0] not in _NO_BREAK_BEFORE and chunk[-1] not in _NO_BREAK_AFTER:
            break
        chunk.append(token)
    return " ".join(chunk)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(" ".join(text.split())))


class Joiner:
    """Joins the wrapped lines of a paragraph or a table cell, undoing hyphenation."""

    def __init__(self, lines: list[str]) -> None:
        """``lines``: the text of every line (or table cell line) of the document, in reading order."""
        self.counts: Counter[str] = Counter()
        self.inner_heads: Counter[str] = Counter()
        """Words seen before the end of a line (the first half of a cut word never is)."""
        self.inner_tails: Counter[str] = Counter()
        """Words seen after the start of a line (the second half of a cut word never is)."""
        for line in lines:
            tokens = _WORD.findall(line.lower())
            self.counts.update(tokens)
            self.counts.update(part for token in tokens if "-" in token for part in token.split("-"))
            pieces = line.lower().split()
            self.inner_heads.update(pieces[:-1])
            self.inner_tails.update(pieces[1:])
        # Does this document hyphenate words at line ends, or only break compounds at their hyphen?
        votes: Counter[bool | None] = Counter()
        for left, right in itertools.pairwise(lines):
            halves = self._halves(left, right)
            if halves is not None:
                votes[self._evidence(*halves)] += 1
        if votes[True] or votes[False]:
            self.hyphenates = votes[True] > votes[False]
        else:  # hyphenation cuts a word every few lines; a rare cut is a compound's hyphen
            self.hyphenates = votes[None] * HYPHENATED_LINES >= len(lines)

    def join(self, left: str, right: str) -> str:
        left, right = left.rstrip(), right.lstrip()
        if not left or not right:
            return left + right
        if left.endswith(_SOFT_HYPHEN):
            return left[:-1] + right
        halves = self._halves(left, right)
        if halves is not None:
            return left[:-1] + right if self._is_hyphenation(*halves) else left + right
        if len(left) > 1 and left[-1] in "-\u2010/–—" and not left[-2].isspace():
            return left + right  # "3-" + "4", "Saint-" + "Malo", "UX/" + "UI": broken after the mark
        if right[0] in ",.)":
            return left + right  # only a word too long for its column puts these at a line start
        return f"{left} {right}"

    @staticmethod
    def _halves(left: str, right: str) -> tuple[str, str] | None:
        """The two halves of a word cut after a hyphen, when the second starts in lower case."""
        glued = _GLUED_HYPHEN.search(left.rstrip())
        match = _WORD.match(right.lstrip())
        if glued is None or match is None or not match.group(0)[0].islower():
            return None
        return glued.group(1).lower(), match.group(0).lower()

    def _evidence(self, head: str, tail: str) -> bool | None:
        """True: hyphenation (the whole word is seen elsewhere); False: a compound; None: unknown."""
        if self.counts[f"{head}-{tail}"]:
            return False
        if self.counts[head + tail]:
            return True
        if "-" in head or head in _PREFIXES or tail in _ENCLITICS:
            return False  # "bouche-à-" + "oreille", "e-" + "commerce", "essayez-" + "les"
        return None

    def _is_hyphenation(self, head: str, tail: str) -> bool:
        evidence = self._evidence(head, tail)
        if evidence is not None:
            return evidence
        # Halves that are words of the document ("mots-" + "clés") are a compound anyway.
        return self.hyphenates and not (self.counts[head] >= 2 and self.counts[tail] >= 2)

    def may_glue(self, left: str, right: str) -> bool:
        """Can ``left`` + ``right`` (the halves of a word cut without a hyphen) be one word?

        Yes when the whole word is seen elsewhere in the document, or when the second half is a
        short piece ("acquisitio" + "n") and neither half is ever seen inside a line; two words
        ("des", "marques") stay apart.
        """
        if not (left and right and left[-1].isalpha() and right[0].isalpha() and right[0].islower()):
            return False
        head, tail = left.lower(), right.lower()
        if self.counts[head + tail]:
            return True
        return len(tail) <= MAX_PIECE and not (self.inner_heads[head] or self.inner_tails[tail])
