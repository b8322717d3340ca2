"""Sentence splitting shared by the answer and review layers."""

from __future__ import annotations

import re

# A full stop followed by a digit ("12.5", a code such as "EC1.2") does not end a sentence.
_SENTENCES = re.compile(r"(?:[^.!?\n]|\.(?=\d))+(?:[.!?]+|$)", re.MULTILINE)
_BOUNDARY = re.compile(r"(?<=[.!?;])\s+|\n+")


def split_sentences(text: str, min_chars: int = 12) -> list[str]:
    """Sentences of ``text`` (line breaks end a sentence), stripped; shorter than ``min_chars`` dropped."""
    return [s.strip() for s in _SENTENCES.findall(text) if len(s.strip()) >= min_chars]


def split_at_boundaries(text: str) -> list[str]:
    """Raw pieces between sentence punctuation followed by a space, and between lines (unstripped)."""
    return _BOUNDARY.split(text)


# Revision of :func:`evidence_sentences`; bumped when its output changes (the index stores its sentences).
EVIDENCE_REVISION = "2"
_MD_NOISE = re.compile(r"^\s*(?:[-*+]\s+(?:\[[ x]\]\s*)?|\d+\.\s+|#+\s+|>\s*)")
_HEADING = re.compile(r"^\s*#+\s")
_MIN_EVIDENCE_CHARS = 25
_MAX_EVIDENCE_CHARS = 420


def evidence_sentences(text: str) -> list[str]:
    """Sentences of a passage that can be quoted as evidence, in order.

    Markdown list and quote markers and bold are removed; headings (a Markdown ``#`` line, or a line in
    capitals), table rows (two pipes or more) and fragments under 25 characters are skipped: they name a
    topic without saying anything about it; a sentence longer than 420 characters is cut at a word
    boundary and ends with an ellipsis.
    """
    out = []
    for raw in split_at_boundaries(text):
        if _HEADING.match(raw):
            continue
        sentence = _MD_NOISE.sub("", raw).replace("**", "").strip()
        if sentence.count("|") >= 2 or len(sentence) < _MIN_EVIDENCE_CHARS or _shouted(sentence):
            continue  # table rows, fragments and titles in capitals make poor evidence
        if len(sentence) > _MAX_EVIDENCE_CHARS:
            sentence = sentence[: _MAX_EVIDENCE_CHARS - 1].rsplit(" ", 1)[0] + "…"
        out.append(sentence)
    return out


def _shouted(sentence: str) -> bool:
    """A title printed in capitals (« DEPLOYER LE PROJET DIGITAL DE LA MARQUE. »)."""
    letters = [ch for ch in sentence if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)
