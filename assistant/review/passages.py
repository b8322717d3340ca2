"""Cut a loaded draft into passages with locations; instruction blocks are set aside whole.

A block that instructs the assistant (see ``assistant.safety.injection``) is not evidence, and
neither is anything next to the instruction in the same block: the whole paragraph, the whole list
item, the whole table row is set aside, not just the sentence a pattern matched. Lines that hand a
criterion a verdict ("CR4 : couvert") are set aside the same way. Hidden HTML comments are removed
from the text they sit in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.documents import LoadedDocument, TextUnit
from assistant.review.structure import Block, list_block, table_block
from assistant.safety.injection import assigns_status, injection_spans

MIN_CHARS = 160
MAX_CHARS = 900
_SENT_END = re.compile(r"(?<=[.!?])\s+")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass
class Passage:
    id: int
    text: str  # verbatim draft text (quotes are taken from here)
    location: str
    section: str
    is_table: bool = False
    units: list[int] = field(default_factory=list)

    @property
    def index_text(self) -> str:
        """What keyword and dense search see: the heading path gives a table or list its topic."""
        return f"{self.section}\n{self.text}" if self.section else self.text


@dataclass
class DraftText:
    passages: list[Passage]
    injections: list[str]
    words: int
    unit_texts: list[str]
    set_aside_words: int = 0
    """Words of the instruction blocks set aside."""
    blocks: list[Block] = field(default_factory=list)
    """The draft's tables and lists, whole (structure evidence)."""


def _split_long(text: str) -> list[str]:
    if len(text) <= MAX_CHARS:
        return [text]
    parts: list[str] = []
    current = ""
    for sentence in _SENT_END.split(text):
        if current and len(current) + len(sentence) + 1 > MAX_CHARS:
            parts.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        parts.append(current)
    out: list[str] = []
    for part in parts:  # a single sentence longer than MAX_CHARS (no punctuation): cut at spaces
        while len(part) > MAX_CHARS * 2:
            cut = part.rfind(" ", 0, MAX_CHARS) or MAX_CHARS
            out.append(part[:cut])
            part = part[cut:].lstrip()
        out.append(part)
    return out


def _is_instruction(block: str, injections: list[str]) -> bool:
    """Does ``block`` instruct the assistant or hand out a verdict? Instruction sentences go to ``injections``."""
    spans = injection_spans(block)
    injections.extend(spans)
    return bool(spans) or assigns_status(block)


def _clean_unit(unit: TextUnit, injections: list[str]) -> str:
    """Unit text without hidden HTML comments and without the blocks that instruct the assistant."""
    text = unit.text
    for comment in _HTML_COMMENT.findall(text):
        injections.extend(injection_spans(comment) or [])
        text = text.replace(comment, " ")
    if unit.kind == "list":  # one item per line: an instruction item goes, its neighbours stay
        return "\n".join(item for item in text.split("\n") if not _is_instruction(item, injections)).strip()
    if unit.kind == "table" and unit.rows is not None:
        rows = [row for row in unit.rows if not _is_instruction(" | ".join(row), injections)]
        return "\n".join(" | ".join(row) for row in rows) if len(rows) > 1 else ""
    return "" if _is_instruction(text, injections) else text.strip()


def build_passages(doc: LoadedDocument) -> DraftText:
    injections: list[str] = []
    cleaned = [(_clean_unit(u, injections), u) for u in doc.units]
    passages: list[Passage] = []
    pending: Passage | None = None

    def flush() -> None:
        nonlocal pending
        if pending is not None and pending.text.strip():
            pending.id = len(passages)
            passages.append(pending)
        pending = None

    for text, unit in cleaned:
        if not text or unit.kind == "heading":
            if unit.kind == "heading":
                flush()
            continue
        section = " > ".join(unit.section)
        is_table = unit.kind == "table"
        for piece in _split_long(text) if not is_table else [text]:
            if is_table or (unit.kind == "list" and len(piece) >= MIN_CHARS):
                flush()
                passages.append(Passage(len(passages), piece, unit.location, section, is_table, [unit.index]))
                continue
            if pending is not None and pending.section == section and len(pending.text) < MIN_CHARS:
                pending.text = f"{pending.text}\n\n{piece}"
                pending.units.append(unit.index)
                if len(pending.text) >= MIN_CHARS:
                    flush()
                continue
            flush()
            pending = Passage(-1, piece, unit.location, section, False, [unit.index])
            if len(piece) >= MIN_CHARS:
                flush()
    flush()
    blocks = [b for text, unit in cleaned if text and (b := _block(text, unit)) is not None]
    words = sum(len(p.text.split()) for p in passages)
    uploaded = sum(len(u.text.split()) for u in doc.units if u.kind != "heading")
    unique = list(dict.fromkeys(i.strip() for i in injections if i.strip()))
    return DraftText(passages, unique, words, [u.text for u in doc.units], max(uploaded - words, 0), blocks)


def _block(text: str, unit: TextUnit) -> Block | None:
    """The block of a table or list unit, from its cleaned text (instruction rows and items are gone)."""
    section = " > ".join(unit.section)
    if unit.kind == "table" and unit.rows is not None:
        kept = set(text.split("\n"))
        rows = [row for row in unit.rows if " | ".join(row) in kept]
        return table_block(unit.index, rows, unit.location, section)
    if unit.kind == "list":
        return list_block(unit.index, text, unit.location, section)
    return None
