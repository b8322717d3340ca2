"""Shared UI pieces: headers, cited sources, status labels, the sidebar.

Untrusted text (anything from a draft or typed by a user) is rendered through ``safe`` (the
report module's ``escape_md``) or as plain text, never with ``unsafe_allow_html``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from assistant.review.models import STATUS_EMOJI, STATUS_FR
from assistant.review.report_markdown import escape_md

if TYPE_CHECKING:
    from assistant.answer.models import Answer, Source


ANSWER_WARNINGS: dict[str, str] = {
    "citations_removed": "Des références invalides proposées par le modèle ont été retirées.",
    "llm_error": "Le modèle de langage n'a pas répondu : réponse produite hors ligne.",
    "llm_empty": "Le modèle de langage a renvoyé une réponse vide : réponse produite hors ligne.",
    "llm_timeout": "Le modèle de langage a dépassé le délai imparti : réponse produite hors ligne.",
    "llm_discarded": "La réponse du modèle a été écartée (consignes ou sources recopiées, répétitions, "
    "aucune source citée ou autre langue) : réponse produite hors ligne.",
    "output_guard": "Des éléments non autorisés (liens, chemins, consignes internes) ont été retirés de la réponse.",
}


def safe(text: str) -> str:
    """Untrusted text made inert for ``st.markdown`` (one line, Markdown characters escaped)."""
    return escape_md(text)


STATUS_MD: dict[str, str] = {
    "covered": ":green[:material/check_circle: couvert]",
    "partial": ":orange[:material/adjust: partiel]",
    "missing": ":red[:material/cancel: manquant]",
}


def status_label(status: str) -> str:
    """Plain-text status (tables): emoji and word."""
    return f"{STATUS_EMOJI.get(status, '⚪')} {STATUS_FR.get(status, status)}"


def status_markdown(status: str) -> str:
    """Status for Markdown labels (expanders): coloured icon and word, no emoji font needed."""
    return STATUS_MD.get(status, status)


def page_header(title: str, intro: str) -> None:
    st.title(title)
    st.caption(intro)


def mode_label(mode: str) -> str:
    if mode in {"extractive", "offline"}:
        return "hors ligne (extraits du référentiel et des supports)"
    return f"modèle de langage ({mode.removeprefix('llm:')})"


def answer_warning_text(code: str) -> str:
    key = code.split(":", 1)[0].strip()
    return ANSWER_WARNINGS.get(key, code)


def source_document(source: Source) -> str:
    """A reader's name for the document a passage comes from."""
    if source.source.endswith("attendus.yaml"):
        return "Attendus (équipe pédagogique)"
    if source.source.startswith("referentiel/"):
        return "Référentiel"
    if source.source == "ecole.yaml" or source.source.endswith("/ecole.yaml"):
        return "Informations de l'école"
    return source.title or source.source.rsplit("/", 1)[-1]


def source_title(source: Source) -> str:
    """One-line label of a cited passage: ``[1] Référentiel — Bloc 2 > CR7`` or ``[3] Fiche — p. 1 — CR7``."""
    label = f"[{source.rank}] {source_document(source)}"
    place = " · ".join(part for part in (f"p. {source.page}" if source.page else "", source.section) if part)
    if place:
        label += f" — {place}"
    named = set(re.findall(r"[\w-]+", place))
    codes = [code for code in source.codes if code not in named]
    if codes:
        label += f" — {', '.join(codes)}"
    return label


@dataclass(frozen=True)
class SourceView:
    title: str
    body: str  # where it comes from (small print), then the passage


@dataclass(frozen=True)
class AnswerView:
    """What an answer renders to, computed once: a past message is redrawn from it, not recomputed."""

    markdown: str
    sources: tuple[SourceView, ...]
    notes: str


def source_view(source: Source, *, staff: bool = False) -> SourceView:
    """A cited passage as shown: its document by name; the file it comes from only for staff (tutors,
    admissions), never for candidates."""
    place = [f"Document : {safe(source_document(source))}" + (f" — page {source.page}" if source.page else "")]
    if staff:
        place.append(f"Fichier : `{source.source}`")
    if source.section:
        place.append(f"Section : {safe(source.section)}")
    if source.codes:
        place.append(f"Codes : {', '.join(source.codes)}")
    small = "  \n".join(f":small[:gray[{line}]]" for line in place)
    return SourceView(source_title(source), f"{small}\n\n{source.text}")


def answer_view(answer: Answer) -> AnswerView:
    notes = [answer_warning_text(w) for w in answer.warnings]
    return AnswerView(
        answer.answer,
        tuple(source_view(s, staff=answer.audience != "candidate") for s in answer.sources),
        ":material/info: " + " ".join(dict.fromkeys(notes)) if notes else "",
    )


def render_view(view: AnswerView) -> None:
    """The verified answer, one expander per cited source, discreet notes (two elements per source)."""
    st.markdown(view.markdown)
    if view.sources:
        st.markdown("**Sources**")
        for source in view.sources:
            with st.expander(source.title):
                st.markdown(source.body)
    if view.notes:
        st.caption(view.notes)


STYLES = Path(__file__).with_name("static") / "french.css"


@cache
def _styles() -> str:
    return STYLES.read_text(encoding="utf-8")


def french_styles() -> None:
    """The smallest styling that puts Streamlit's own uploader words in French (``static/french.css``)."""
    st.html(f"<style>{_styles()}</style>")


def sidebar() -> None:
    """Shown on every page, under the navigation."""
    with st.sidebar:
        from assistant.pack import load_pack
        from assistant.settings import get_settings

        st.caption(
            f"**Jury Blanc** — assistant du {load_pack(get_settings().corpus_dir).headline}. "
            "Les réponses citent leurs sources ; la vérification d'un livrable est un avis indicatif : "
            "seul le jury de certification évalue."
        )
