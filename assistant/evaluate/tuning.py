"""What tuning scripts may read: the **tune** split of the dev sets, and nothing else.

Every script under ``scripts/`` that chooses a threshold (``sweep_*.py``) takes its questions and draft
labels from here; ``tests/test_tuning_scripts.py`` checks that none of them opens a test-split item and
that every setting described as tuned names the script that chose it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.evaluate.dataset import EVALS_DIR, EvalQuestion, load_questions
from assistant.evaluate.drafts_eval import load_labels


def tune_questions(evals_dir: Path = EVALS_DIR, question_set: str = "dev") -> list[EvalQuestion]:
    """The tune-split questions of ``question_set`` (the held-out test split is never returned)."""
    return [q for q in load_questions(evals_dir, question_set) if q.split == "tune"]


def tune_labels(evals_dir: Path = EVALS_DIR) -> list[dict[str, Any]]:
    """The tune-split draft labels of the Markdown/text originals (renderings are scored apart)."""
    return [e for e in load_labels(evals_dir, "tune") if not str(e["file"]).startswith("rendered/")]


def tune_draft_files(evals_dir: Path = EVALS_DIR) -> list[dict[str, Any]]:
    """Every tune-split labelled draft file: Markdown originals, office drafts and all their renderings."""
    return [e for e in load_labels(evals_dir, "tune") if e["split"] == "tune"]


def tune_oral_answers(evals_dir: Path = EVALS_DIR) -> list[dict[str, Any]]:
    """The tune-split labelled answers of the mock jury's set (evals/oral)."""
    from assistant.evaluate.oral_eval import load_answers

    return load_answers(evals_dir, "tune")
