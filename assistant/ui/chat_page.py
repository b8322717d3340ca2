"""Page « Poser une question »: cited answers for candidates, tutors and admissions teams.

The conversation lives in this session's state only. In LLM mode the draft answer is streamed,
then replaced by the verified final answer (invalid citations removed, refusals enforced).
Rating an answer appends one line to the feedback log (see ``assistant.ui.feedback``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import streamlit as st

from assistant.ui import components, feedback, state

if TYPE_CHECKING:
    from collections.abc import Iterator

    from assistant.answer.ask import Asker
    from assistant.answer.models import Answer, Audience
    from assistant.pack import Pack

AUDIENCE_LABELS: dict[str, str] = {"candidate": "Candidat", "tutor": "Tuteur", "admissions": "Admissions"}

TURNS = "chat_turns"
PENDING = "chat_pending"
AUDIENCE = "chat_audience"


@dataclass
class Turn:
    id: str
    question: str
    audience: str
    answer: Answer
    view: components.AnswerView  # what the answer renders to, computed once
    rated: str | None = None  # "up" / "down" once logged


def _turns() -> list[Turn]:
    return cast("list[Turn]", state.session_list(TURNS))


def _history(turns: list[Turn]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for turn in turns[-4:]:
        out += [("user", turn.question), ("assistant", turn.answer.answer)]
    return out


def _new_conversation() -> None:
    st.session_state[TURNS] = []
    st.session_state.pop(PENDING, None)


def _ask_starter(question: str) -> None:
    st.session_state[PENDING] = question


def _on_rating(turn_id: str) -> None:
    """Log a rating once per answer (the widget is disabled afterwards)."""
    value = st.session_state.get(f"fb_{turn_id}")
    turn = next((t for t in _turns() if t.id == turn_id), None)
    if value is None or turn is None or turn.rated:
        return
    rating = feedback.rating_from_thumbs(int(value))
    feedback.append_feedback(
        feedback.feedback_path(state.settings()),
        audience=turn.audience,
        question=turn.question,
        answer=turn.answer.answer,
        mode=turn.answer.mode,
        rating=rating,
    )
    turn.rated = rating


def _render_turn(turn: Turn) -> None:
    with st.chat_message("user"):
        st.markdown(components.safe(turn.question))
    with st.chat_message("assistant"):
        _render_answer_block(turn)


def _render_answer_block(turn: Turn) -> None:
    components.render_view(turn.view)
    cols = st.columns([1, 9], vertical_alignment="center")
    with cols[0]:
        st.feedback("thumbs", key=f"fb_{turn.id}", on_change=_on_rating, args=(turn.id,), disabled=bool(turn.rated))
    with cols[1]:
        if turn.rated:
            st.caption("Merci, votre avis est enregistré.")
        else:
            st.caption("Cette réponse vous a-t-elle aidé ?")


def _stream_answer(asker: Asker, question: str, audience: Audience, history: list[tuple[str, str]]) -> Answer:
    """Stream the draft (LLM mode), then return the verified final answer."""
    final: dict[str, Any] = {}

    def tokens() -> Iterator[str]:
        for event in asker.stream(question, audience, history):
            if event.kind == "token":
                yield event.text
            elif event.kind == "final":
                final["answer"] = event.answer

    if asker.mode == "extractive":  # answered in tens of milliseconds: no spinner to draw and remove
        for _ in tokens():
            pass
    else:
        draft = st.empty()
        with draft.container():
            st.caption("Brouillon du modèle — la réponse vérifiée s'affiche ensuite.")
            st.write_stream(tokens())
        draft.empty()
    answer = final.get("answer")
    assert answer is not None, "the asker always ends with a final event"
    return cast("Answer", answer)


def _controls() -> str:
    cols = st.columns([3, 1], vertical_alignment="bottom")
    with cols[0]:
        audience = st.radio(
            "Vous êtes",
            list(AUDIENCE_LABELS),
            format_func=AUDIENCE_LABELS.__getitem__,
            horizontal=True,
            key=AUDIENCE,
        )
    with cols[1]:
        st.button("Nouvelle conversation", icon=":material/refresh:", on_click=_new_conversation, width="stretch")
    return str(audience)


def _starters(pack: Pack, audience: str) -> None:
    questions = pack.vocab.suggested_questions.get(audience, [])  # type: ignore[call-overload]
    if not questions:
        return
    st.markdown("**Pour commencer, par exemple :**")
    cols = st.columns(len(questions))
    for col, question in zip(cols, questions, strict=True):
        with col:
            st.button(question, on_click=_ask_starter, args=(question,), width="stretch")


def render() -> None:
    components.page_header(
        "Poser une question",
        "Critères, évaluations, blocs, options, modalités : chaque réponse cite le référentiel ou les "
        "supports de cours. Quand l'information n'est pas dans nos documents, l'assistant le dit.",
    )
    _controls()
    bundle = state.asker()
    if bundle is None:
        return
    if bundle.config_error:
        st.warning(f"{bundle.config_error} — l'assistant répond hors ligne.", icon=":material/warning:")
    st.caption(f"Mode de réponse : {components.mode_label(bundle.asker.mode)}")
    _conversation()


@st.fragment
def _conversation() -> None:
    """The chat alone: a question, a rating or a starter reruns this part only, not the page around it.

    Past turns are redrawn from what they rendered to (``Turn.view``); only the new answer is computed.
    """
    bundle = state.asker()  # the shared asker (a re-index in the meantime gives the new one)
    if bundle is None:
        return
    audience = str(st.session_state.get(AUDIENCE, "candidate"))
    turns = _turns()
    pack = bundle.asker.service.pack
    example = next(iter(pack.vocab.codes.examples), "")
    hint = f" (ex. : « Que faut-il pour le {example} ? »)" if example else ""
    with st.bottom:  # pinned under the page, as a chat input outside a fragment would be
        typed = st.chat_input(f"Posez votre question{hint}", max_chars=1000)
    question = (typed or st.session_state.pop(PENDING, None) or "").strip()
    if not turns and not question:
        _starters(pack, audience)
    for turn in turns:
        _render_turn(turn)
    if question:
        _answer(bundle.asker, question, audience, turns)


def _answer(asker: Asker, question: str, audience: str, turns: list[Turn]) -> None:
    from assistant.index.store import IndexError_

    with st.chat_message("user"):
        st.markdown(components.safe(question))
    with st.chat_message("assistant"):
        try:
            answer = _stream_answer(asker, question, cast("Audience", audience), _history(turns))
        except IndexError_ as exc:  # the Chroma server went away mid-session
            st.error(str(exc), icon=":material/error:")
            return
        turn = Turn(uuid.uuid4().hex[:12], question, audience, answer, components.answer_view(answer))
        turns.append(turn)
        _render_answer_block(turn)
