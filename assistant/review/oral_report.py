"""Render a mock-jury session (`OralReport`) as Markdown or as a Word document.

Both formats come from one list of blocks built here, so they always say the same thing. The
candidate's words (answers, verified quotes, the draft's claims in the questions) are untrusted:
in Markdown every text goes through `escape_md`, in Word through the DOCX writer's `xml_safe`.
Course sheets are named by title only, never by their path in the school's corpus.
python-docx is imported only when a Word file is asked for.
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING, NamedTuple

from assistant.review.models import STATUS_EMOJI, STATUS_FR
from assistant.review.oral_models import AttenduFeedback, OralReport, OralTurn
from assistant.review.report_markdown import escape_md, quote_lines

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Jury blanc — synthèse de l'oral",
        "evaluation": "Évaluation :",
        "from_draft": "À partir du livrable :",
        "priority": "À travailler en priorité",
        "all_covered": "Tous les critères abordés sont couverts par vos réponses.",
        "summary": "Synthèse par critère",
        "turns": "Questions et réponses",
        "question": "Question",
        "follow_up": "Relance",
        "answer": "Votre réponse :",
        "time": "Temps : {taken} sur {allowed}",
        "ignored": "Des consignes adressées à l'assistant figuraient dans votre réponse : elles ont été ignorées.",
        "your_words": "Vos mots :",
        "wanted": "Ce que le jury aurait aussi voulu entendre :",
        "sheets": "Fiche à relire :",
        "open": "« ",
        "close": " »",
    },
    "en": {
        "title": "Mock jury — oral summary",
        "evaluation": "Evaluation:",
        "from_draft": "Based on the deliverable:",
        "priority": "Rehearse first",
        "all_covered": "Every criterion asked is covered by your answers.",
        "summary": "Summary by criterion",
        "turns": "Questions and answers",
        "question": "Question",
        "follow_up": "Follow-up",
        "answer": "Your answer:",
        "time": "Time: {taken} of {allowed}",
        "ignored": "Your answer held instructions addressed to the assistant: they were ignored.",
        "your_words": "Your words:",
        "wanted": "What the jury would also have wanted to hear:",
        "sheets": "Sheet to read:",
        "open": "“",
        "close": "”",
    },
}
_MD_PREFIX = {"title": "# ", "h1": "## ", "h2": "### ", "h3": "#### ", "bullet": "- "}
_DOCX_LEVEL = {"title": 0, "h1": 1, "h2": 2, "h3": 3}
_LISTED = ("bullet", "said")


class Block(NamedTuple):
    """One piece of the report: `kind` says how it is laid out; `label` is shown in bold before `text`."""

    kind: str  # title, h1, h2, h3, p, bullet, quote (the answer), said (a quote of it), note, rule
    text: str
    label: str = ""


def _strings(report: OralReport) -> dict[str, str]:
    return TEXT.get(report.lang, TEXT["fr"])


def _status(status: str, lang: str, *, emoji: bool = True) -> str:
    word = STATUS_FR.get(status, status) if lang == "fr" else status
    return f"{STATUS_EMOJI.get(status, '')} {word}".strip() if emoji else word


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def _header(report: OralReport, t: dict[str, str]) -> list[Block]:
    evaluation = report.evaluation
    if report.evaluation_title:
        evaluation = f"{evaluation} : {report.evaluation_title}"
    blocks = [Block("title", t["title"]), Block("p", evaluation, t["evaluation"])]
    if report.from_draft:
        blocks.append(Block("p", report.from_draft, t["from_draft"]))
    return blocks


def _priorities(report: OralReport, t: dict[str, str]) -> list[Block]:
    blocks = [Block("h1", t["priority"])]
    summaries = {s.code: s for s in report.summary}
    for code in report.rehearse_first:
        summary = summaries.get(code)
        status = f" — {_status(summary.status, report.lang)}" if summary else ""
        blocks.append(Block("h2", f"{code}{status}"))
        blocks += [Block("bullet", tip) for tip in (summary.advice if summary else [])]
    return blocks if report.rehearse_first else [*blocks, Block("note", t["all_covered"])]


def _summary(report: OralReport, t: dict[str, str]) -> list[Block]:
    blocks = [Block("h1", t["summary"])]
    for s in report.summary:
        attendus = " ; ".join(f"{aid} : {_status(status, report.lang)}" for aid, status in s.attendus.items())
        questions = f"{s.questions} question" + ("s" if s.questions > 1 else "")
        blocks.append(Block("bullet", f"— {_status(s.status, report.lang)} — {questions} — {attendus}", s.code))
    return blocks


def _attendu(fb: AttenduFeedback, lang: str, t: dict[str, str]) -> list[Block]:
    blocks = [Block("h3", f"{STATUS_EMOJI.get(fb.status, '')} {fb.label} — {_status(fb.status, lang, emoji=False)}")]
    if fb.reason:
        blocks.append(Block("p", fb.reason))
    if fb.quotes:
        blocks += [Block("p", "", t["your_words"]), *(Block("said", quote) for quote in fb.quotes)]
    return [*blocks, Block("p", fb.wanted, t["wanted"])]


def _turn(turn: OralTurn, lang: str, t: dict[str, str]) -> list[Block]:
    q = turn.question
    word = t["follow_up"] if q.kind == "follow_up" else t["question"]
    blocks = [Block("h2", f"{word} {q.number} — {q.criterion}"), Block("p", q.text)]
    blocks += [Block("p", "", t["answer"]), Block("quote", turn.answer)]
    if turn.seconds_taken is not None:
        blocks.append(Block("p", t["time"].format(taken=_duration(turn.seconds_taken), allowed=_duration(q.seconds))))
    if turn.ignored:
        blocks.append(Block("note", t["ignored"]))
    for fb in turn.attendus:
        blocks += _attendu(fb, lang, t)
    if turn.sheets:
        blocks.append(Block("p", " ; ".join(sheet.title for sheet in turn.sheets), t["sheets"]))
    return blocks


def build_blocks(report: OralReport) -> list[Block]:
    """The report's content, in order: header, priorities, summary, every turn, disclaimer."""
    t = _strings(report)
    blocks = [*_header(report, t), *_priorities(report, t), *_summary(report, t), Block("h1", t["turns"])]
    for turn in report.turns:
        blocks += _turn(turn, report.lang, t)
    return [*blocks, Block("rule", ""), Block("note", report.disclaimer)]


