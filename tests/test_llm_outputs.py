"""Real outputs of the tiny model (Gemma 3 270M under llama.cpp), recorded by scripts/record_llm_outputs.py
for our answer prompts: whatever it wrote, what the user would be shown is clean, or it is discarded."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.answer.llm_answer import clean_citations
from assistant.answer.llm_checks import discard_reason
from assistant.safety.guard import guard_output, prompt_fragments

RECORDED = sorted((Path(__file__).parent / "fixtures" / "llm_outputs").glob("*.json"))


def test_outputs_were_recorded() -> None:
    assert len(RECORDED) >= 5


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
def test_a_recorded_output_is_shown_clean_or_discarded(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    guarded, removed = guard_output(record["output"], record["sources_text"])
    text, kept, _ = clean_citations(guarded, set(record["ranks"]))
    reason = discard_reason(text, removed=removed, kept_citations=kept, sources_text=record["sources_text"],
                            lang=record["lang"])  # fmt: skip
    if reason is not None:
        return  # discarded whole: the offline answer is shown instead
    shown = " ".join(text.split()).lower()
    assert not any(fragment in shown for fragment in prompt_fragments())
    assert {int(n) for n in re.findall(r"\[(\d+)\]", text)} <= set(record["ranks"])
    assert "<" not in text or not re.search(r"</?[a-z]+[^>]*>", text)
