"""Prompts live in prompts/ as files; this module only loads and fills them."""

from __future__ import annotations

from functools import lru_cache

import yaml

from assistant.settings import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"
# The fixed sentence an LLM must return when the sources do not hold the answer (tests check it).
SENTINEL = "INFORMATION_ABSENTE"


@lru_cache(maxsize=32)
def load_prompt(name: str) -> str:
    return (PROMPTS_DIR / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def audience_styles() -> dict[str, str]:
    data = yaml.safe_load(load_prompt("audiences.yaml"))
    return {str(k): str(v) for k, v in data.items()}
