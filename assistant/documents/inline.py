"""Inline Markdown reduced to the text a reader sees, so every format yields the same words.

A Markdown draft and its PDF or Word rendering must give the same passages; the rendering shows
``**Budget**`` as a bold "Budget" and a bullet "-" as "•". This module holds that reduction:

* images keep their alt text, links become "text (url)" (the url alone when both are equal),
  autolinks their url;
* code spans, bold and italic markers are dropped, their text kept;
* backslash escapes are undone;
* a bullet marker (``-``, ``*``, ``+``) becomes "•"; numbered markers ("1.", "2)") are kept.
"""

from __future__ import annotations

import re

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_BULLET_MARKER = re.compile(r"^([ \t]*)[-*+][ \t]+(?=\S)")
_SPACES = re.compile(r"[ \t]+")


def _link(match: re.Match[str]) -> str:
    text, url = match.group(1), match.group(2)
    return text if text == url else f"{text} ({url})"


def plain_inline(text: str) -> str:
    """One line of inline Markdown as displayed: markers gone, spaces collapsed, ends trimmed."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(_link, text)
    text = _AUTOLINK.sub(r"\1", text)
    text = text.replace("`", "")
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _ITALIC.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _ESCAPE.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def display_bullet(line: str) -> str:
    """A list item line with its bullet marker shown as "•" (numbers unchanged), inline markup reduced."""
    match = _BULLET_MARKER.match(line)
    if match:
        return "• " + plain_inline(line[match.end() :])
    return plain_inline(line)
