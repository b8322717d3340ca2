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
