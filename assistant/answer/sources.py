"""Collect the passages an answer cites, numbering them [1], [2]… in order of first use."""

from __future__ import annotations

from assistant.answer.models import Source
from assistant.index.chunks import Chunk


class SourceBook:
    def __init__(self) -> None:
        self._ranks: dict[str, int] = {}
        self.sources: list[Source] = []

    def cite(self, chunk: Chunk) -> str:
        """The citation marker for ``chunk`` (adding it to the sources on first use)."""
        if chunk.id not in self._ranks:
            rank = len(self.sources) + 1
            self._ranks[chunk.id] = rank
            self.sources.append(
                Source(
                    rank=rank,
                    source=chunk.source,
                    page=chunk.page,
                    section=chunk.section,
                    codes=list(chunk.codes),
                    text=chunk.body,
                    title=chunk.title,
                )
            )
        return f"[{self._ranks[chunk.id]}]"

    def __len__(self) -> int:
        return len(self.sources)
