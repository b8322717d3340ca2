"""Does a passage hold what the question asks about? Key terms, weighted by rarity, checked in the text.

A question's *key terms* are its content stems after the pack's glossary (English and informal words
to the référentiel's French), without stop words, frame words, item words, codes and the domain's
generic stems (the ones found in a large share of the indexed passages, e.g. « projet »). Each key
term weighs its IDF over the indexed passages; a term no passage holds weighs the most. The
*coverage* of a set of texts is the weighted share of key terms they hold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from assistant.pack import Pack
from assistant.settings import AnswerSettings
from assistant.text.fold import fold
from assistant.text.stopwords import ENGLISH
from assistant.text.tokens import stem, tokenize, words

_EN_STOP = ENGLISH
# "est-il", "puis-je", "qu'est-ce": a verb and its pronoun, not a word of the domain.
_PRONOUNS = frozenset({"il", "elle", "ils", "elles", "on", "je", "j", "tu", "nous", "vous", "ce", "t"})


class KeyTerms:
    """Key-term extraction and coverage for one pack and one set of indexed passages."""

    def __init__(self, pack: Pack, texts: Iterable[str], settings: AnswerSettings | None = None,
                 tokens: list[list[str]] | None = None) -> None:  # fmt: skip
        """``tokens``: the texts already tokenized, when the caller has them."""
        self.pack = pack
        self.settings = settings or AnswerSettings()
        df: dict[str, int] = {}
        batch = tokens if tokens is not None else tokenize(list(texts))  # one batched call: this is start-up time
        for toks in batch:
            for s in set(toks):
                df[s] = df.get(s, 0) + 1
        self.n = max(len(batch), 1)
        self.df = df
        vocab = pack.vocab
        frame = {stem(w) for w in vocab.frame_set} | set(vocab.frame_set) | set(vocab.generic_stems)
        common = {s for s, count in df.items() if count / self.n > self.settings.generic_share}
        self.generic = frozenset(frame | common)
        self.frame = frozenset(vocab.frame_set)
        self.glossary = dict(vocab.glossary)
        self.codes = frozenset(fold(code) for code in pack.ref.codes())

    def idf(self, s: str) -> float:
        return math.log((self.n + 1) / (1 + self.df.get(s, 0)))

    def translate(self, question: str) -> str:
        """The question with glossary words replaced by the référentiel's words (English -> French)."""
        glossary = self.glossary
        out: list[str] = []
        for word in words(question):
            # "est-il", "puis-je": a verb and its pronoun; codes ("cr1-2") stay whole.
            parts = word.split("-")
            whole = any(ch.isdigit() for ch in word) or len(parts) == 1
            whole = whole or (stem(word) in self.df and parts[-1] not in _PRONOUNS)
            for w in [word] if whole else parts:
                if w in glossary:
                    out.append(glossary[w])
                elif w not in _EN_STOP and w not in self.frame:
                    out.append(w)
        return " ".join(out)

    def terms(self, question: str) -> dict[str, float]:
        """Key stems of ``question`` with their weights."""
        out: dict[str, float] = {}
        for s in tokenize([self.translate(question)])[0]:
            if s in self.generic or s in self.codes or s.isdigit() or len(s) < 3:
                continue
            out[s] = self.idf(s)
        return out

    def coverage(self, terms: dict[str, float], texts: Iterable[str]) -> float:
        """Weighted share of ``terms`` held by ``texts`` (1.0 when there is no key term)."""
        total = sum(terms.values())
        if total <= 0:
            return 1.0
        items = list(texts)
        held = {s for toks in tokenize(items) for s in toks} if items else set()
        return sum(w for s, w in terms.items() if s in held) / total

    def overlap(self, terms: dict[str, float], text: str) -> float:
        """Summed weight of the ``terms`` that ``text`` holds (rare shared words weigh the most)."""
        held = set(tokenize([text])[0])
        return sum(w for s, w in terms.items() if s in held)

    def holds_any(self, terms: dict[str, float], text: str) -> bool:
        return bool(set(terms) & set(tokenize([text])[0]))
