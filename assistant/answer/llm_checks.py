"""Is a model-written answer fit to show? If not, it is discarded whole for the offline answer.

A small model echoes its instructions or the sources block, writes in another language, or cites
nothing; trimming such text leaves something misleading, so it is never shown. Each rule returns
the reason for the warning (``llm_discarded: <reason>``), or None when the text may be shown.
"""

from __future__ import annotations

import re

from assistant.text.language import Lang, detect_language

ECHO_SHARE = 0.5
"""Share of the answer's characters made of source lines copied verbatim that makes it an echo."""
MIN_ECHO_LINE = 40
_SOURCE_HEADER = re.compile(r"^\s*\[\d+\]\s*\([^)\n]*(?:\.(?:ya?ml|md|pdf|docx|txt)|referentiel|cours)", re.MULTILINE)
_SPACES = re.compile(r"\s+")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
LOOP_REPEATS = 3
"""A sentence written this many times or more makes the answer a loop."""


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def echoes_sources(text: str, sources_text: str) -> bool:
    """The answer repeats the sources block: its headers, or long source lines making most of it."""
    if len(_SOURCE_HEADER.findall(text)) >= 2:
        return True
    sources = _norm(sources_text)
    lines = [_norm(line) for line in text.splitlines() if len(line.strip()) >= MIN_ECHO_LINE]
    copied = sum(len(line) for line in lines if line.strip("-*• ") in sources)
    return copied > ECHO_SHARE * max(len(_norm(text)), 1)


def loops(text: str) -> bool:
    """The model repeats itself: one sentence (of at least four words) written LOOP_REPEATS times."""
    counts: dict[str, int] = {}
    for match in _SENTENCE.finditer(text):
        sentence = _norm(re.sub(r"\[\d+\]", "", match.group(0))).strip(" .!?")
        if len(sentence.split()) >= 4:
            counts[sentence] = counts.get(sentence, 0) + 1
    return any(count >= LOOP_REPEATS for count in counts.values())


def discard_reason(text: str, *, removed: list[str], kept_citations: int, sources_text: str, lang: Lang) -> str | None:
    """Why the answer must not be shown, or None."""
    if not text.strip():
        return "empty"
    if "prompt" in removed:
        return "prompt_echo"
    if echoes_sources(text, sources_text):
        return "sources_echo"
    if loops(text):
        return "loop"
    if kept_citations == 0:
        return "no_citation"
    if len(text.split()) >= 8 and detect_language(text) != lang:
        return "language"
    return None
