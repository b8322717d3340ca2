"""Page « S'entraîner à l'oral »: a mock jury asks one question at a time and judges each written answer.

The session (``assistant.review.oral_session.OralSession``) lives in this tab's session state only, like
the check page's drafts: no answer is written anywhere. The countdown runs in the browser (a small script
in an iframe), so it needs no rerun; the time an answer took is measured here, from when its question was
first shown. Answers, quotes and the draft's claims are untrusted: rendered through ``safe``.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from assistant.review.models import STATUS_EMOJI, STATUS_FR, STATUS_ORDER, certainty_words
from assistant.ui import check_page, components, state
from assistant.ui.components import safe, status_label

if TYPE_CHECKING:
    from assistant.review.models import Report
    from assistant.review.oral_models import AttenduFeedback, OralQuestion, OralReport, OralTurn
    from assistant.review.oral_session import OralSession, Rephrase
    from assistant.review.service import Reviewer

RUN = "oral_run"
EVAL = "oral_eval"
ANSWER_CHARS = 4000
log = logging.getLogger(__name__)

INTRO = (
    "Le jury pose une question à la fois ; vous répondez par écrit, comme vous le diriez à l'oral. Chaque "
    "réponse reçoit un avis indicatif pour chaque élément attendu. Rien n'est enregistré : vos réponses restent "
    "dans cette session, comme vos brouillons."
)
NO_DRAFT = (
    "Un livrable vérifié sur « Vérifier mon livrable » permet au jury de commencer par ses manques "
    "(critères manquants ou partiels), en citant vos propres phrases."
)
JUDGE_FAILED = (
    "Votre réponse n'a pas pu être analysée (erreur interne). Elle est conservée : validez-la de nouveau "
    "ou terminez la session."
)
IGNORED = (
    "Des consignes adressées à l'assistant figuraient dans votre réponse : elles ont été ignorées et ne "
    "comptent pas comme une réponse au jury."
)
DOCX_MIME = check_page.DOCX_MIME
STATUS_COLOUR = {"covered": "green", "partial": "orange", "missing": "red"}
# The countdown, in the browser (no rerun): down from the time left, then up past it.
COUNTDOWN = (Path(__file__).parent / "static" / "countdown.html").read_text(encoding="utf-8")


@dataclass
class OralRun:
    """This tab's mock-jury session and what the page keeps around it."""

    session: OralSession
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    shown: dict[int, float] = field(default_factory=dict)  # question number -> time it was first shown
    error: str | None = None  # shown above the answer form until the next valid answer
    files: tuple[str, bytes] | None = None  # the synthesis as Markdown and Word, rendered once


