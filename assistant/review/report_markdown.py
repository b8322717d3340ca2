"""Render a draft review `Report` as a French Markdown document.

Everything that comes from the draft (quotes, file name, warning messages) is untrusted:
it goes through `escape_md` so it can never open a link, an HTML tag, a table cell, a
heading or a list in the rendered report.
"""

from __future__ import annotations

import re

from assistant.review.models import (
    SOURCE_FR,
    STATUS_EMOJI,
    STATUS_FR,
    CriterionVerdict,
    Evidence,
    Report,
    ReviewWarning,
    SheetRef,
)
from assistant.text.labels import warning_title

PRIVACY_NOTE = "Ce rapport a été généré à partir de votre document pendant votre session ; il n'a pas été conservé."

# Only what can act is escaped, so a report stays readable in any editor (no « \\( » or « \\_ »):
# characters active anywhere in a line (code, emphasis, links, HTML, GFM tables and strikethrough);
# parentheses need no escape once « ] » is escaped (no link can form).
_INLINE_ACTIVE = re.compile(r"([\\`*\[\]|<~])")
# « _ » opens or closes emphasis only at a word's edge (« snake_case » is plain text in CommonMark).
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# « # » makes a heading (or closes one) only as a whole run between spaces; « & » only starts an entity.
_HASH_RUN = re.compile(r"(?:^|(?<=\s))(#+)(?=\s|$)")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# « > » quotes only at the start of a line.
_LEADING_QUOTE = re.compile(r"^>")
# Markers that only act at the start of a line: lists (- + 1. 1)), setext underlines (=), fences (~).
_LEADING_MARKER = re.compile(r"^([-+=~])|^(\d+)([.)])")
# C0/C1 control characters (tab and newline are handled separately) and lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_NEWLINES = re.compile(r"\r\n?")
_WHITESPACE = re.compile(r"\s+")


def escape_md(text: str) -> str:
    """Make untrusted text inert, on a single line (safe in headings, table cells and list items).

    Control characters are dropped, every run of whitespace (newlines included) becomes one
    space, Markdown/HTML-active characters are backslash-escaped, and a leading block marker
    (``-``, ``+``, ``=``, ``~``, ``1.``) is escaped so the text cannot start a list or a heading.
    """
    line = _WHITESPACE.sub(" ", _CONTROL.sub("", text)).strip()
    return _escape_line(line)


def _escape_line(line: str) -> str:
    escaped = _INLINE_ACTIVE.sub(r"\\\1", line)
    escaped = _EDGE_UNDERSCORE.sub(r"\\_", escaped)
    escaped = _HASH_RUN.sub(lambda m: "\\#" * len(m.group(1)), escaped)
    escaped = _LEADING_QUOTE.sub(r"\\>", _ENTITY.sub(r"\\&", escaped))
    return _LEADING_MARKER.sub(_escape_marker, escaped, count=1)


def _escape_marker(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"


def quote_lines(quote: str) -> str:
    """A verified quote as a block quote that keeps its lines (a table excerpt: one row per line)."""
    return "  \n".join(blockquote(quote).split("\n"))


def blockquote(text: str) -> str:
    """Quote multi-line untrusted text, escaping each line so it stays inside the quote."""
    lines = _NEWLINES.sub("\n", _CONTROL.sub("", text)).strip().split("\n")
    escaped = [_escape_line(_WHITESPACE.sub(" ", line).strip()) for line in lines]
    return "\n".join(f"> {line}" if line else ">" for line in escaped)


def _status_label(status: str) -> str:
    return f"{STATUS_EMOJI.get(status, '')} {STATUS_FR.get(status, status)}".strip()


def _title(report: Report) -> str:
    evaluation = escape_md(report.evaluation)
    if report.evaluation_title:
        evaluation = f"{evaluation} : {escape_md(report.evaluation_title)}"
    return f"# Avis indicatif — {escape_md(report.file)} ({evaluation})"


def _warning_item(warning: ReviewWarning) -> str:
    title = warning_title(warning.code)
    return f"- **{title}** : {escape_md(warning.message)}"


def _warnings_section(warnings: list[ReviewWarning]) -> list[str]:
    if not warnings:
        return []
    return ["## ⚠️ Points d'attention", "", *(_warning_item(w) for w in warnings), ""]


def _summary_row(verdict: CriterionVerdict) -> str:
    missing = " ; ".join(escape_md(label) for label in verdict.missing) or "—"
    cells = [escape_md(verdict.code), _status_label(verdict.status), escape_md(verdict.certainty), missing]
    return "| " + " | ".join(cells) + " |"


def _summary_table(criteria: list[CriterionVerdict]) -> list[str]:
    header = ["| Critère | Statut | Fiabilité de l'avis | Attendus manquants |", "| --- | --- | --- | --- |"]
    return ["## Synthèse", "", *header, *(_summary_row(v) for v in criteria), ""]


def _evidence_block(evidence: Evidence) -> list[str]:
    location = escape_md(evidence.location)
    return [quote_lines(evidence.quote), "", *([f"*{location}*", ""] if location else [])]


def _evidence_section(evidence: list[Evidence]) -> list[str]:
    lines = ["#### Éléments trouvés dans votre document", ""]
    if not evidence:
        return [*lines, "*Aucun élément probant n'a été trouvé dans votre document pour ce critère.*", ""]
    for item in evidence:
        lines.extend(_evidence_block(item))
    return lines


def _bullets(title: str, items: list[str], empty: str | None = None) -> list[str]:
    """A titled bullet list; with no items, show `empty` (or nothing at all when it is None)."""
    if not items:
        return [] if empty is None else [f"#### {title}", "", f"*{empty}*", ""]
    return [f"#### {title}", "", *(f"- {escape_md(item)}" for item in items), ""]


def _sheets_section(sheets: list[SheetRef]) -> list[str]:
    """The course sheets to read, by title (a candidate's report names no file of the school's corpus)."""
    if not sheets:
        return []
    return ["#### Pour aller plus loin", "", *(f"- Fiche « {escape_md(sheet.title)} »" for sheet in sheets), ""]


def source_line(verdict: CriterionVerdict) -> str:
    """Where the verdict comes from: the model, or the offline engine (and why)."""
    return f"Origine : {SOURCE_FR.get(verdict.source, verdict.source)}."


def _criterion_section(verdict: CriterionVerdict) -> list[str]:
    heading = f"### {escape_md(verdict.code)} — {STATUS_FR.get(verdict.status, verdict.status)}"
    return [
        heading,
        "",
        blockquote(verdict.referentiel),
        "",
        f"*{escape_md(source_line(verdict))}*",
        "",
        *_evidence_section(verdict.evidence),
        *_bullets("Ce qui manque", verdict.missing, empty="Aucun attendu manquant n'a été relevé."),
        *_bullets("Conseils", verdict.advice),
        *_sheets_section(verdict.sheets),
    ]


def render_markdown(report: Report) -> str:
    """Return the formative report as Markdown (warnings first, then summary, then details)."""
    lines = [_title(report), "", f"*{escape_md(report.disclaimer)}*", ""]
    lines += _warnings_section(report.warnings)
    lines += _summary_table(report.criteria)
    lines += ["## Détail par critère", ""]
    for verdict in report.criteria:
        lines += _criterion_section(verdict)
    lines += ["---", "", f"*{PRIVACY_NOTE}*", ""]
    return "\n".join(lines)
