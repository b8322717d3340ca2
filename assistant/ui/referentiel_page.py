"""Page « Référentiel »: browse blocs → evaluations → criteria → attendus, search by code or word.

Everything shown here is the verified data of ``corpus/referentiel`` (verbatim texts) plus the
project's attendus and the methodology sheets that teach each criterion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from assistant.pack import join, load_pack
from assistant.pack.views import FORMAT_FR, PART_FR, item_markdown, item_view
from assistant.text.fold import fold
from assistant.text.labels import ITEM_KIND_FR
from assistant.ui import components, state
from assistant.ui.components import safe

if TYPE_CHECKING:
    from assistant.pack import Criterion, Pack, Referentiel

MAX_HITS = 30


@dataclass(frozen=True)
class Hit:
    code: str
    kind: str
    text: str


def _item_text(ref: Referentiel, code: str, kind: str) -> str:
    if kind == "criterion":
        crit = ref.criterion(code)
        return " ".join([crit.full_text, *(a.label for a in crit.attendus)])
    if kind == "competency":
        return join(ref.competency(code).text)
    if kind == "activity":
        act = ref.activity(code)
        return f"{join(act.title)} {join(act.text)}"
    if kind == "evaluation":
        ev = ref.evaluation(code)
        return f"{join(ev.title)} {join(ev.modality)}"
    if kind == "bloc":
        bloc = ref.bloc(code)
        return f"{bloc.label} {bloc.title} {join(bloc.intro)}"
    section = ref.section(code)
    return f"{section.title} {join(section.text)}"


def search(pack: Pack, query: str) -> tuple[str | None, list[Hit]]:
    """(exact item code or None, word hits in document order).

    A query that normalises to a known code (``cr 7``, ``bloc 3``) opens that item; otherwise
    every item whose text holds all the query's words (accents and case ignored) is a hit.
    """
    ref = pack.ref
    query = query.strip()
    if not query:
        return None, []
    kinds = ref.codes()
    code = pack.codes.normalize(query)
    if code in kinds:
        return code, []
    words = [w for w in fold(query).split() if len(w) > 1]
    if not words:
        return None, []
    hits: list[Hit] = []
    for item, kind in kinds.items():
        text = _item_text(ref, item, kind)
        folded = fold(text)
        if all(w in folded for w in words):
            hits.append(Hit(item, kind, text))
    return None, hits


def _markdown_of(ref: Referentiel, code: str) -> str:
    """The library's item rendering, with headings demoted to fit inside the page."""
    lines = item_markdown(item_view(ref, code)).splitlines()
    return "\n".join("#### " + line[2:] if line.startswith("# ") else line for line in lines)


def _render_sheets(code: str) -> None:
    from assistant.pack.courses import sheets_for, split_front_matter

    corpus = state.settings().corpus_dir
    sheets = sheets_for(code, corpus)
    if not sheets:
        st.caption("Aucune fiche méthodologique n'est rattachée à ce critère.")
        return
    st.markdown("**Fiches qui l'enseignent**")
    for sheet in sheets:
        cols = st.columns([4, 1], vertical_alignment="center")
        cols[0].markdown(f":material/menu_book: {sheet.title}")
        path = corpus / sheet.path
        if path.is_file():
            with cols[1].popover("Lire la fiche", width="stretch"):
                st.markdown(split_front_matter(path.read_text(encoding="utf-8"))[1])


def _render_criterion_body(crit: Criterion) -> None:
    st.markdown(f"> {join(crit.text)}")
    for extra in crit.related_text:
        st.markdown(f"> {extra}")
    if crit.derived or crit.note:
        st.caption(crit.note or "Code attribué par le projet (absent du document source).")
    st.caption(f"Compétence(s) : {', '.join(crit.competencies)} · partie {PART_FR[crit.part]}")
    if crit.attendus:
        st.markdown("**Attendus** (ce qu'un livrable doit montrer)")
        for att in crit.attendus:
            st.markdown(f"- **{att.label}** — {att.evidence}  \n  _Conseil : {att.advice}_")
    _render_sheets(crit.code)


def _render_item(ref: Referentiel, code: str) -> None:
    kind = ref.kind_of(code)
    if kind == "criterion":
        crit = ref.criterion(code)
        st.markdown(f"#### {crit.code} — critère de l'évaluation {crit.evaluation}")
        _render_criterion_body(crit)
    else:
        st.markdown(_markdown_of(ref, code))


def _render_search(pack: Pack) -> None:
    ref = pack.ref
    query = st.text_input(
        "Rechercher un code ou un mot",
        placeholder=", ".join([*pack.vocab.codes.examples[:3], "accessibilité", "budget…"]),
        key="ref_query",
    )
    if not query or not query.strip():
        return
    code, hits = search(pack, query)
    if code:
        with st.container(border=True):
            _render_item(ref, code)
        return
    if not hits:
        st.info(f"Aucun élément du référentiel ne correspond à « {safe(query)} ».", icon=":material/search_off:")
        return
    st.caption(
        f"{len(hits)} résultat(s) pour « {safe(query)} »" + (f" ({MAX_HITS} premiers)" if len(hits) > MAX_HITS else "")
    )
    for hit in hits[:MAX_HITS]:
        short = hit.text if len(hit.text) <= 110 else hit.text[:107] + "…"
        with st.expander(f"{hit.code} · {ITEM_KIND_FR[hit.kind]} — {short}"):
            _render_item(ref, hit.code)


def _render_browse(pack: Pack) -> None:
    ref = pack.ref
    tabs = st.tabs([bloc.label.replace(" option ", " · opt. ") for bloc in ref.blocs])
    for tab, bloc in zip(tabs, ref.blocs, strict=True):
        with tab:
            st.markdown(f"### {bloc.label} — {pack.display_title(bloc.id)}")
            st.markdown(join(bloc.intro))
            for key in bloc.evaluations:
                ev = ref.evaluation(key)
                st.markdown(f"#### Évaluation {key} — {join(ev.title).rstrip(' :')}")
                st.markdown(f"> {join(ev.modality)}")
                for part in ev.parts:
                    formats = " et ".join(FORMAT_FR[f] for f in part.formats)
                    st.caption(
                        f"Partie {PART_FR[part.kind]} ({formats}) : {' ; '.join(part.deliverables)} "
                        f"— critères {', '.join(part.criteria)}"
                    )
                for crit in ref.criteria_of(key):
                    text = join(crit.text)
                    short = text if len(text) <= 100 else text[:97] + "…"
                    with st.expander(f"{crit.code} — {short}"):
                        _render_criterion_body(crit)


def render() -> None:
    components.page_header(
        "Référentiel",
        "Le référentiel du titre tel qu'il est écrit : blocs, évaluations, critères (texte exact) et, pour "
        "chaque critère, les attendus observables et les fiches méthodologiques qui les enseignent.",
    )
    pack = load_pack(state.settings().corpus_dir)
    _render_search(pack)
    st.divider()
    _render_browse(pack)
