"""The indexed corpus, built once at start-up: what retrieval and the composers read about the passages.

It holds the passages by id, the passage that *is* each item (not a course passage that mentions it), the
single IDF table of the passages (:class:`~assistant.retrieve.evidence.KeyTerms`: key terms, coverage,
rare shared words), the narrowing of containers to their members, and the course sheets.
"""

from __future__ import annotations

from assistant.index.chunks import Chunk
from assistant.pack import Pack
from assistant.retrieve.evidence import KeyTerms
from assistant.retrieve.narrow import Narrower
from assistant.settings import AnswerSettings
from assistant.text.tokens import tokenize


class Corpus:
    def __init__(self, pack: Pack, chunks: list[Chunk], settings: AnswerSettings | None = None) -> None:
        self.pack = pack
        self.tokens = tokenize([c.text for c in chunks])  # once, for the IDF table and for BM25
        self.by_id: dict[str, Chunk] = {c.id: c for c in chunks}
        # The chunk that *is* an item, by code (référentiel items first, then the pack's blocks).
        self.own: dict[str, list[str]] = {}
        for c in chunks:
            if c.doc_type == "referentiel" and c.kind != "block":
                for code in c.codes:
                    self.own.setdefault(code, []).append(c.id)
        for c in chunks:
            if c.kind == "block":
                for code in c.codes:
                    self.own.setdefault(code, []).append(c.id)
        self.key_terms = KeyTerms(pack, [c.text for c in chunks], settings, tokens=self.tokens)
        self.narrower = Narrower(pack, self.key_terms)
        # The first passage of each course sheet, by file stem (what a « to go further » line cites).
        self.sheets: dict[str, Chunk] = {}
        for c in sorted((c for c in chunks if c.doc_type == "cours"), key=_position):
            self.sheets.setdefault(c.source.rsplit("/", 1)[-1].rsplit(".", 1)[0], c)

    def __len__(self) -> int:
        return len(self.by_id)

    def item(self, kind: str, code: str) -> Chunk | None:
        """The référentiel passage of one item (``kind``: criterion, competency, evaluation…)."""
        return self.by_id.get(f"ref:{kind}:{code}")

    def sheet(self, md_path: str) -> Chunk | None:
        """The first passage of the course sheet at ``md_path`` (any rendering of it: .md, .pdf, .docx)."""
        return self.sheets.get(md_path.rsplit("/", 1)[-1].removesuffix(".md"))


def _position(chunk: Chunk) -> tuple[str, int]:
    tail = chunk.id.rsplit(":", 1)[-1]
    return chunk.source, int(tail) if tail.isdigit() else 0
