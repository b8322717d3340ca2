"""A start-up snapshot of the index: its passages and evidence sentences, read once and kept on local disk.

Every process that answers questions reads all the passages (for BM25 and the corpus object) and all the
evidence sentences with their vectors. Reading them from Chroma costs a few hundred milliseconds of every
cold `ask`; the snapshot (``<data_dir>/cache/snapshot-<key>.pkl``) costs a few milliseconds. Its key covers
the collection, the embedding model, the index's content version and the passage and sentence counts, so an
ingest (which changes the version) or any change of either collection makes a new snapshot. The file is
written by this application into its own data directory and read back only from there; an unreadable or
unwritable snapshot is ignored (the index is read instead).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.index.chunks import Chunk
from assistant.index.sentence_store import SentenceIndex, sentence_count
from assistant.index.store import VectorStore

log = logging.getLogger(__name__)
FORMAT = "1"  # bump when Chunk or SentenceIndex change shape


@dataclass
class Snapshot:
    chunks: list[Chunk]
    sentences: SentenceIndex


def _path(store: VectorStore, version: str) -> Path:
    key = "\0".join([FORMAT, store.name, store.embedding.model_id, version, str(store.count()),
                     str(sentence_count(store))])  # fmt: skip
    return store.settings.data_dir / "cache" / f"snapshot-{hashlib.sha256(key.encode()).hexdigest()[:20]}.pkl"


def load_snapshot(store: VectorStore, version: str) -> Snapshot:
    """The index's passages and sentences: from the snapshot when it matches the index, else from the index
    (and a new snapshot is written for the next process)."""
    path = _path(store, version)
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        with path.open("rb") as handle:
            chunks, ids, chunk_ids, positions, texts, matrix = pickle.load(handle)  # our own file (see above)
        return Snapshot(chunks, SentenceIndex(ids, chunk_ids, positions, texts, np.asarray(matrix)))
    snapshot = Snapshot(store.all_chunks(), SentenceIndex.load(store))
    if version:  # an index being built has no version yet: nothing stable to keep
        _write(path, snapshot)
    return snapshot


def _write(path: Path, snapshot: Snapshot) -> None:
    s = snapshot.sentences
    payload = (snapshot.chunks, s.ids, s.chunk_ids, s.positions, s.texts, s.matrix)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("snapshot-*.pkl"):  # one snapshot per data directory
            with contextlib.suppress(OSError):
                old.unlink()
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the new one
    except OSError as exc:
        log.warning("start-up snapshot not written (%s): the index is read at every start", exc)
