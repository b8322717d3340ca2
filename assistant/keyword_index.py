"""French BM25 (bm25s + Snowball): lowercase, accents folded, French stop words, codes kept whole."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer

from assistant.referentiel.codes import fold

# Keeps "cr1-2", "cs2-4", "e5-opt2" as single tokens; drops 1-char tokens except digits in codes.
TOKEN_PATTERN = r"(?u)\b\w+(?:[-./]\w+)+\b|\b\w\w+\b"
_STEMMER = Stemmer.Stemmer("french")


def _prepare(texts: Sequence[str]) -> list[str]:
    return [fold(t) for t in texts]


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    tokens = bm25s.tokenize(
        _prepare(texts),
        token_pattern=TOKEN_PATTERN,
        stopwords="fr",
        stemmer=_STEMMER,
        show_progress=False,
        return_ids=False,
    )
    return [list(t) for t in tokens]


class KeywordIndex:
    """In-memory BM25 over chunk texts (rebuilt from the store: a few thousand chunks take < 1 s)."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self.ids = list(ids)
        self._bm25 = bm25s.BM25()
        if self.ids:
            corpus_tokens = bm25s.tokenize(
                _prepare(texts), token_pattern=TOKEN_PATTERN, stopwords="fr", stemmer=_STEMMER, show_progress=False
            )
            self._bm25.index(corpus_tokens, show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first; only positive scores."""
        if not self.ids:
            return []
        q = tokenize([query])
        if not q[0]:
            return []
        k = min(k, len(self.ids))
        docs, scores = self._bm25.retrieve(q, k=k, show_progress=False, n_threads=1)
        out = []
        for idx, score in zip(np.asarray(docs)[0], np.asarray(scores)[0], strict=True):
            if score > 0:
                out.append((self.ids[int(idx)], float(score)))
        return out
