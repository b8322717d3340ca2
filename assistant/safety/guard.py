"""Output guard: nothing the model writes may reveal our prompts, internal paths or unknown links.

Applied to every LLM-written text (answers, review advice). Offline text is composed from the
corpus and the draft, which are scrubbed of instructions at the door.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.llm.prompts import PROMPTS_DIR

_PATH = re.compile(r"(?:(?<![\w.])/(?:work|home|root|etc|usr|var|tmp|opt|srv)/[^\s)\]]*|[A-Za-z]:\\\\[^\s]+)")
_URL = re.compile(r"(?:https?|ftp)://[^\s)\]>\"']+|\bwww\.[^\s)\]>\"']+", re.IGNORECASE)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,300})?/?>")


@lru_cache(maxsize=1)
def prompt_fragments() -> tuple[str, ...]:
    """Distinctive lines of our prompt files (normalised), any of which in an output is a leak."""
    out: list[str] = []
    for path in sorted(PROMPTS_DIR.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            clean = " ".join(line.strip().lstrip("0123456789.-• ").split()).lower()
            if len(clean) >= 40 and "{" not in clean:
                out.append(clean[:60])
    return tuple(out)


def guard_output(text: str, allowed_text: str = "") -> tuple[str, list[str]]:
    """(cleaned text, what was removed): prompt lines, HTML tags, internal paths, unknown links, images."""
    removed: list[str] = []
    allowed = allowed_text.lower()
    kept_lines: list[str] = []
    for line in text.splitlines():
        normalised = " ".join(line.split()).lower()
        if any(fragment in normalised for fragment in prompt_fragments()):
            removed.append("prompt")
            continue
        kept_lines.append(line)
    cleaned = "\n".join(kept_lines)
    if _HTML_TAG.search(cleaned):  # small models write HTML: the text stays, the markup goes
        removed.append("html")
        cleaned = _HTML_TAG.sub("", cleaned)
    if _MD_IMAGE.search(cleaned):
        removed.append("image")
        cleaned = _MD_IMAGE.sub("", cleaned)

    def drop_url(m: re.Match[str]) -> str:
        if m.group(0).lower() in allowed:
            return m.group(0)
        removed.append("link")
        return "[lien retiré]"

    cleaned = _URL.sub(drop_url, cleaned)
    if _PATH.search(cleaned):
        removed.append("path")
        cleaned = _PATH.sub("[chemin retiré]", cleaned)
    return cleaned, removed