def duration_text(seconds: float) -> str:
    """« 2 min 30 s », « 2 min », « 45 s »."""
    minutes, rest = divmod(max(0, round(seconds)), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def countdown_html(remaining: float) -> str:
    """The countdown's iframe content, counting down from ``remaining`` seconds (then up, past the time)."""
    left = max(0, round(remaining))
    start = f"{left // 60}:{left % 60:02d}"
    return COUNTDOWN.replace("__REMAINING_MS__", str(round(remaining * 1000))).replace("__START__", start)


def evaluation_label(reviewer: Reviewer, key: str) -> str:
    return f"{key} — {reviewer.pack.display_title(key)}"


def _last_checks() -> dict[str, check_page.LastCheck]:
    last = st.session_state.get(check_page.LAST_BY_EVAL) or {}
    return {key: value for key, value in last.items() if isinstance(value, check_page.LastCheck)}


def _rephraser(reviewer: Reviewer) -> Rephrase | None:
    """The language model's rewording of the questions, only when a model is configured."""
    if reviewer.llm is None:
        return None
    from assistant.review.oral_rephrase import QuestionRephraser

    return QuestionRephraser.from_settings(reviewer.llm.model, reviewer.llm.label, state.settings())


def _start(reviewer: Reviewer, key: str, report: Report | None) -> None:
    from assistant.review.oral_judge import OralJudge
    from assistant.review.oral_session import OralSession

    try:
        session = OralSession(OralJudge(reviewer.engine), key, report=report, rephrase=_rephraser(reviewer))
    except Exception as exc:  # the page stays up whatever failed
        log.warning("oral session could not start on %s: %s", key, type(exc).__name__)
        st.error("La session n'a pas pu démarrer. Réessayez dans un instant.", icon=":material/error:")
        return
    if session.finished:
        st.warning("Aucune question n'est prévue pour cette évaluation.", icon=":material/warning:")
        return
    st.session_state[RUN] = OralRun(session)
    st.rerun()


def _setup(reviewer: Reviewer) -> None:
    keys = list(reviewer.ref.evaluation_keys)
    checks = _last_checks()
    latest = max(checks.values(), key=lambda c: c.checked_at, default=None)
    index = keys.index(latest.report.evaluation) if latest and latest.report.evaluation in keys else 0
    key = str(
        st.selectbox("Évaluation", keys, index=index, format_func=lambda k: evaluation_label(reviewer, k), key=EVAL)
    )
    check = checks.get(key)
    report = None
    if check is not None:
        label = f"Partir de mon livrable vérifié : {safe(check.report.file)}"
        if st.checkbox(label, value=True, key=f"oral_from_draft_{key}"):
            report = check.report
    else:
        st.caption(NO_DRAFT)
    if st.button("Commencer la session", type="primary", icon=":material/play_arrow:"):
        _start(reviewer, key, report)


def _answer_key(run: OralRun, number: int) -> str:
    return f"oral_answer_{run.id}_{number}"


def _submit(run: OralRun) -> None:
    """Form callback: judge the typed answer (the next question is drawn by the run that follows)."""
    from assistant.review.oral_session import OralInputError

    question = run.session.current
    if question is None:
        return
    text = str(st.session_state.get(_answer_key(run, question.number)) or "")
    shown = run.shown.get(question.number)
    taken = round(time.time() - shown, 1) if shown is not None else None
    try:
        run.session.answer(text, seconds_taken=taken)
    except OralInputError as exc:
        run.error = exc.message
        return
    except Exception as exc:  # a failed judgement keeps the session and the answer
        log.warning("oral answer could not be judged: %s", type(exc).__name__)
        run.error = JUDGE_FAILED
        return
    run.error = None


def _stop(run: OralRun) -> None:
    run.session.stop()
    if not run.session.turns:
        st.session_state.pop(RUN, None)  # nothing answered: back to the setup


def _new_session() -> None:
    st.session_state.pop(RUN, None)


def _render_attendu(fb: AttenduFeedback) -> None:
    with st.container():
        word = f":{STATUS_COLOUR.get(fb.status, 'gray')}[**{STATUS_FR.get(fb.status, fb.status)}**]"
        st.markdown(f"{STATUS_EMOJI.get(fb.status, '⚪')} {word} — {safe(fb.label)}")
        st.caption(" · ".join(part for part in (safe(fb.reason), certainty_words(fb.confidence)) if part))
        if fb.quotes:
            st.markdown("**Vos mots :** " + " ".join(f"« {safe(quote)} »" for quote in fb.quotes))
        st.markdown(f"**Ce que le jury aurait aussi voulu entendre :** {safe(fb.wanted)}")


def _turn_title(turn: OralTurn) -> str:
    q = turn.question
    kind = " · Relance" if q.kind == "follow_up" else ""
    worst = min((fb.status for fb in turn.attendus), key=lambda status: STATUS_ORDER[status])
    return f"Question {q.number}{kind} · {q.criterion} — {status_label(worst)}"


def _render_turn_body(turn: OralTurn) -> None:
    st.markdown(f"**Question :** {safe(turn.question.text)}")
    taken = f" ({duration_text(turn.seconds_taken)})" if turn.seconds_taken is not None else ""
    st.markdown(f"**Votre réponse{taken} :** {safe(turn.answer)}")
    if turn.ignored:
        st.warning(IGNORED, icon=":material/shield:")
    for fb in turn.attendus:
        _render_attendu(fb)
    if turn.sheets:
        st.markdown("**Fiche à relire :** " + " · ".join(safe(sheet.title) for sheet in turn.sheets))


def _render_turn(turn: OralTurn, *, latest: bool) -> None:
    if latest:
        with st.container(border=True):
            st.subheader(f"Retour sur la question {turn.question.number}")
            st.caption(_turn_title(turn))
            _render_turn_body(turn)
    else:
        with st.expander(_turn_title(turn)):
            _render_turn_body(turn)


def _render_question(run: OralRun, q: OralQuestion) -> None:
    shown = run.shown.setdefault(q.number, time.time())
    kind = " · Relance" if q.kind == "follow_up" else ""
    st.subheader(f"Question {q.number}{kind} · {q.criterion}")
    more = run.session.remaining
    plural = "s" if more > 1 else ""
    st.caption(f"Encore {more} question{plural} prévue{plural} ensuite." if more else "Dernière question prévue.")
    st.info(safe(q.text), icon=":material/record_voice_over:")
    cols = st.columns([3, 2], vertical_alignment="center")
    with cols[0]:
        st.iframe(countdown_html(q.seconds - (time.time() - shown)), height=64, alt="Compte à rebours")
    cols[1].markdown(f":material/timer: Temps conseillé : {duration_text(q.seconds)}")
    if run.error:
        st.error(run.error, icon=":material/error:")
    with st.form(f"oral_form_{run.id}_{q.number}", border=False):
        st.text_area(
            "Votre réponse",
            key=_answer_key(run, q.number),
            height=200,
            max_chars=ANSWER_CHARS,
            placeholder="Répondez comme devant le jury : votre projet, vos choix, vos chiffres.",
        )
        st.form_submit_button(
            "Valider ma réponse", type="primary", icon=":material/send:", on_click=_submit, args=(run,)
        )
    st.button("Terminer la session", icon=":material/stop_circle:", on_click=_stop, args=(run,))


def _render_running(run: OralRun) -> None:
    session = run.session
    if session.turns:
        _render_turn(session.turns[-1], latest=True)
    if session.current is not None:
        _render_question(run, session.current)
    if len(session.turns) > 1:
        st.markdown("**Réponses précédentes**")
        for turn in reversed(session.turns[:-1]):
            _render_turn(turn, latest=False)


def _files(run: OralRun, report: OralReport) -> tuple[str, bytes] | None:
    if run.files is None:
        from assistant.review.oral_report import render_oral_docx, render_oral_markdown

        try:
            run.files = (render_oral_markdown(report), render_oral_docx(report))
        except Exception as exc:  # the synthesis stays readable on the page
            log.warning("oral synthesis could not be rendered: %s", type(exc).__name__)
            return None
    return run.files


def _render_downloads(run: OralRun, report: OralReport) -> None:
    files = _files(run, report)
    if files is None:
        st.error("La synthèse n'a pas pu être préparée au téléchargement.", icon=":material/error:")
        return
    markdown, docx = files
    name = f"jury-blanc-oral-{report.evaluation}"
    cols = st.columns(2)
    cols[0].download_button(
        "Télécharger la synthèse (Markdown)", markdown.encode("utf-8"), file_name=f"{name}.md",
        mime="text/markdown", icon=":material/article:", on_click="ignore", width="stretch",
    )  # fmt: skip
    cols[1].download_button(
        "Télécharger la synthèse (Word)", docx, file_name=f"{name}.docx", mime=DOCX_MIME,
        icon=":material/description:", on_click="ignore", width="stretch",
    )  # fmt: skip


def _render_synthesis(run: OralRun) -> None:
    report = run.session.summary()
    st.header("Synthèse")
    source = f" · à partir de « {safe(report.from_draft)} »" if report.from_draft else ""
    st.caption(f"{report.evaluation} — {safe(report.evaluation_title)}{source}")
    lines = []
    for s in report.summary:
        count = f"{s.questions} question{'s' if s.questions > 1 else ''}"
        lines.append(f"- **{s.code}** — {status_label(s.status)} · {count}")
    st.markdown("\n".join(lines))
    st.subheader("À travailler en priorité")
    advice = {s.code: s.advice for s in report.summary}
    if report.rehearse_first:
        for code in report.rehearse_first:
            tips = "".join(f"\n- {safe(tip)}" for tip in advice.get(code, []))
            st.markdown(f"**{code}**{tips}")
    else:
        st.caption("Tous les critères abordés sont couverts par vos réponses.")
    st.info(report.disclaimer, icon=":material/info:")
    _render_downloads(run, report)
    st.button("Nouvelle session", type="primary", icon=":material/replay:", on_click=_new_session)
    st.markdown("**Détail des questions**")
    for turn in report.turns:
        _render_turn(turn, latest=False)
    if report.mode != "offline":
        st.caption("Questions reformulées par le modèle de langage ; les avis restent ceux de l'analyse hors ligne.")


def render() -> None:
    components.page_header("S'entraîner à l'oral", INTRO)
    bundle = state.reviewer()
    if bundle is None:
        return
    if bundle.config_error:
        st.warning(f"{bundle.config_error} — les questions sont posées hors ligne.", icon=":material/warning:")
    run = st.session_state.get(RUN)
    if isinstance(run, OralRun) and run.session.finished and not run.session.turns:
        st.session_state.pop(RUN, None)
        run = None
    if not isinstance(run, OralRun):
        _setup(bundle.reviewer)
    elif run.session.finished:
        _render_synthesis(run)
    else:
        _render_running(run)
