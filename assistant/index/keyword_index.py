"""BM25 over chunk texts, with the tokens of :mod:`assistant.text.tokens`.

Lucene's variant: ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` and a term-frequency part
``tf / (tf + k1 · (1 - b + b · len / avg_len))``; a query's score is the sum over its tokens
(a repeated query token counts again). Postings are plain dicts: a corpus of a few thousand chunks
is indexed in milliseconds and nothing heavier than the standard library is imported, which keeps
the CLI's cold start short.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from assistant.text.tokens import tokenize

K1 = 1.5
B = 0.75


class KeywordIndex:
    """In-memory BM25 over chunk texts (rebuilt from the store at start-up)."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str], tokenized: Sequence[list[str]] | None = None) -> None:
        """``tokenized``: the texts already tokenized (start-up tokenizes the passages once for every user)."""
        self.ids = list(ids)
        docs = list(tokenized) if tokenized is not None else (tokenize(texts) if self.ids else [])
        lengths = [len(tokens) for tokens in docs]
        average = (sum(lengths) / len(lengths)) if lengths and sum(lengths) else 1.0
        postings: dict[str, list[tuple[int, float]]] = {}
        for position, tokens in enumerate(docs):
            norm = K1 * (1 - B + B * lengths[position] / average)
            for token, tf in Counter(tokens).items():
                postings.setdefault(token, []).append((position, tf / (tf + norm)))
        n = len(docs)
        self._postings = postings
        self._idf = {token: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for token, p in postings.items()}

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first; only positive scores; ties in index order."""
        if not self.ids:
            return []
        scores: dict[int, float] = {}
        for token in tokenize([query])[0]:
            idf = self._idf.get(token)
            if idf is None:
                continue
            for position, part in self._postings[token]:
                scores[position] = scores.get(position, 0.0) + idf * part
        ranked = sorted((item for item in scores.items() if item[1] > 0), key=lambda item: (-item[1], item[0]))
        return [(self.ids[position], score) for position, score in ranked[: max(k, 0)]]
