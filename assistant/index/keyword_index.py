"""French BM25 over chunk texts (bm25s), with the tokens of :mod:`assistant.text.tokens`."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np

from assistant.text.tokens import bm25_tokens, tokenize


class KeywordIndex:
    """In-memory BM25 over chunk texts (rebuilt from the store: a few thousand chunks take < 1 s)."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self.ids = list(ids)
        self._bm25 = bm25s.BM25()
        if self.ids:
            self._bm25.index(bm25_tokens(texts, return_ids=True), show_progress=False)

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
