"""The model's raw replies, logged at DEBUG level on ``assistant.llm.raw`` (off by default: they hold
model text, which may echo a draft). Tests and operators turn it on to see what the model really wrote."""

from __future__ import annotations

import logging

RAW_LOG = logging.getLogger("assistant.llm.raw")
RAW_LOG_CHARS = 4000  # a reply is capped in tokens; its log line in characters


def log_raw_reply(kind: str, text: str) -> None:
    """Log one raw reply (``kind`` says which call: ``answer``, ``condense``, ``structured CR7 json_mode``…)."""
    RAW_LOG.debug("raw reply (%s, %d chars): %r", kind, len(text), text[:RAW_LOG_CHARS])
