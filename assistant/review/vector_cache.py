"""On-disk cache of the attendus' embeddings, so a cold `check` does not embed them again.

The attendus are fixed data of the pack; embedding an evaluation's 20–30 attendus costs as much as
embedding a whole draft. Their vectors are kept in ``<data_dir>/cache/attendus-<digest>.json``; the
digest covers the embedder's model id and every attendu text, so a changed pack or model never
reads stale vectors. Any unreadable or unwritable cache is ignored (the vectors are recomputed).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from assistant.pack import Pack


def cache_file(cache_dir: Path, pack: Pack, model_id: str) -> Path:
    digest = hashlib.sha256(model_id.encode())
    for crit in pack.ref.criteria:
        for att in crit.attendus:
            digest.update(f"{att.id}\0{att.label}\0{att.evidence}\n".encode())
    return cache_dir / f"attendus-{digest.hexdigest()[:16]}.json"


def read_vectors(path: Path) -> dict[str, list[float]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): [float(x) for x in v] for k, v in data.items() if isinstance(v, list)}


def write_vectors(path: Path, vectors: dict[str, list[float]]) -> None:
    """Atomic write (a concurrent reader sees the old file or the new one, never half of one)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".attendus-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(vectors, out)
        os.replace(tmp, path)
    except OSError:
        return
