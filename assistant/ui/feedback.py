"""The answer feedback log: ``<data_dir>/feedback/feedback.jsonl``, one JSON object per line.

What is logged: when a user rates an answer (👍/👎) on the question page, one line with the UTC
timestamp, the audience, the question, the answer text, the answering mode and the rating.
Nothing else: never a draft, a file name or a report from the "Vérifier mon livrable" page.

Retention: entries are kept until an administrator exports and purges them from the
Administration page (there is no automatic expiry). Questions are free text and may hold
personal details a user chose to type: purge the log regularly.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.settings import Settings

Rating = Literal["up", "down"]
FIELDS = ("timestamp", "audience", "question", "answer", "mode", "rating")

_lock = threading.Lock()  # sessions share one process: serialise appends


def feedback_path(settings: Settings) -> Path:
    return settings.data_dir / "feedback" / "feedback.jsonl"


def rating_from_thumbs(value: int) -> Rating:
    """``st.feedback("thumbs")`` returns 1 for 👍 and 0 for 👎."""
    return "up" if value == 1 else "down"


def append_feedback(
    path: Path, *, audience: str, question: str, answer: str, mode: str, rating: Rating
) -> dict[str, str]:
    """Append one record (and return it)."""
    record = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "audience": audience,
        "question": question,
        "answer": answer,
        "mode": mode,
        "rating": rating,
    }
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
    return record


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """Every record (lines that are not valid JSON objects are skipped)."""
    if not path.is_file():
        return []
    records: list[dict[str, Any]] = []
    with _lock:
        lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            records.append(value)
    return records


def export_feedback(path: Path) -> bytes:
    with _lock:
        return path.read_bytes() if path.is_file() else b""


def purge_feedback(path: Path) -> int:
    """Delete the log; returns how many records it held."""
    count = len(read_feedback(path))
    with _lock:
        path.unlink(missing_ok=True)
    return count
