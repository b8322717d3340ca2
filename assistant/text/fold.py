"""Accent and case folding for matching (never for display)."""

from __future__ import annotations

import unicodedata


class _FoldTable(dict[int, str]):
    """Per-character fold, computed once per character (str.translate calls __missing__)."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lowercase and strip accents (NFKD, combining marks dropped), character by character."""
    return text.translate(_TABLE)