def _md(block: Block, t: dict[str, str]) -> str:
    body = escape_md(block.text)
    if block.label:
        body = f"**{escape_md(block.label)}** {body}".rstrip()
    if block.kind == "quote":
        return quote_lines(block.text)
    if block.kind == "said":
        return f"- {t['open']}{body}{t['close']}"
    if block.kind == "note":
        return f"*{body}*"
    return "---" if block.kind == "rule" else _MD_PREFIX.get(block.kind, "") + body


def render_oral_markdown(report: OralReport) -> str:
    """Return the session's summary as Markdown (consecutive list items stay one tight list)."""
    t = _strings(report)
    blocks = build_blocks(report)
    lines: list[str] = []
    for block, after in zip(blocks, [*blocks[1:], None], strict=True):
        lines.append(_md(block, t))
        if not (block.kind in _LISTED and after is not None and after.kind in _LISTED):
            lines.append("")
    return "\n".join(lines)


def _add_docx(doc: DocxDocument, block: Block, t: dict[str, str]) -> None:
    from assistant.review.report_docx import add_paragraph, xml_safe

    if block.kind in _DOCX_LEVEL:
        doc.add_heading(xml_safe(block.text), level=_DOCX_LEVEL[block.kind])
    elif block.kind == "quote":
        add_paragraph(doc, block.text, style="Quote")
    elif block.kind == "note":
        add_paragraph(doc, block.text, italic=True)
    elif block.kind != "rule":
        style = "List Bullet" if block.kind in _LISTED else None
        paragraph = doc.add_paragraph(style=style)
        if block.label:
            paragraph.add_run(xml_safe(block.label) + (" " if block.text else "")).bold = True
        text = f"{t['open']}{block.text}{t['close']}" if block.kind == "said" else block.text
        paragraph.add_run(xml_safe(text))


def render_oral_docx(report: OralReport) -> bytes:
    """Return the session's summary as the bytes of a .docx file (built in memory, never on disk)."""
    from docx import Document

    from assistant.review.report_docx import set_properties

    t = _strings(report)
    doc = Document()
    set_properties(doc, t["title"], f"{report.evaluation} {report.evaluation_title}".strip())
    for block in build_blocks(report):
        _add_docx(doc, block, t)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
