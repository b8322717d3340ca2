"""Real outputs of the tiny model (Gemma 3 270M under llama.cpp), recorded by scripts/record_llm_outputs.py
for our answer prompts: whatever it wrote, what the user would be shown is clean, or it is discarded.

Every recorded output is discarded (the tiny model echoes its prompt), so hand-written fixtures, marked as
such in their ``origin`` field, are kept by the rules: the checks on a shown answer run on them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.answer.llm_answer import clean_citations
from assistant.answer.llm_checks import discard_reason
from assistant.safety.guard import guard_output, prompt_fragments

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "llm_outputs").glob("*.json"))
_TAG = re.compile(r"</?[a-z]+[^>]*>", re.IGNORECASE)


def load(path: Path) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return record


def hand_written(record: dict[str, Any]) -> bool:
    return str(record.get("origin", "")).startswith("hand-written")


def shown(record: dict[str, Any]) -> tuple[str, str | None]:
    """What the answer path would show for this output, and why it would be discarded (None: it is kept)."""
    guarded, removed = guard_output(record["output"], record["sources_text"])
    text, kept, _ = clean_citations(guarded, set(record["ranks"]))
    reason = discard_reason(text, removed=removed, kept_citations=kept, sources_text=record["sources_text"],
                            lang=record["lang"])  # fmt: skip
    return text, reason


def test_outputs_were_recorded() -> None:
    assert len([p for p in FIXTURES if not hand_written(load(p))]) >= 5


def test_both_paths_are_exercised() -> None:
    # The parametrized test below checks a shown answer only when one is kept: some must be kept, and
    # some discarded; every hand-written fixture was written to be kept.
    reasons = {p.stem: shown(load(p))[1] for p in FIXTURES}
    kept = [stem for stem, reason in reasons.items() if reason is None]
    discarded = [stem for stem, reason in reasons.items() if reason is not None]
    assert kept and discarded, reasons
    assert all(reasons[p.stem] is None for p in FIXTURES if hand_written(load(p))), reasons


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_a_recorded_output_is_shown_clean_or_discarded(path: Path) -> None:
    record = load(path)
    text, reason = shown(record)
    if reason is not None:
        return  # discarded whole: the offline answer is shown instead
    flat = " ".join(text.split()).lower()
    assert not any(fragment in flat for fragment in prompt_fragments())
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert cited and cited <= set(record["ranks"]), cited
    assert not _TAG.search(text), text
    assert len(flat.split()) >= 8  # a real answer, not what is left of one
