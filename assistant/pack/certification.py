"""A certification pack: one RNCP title's référentiel, vocabulary, school file and course materials.

A pack is a folder laid out like ``corpus/`` (``JB_CORPUS_DIR`` selects it). :func:`load_pack`
reads it once per process and returns the domain object every layer above works from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.pack.codes import CodeParser
from assistant.pack.feedback import FeedbackTexts, load_feedback_texts
from assistant.pack.loader import (
    ATTENDUS_FILE,
    REFERENTIEL_FILE,
    ReferentielDataError,
    load_referentiel_from,
    load_vocabulary,
    source_path,
)
from assistant.pack.referentiel import SHAPE_FACETS, Referentiel
from assistant.pack.routes import ROUTES_FILE, Routes, load_routes
from assistant.pack.vocabulary import Vocabulary


@dataclass(frozen=True)
class Pack:
    root: Path
    ref: Referentiel
    vocab: Vocabulary
    codes: CodeParser = field(compare=False)
    feedback: FeedbackTexts = field(default_factory=FeedbackTexts, compare=False)
    routes: Routes | None = field(default=None, compare=False)  # the pack's intents (routes.yaml), if it has any

    @property
    def title(self) -> str:
        return self.vocab.title

    @property
    def headline(self) -> str:
        """« assistant du titre RNCP « … » » for about boxes and help texts."""
        return f"{self.vocab.title_kind} « {self.vocab.title} »"

    def display_title(self, item_id: str) -> str:
        """An item's title for display: the pack's accented form, else the data's (sentence case if capitals)."""
        fallback = ""
        kind = self.ref.codes().get(item_id)
        if kind == "bloc":
            fallback = self.ref.bloc(item_id).title
        elif kind == "evaluation":
            fallback = self.ref.bloc(self.ref.evaluation(item_id).bloc).title
        if fallback.isupper():
            fallback = fallback[:1] + fallback[1:].lower()
        if kind == "evaluation":
            item_id = self.ref.evaluation(item_id).bloc
        return self.vocab.display(item_id, fallback)

    def data_files(self) -> list[Path]:
        """The files the référentiel chunks are built from (their content is part of the index version)."""
        paths = [self.root / REFERENTIEL_FILE, self.root / ATTENDUS_FILE, source_path(self.root, self.ref)]
        return [p for p in paths if p.is_file()]


def pack_from(root: Path) -> Pack:
    """Read the pack's files now (ingestion uses this: the files may have changed since start-up)."""
    ref = load_referentiel_from(root)
    vocab = load_vocabulary(root)
    codes = CodeParser(vocab.codes, ref.codes())
    routes = load_routes(root) if (root / ROUTES_FILE).is_file() else None
    _check_shapes(ref, vocab)
    return Pack(root=root, ref=ref, vocab=vocab, codes=codes, feedback=load_feedback_texts(root), routes=routes)


def _check_shapes(ref: Referentiel, vocab: Vocabulary) -> None:
    """Every facet an attendu's shape names is the engine's or one of the pack's ``shape_terms``."""
    known = set(SHAPE_FACETS) | set(vocab.shape_terms)
    for crit in ref.criteria:
        for att in crit.attendus:
            unknown = sorted(set(att.shape.facets) - known) if att.shape else []
            if unknown:
                raise ReferentielDataError(
                    f"attendu {att.id}: unknown shape facet(s) {unknown}; known: {sorted(known)}"
                )


@lru_cache(maxsize=4)
def _cached(root: str) -> Pack:
    return pack_from(Path(root))


def load_pack(root: Path | None = None) -> Pack:
    """The pack at ``root`` (default: the configured ``corpus_dir``), cached per process."""
    if root is None:
        from assistant.settings import get_settings

        root = get_settings().corpus_dir
    return _cached(str(root.resolve()))
