"""Page « Vérifier mon livrable »: a formative, per-criterion review of an uploaded draft.

The check itself runs on the process-wide queue of ``assistant.serve.checks`` (never in this script
thread): the page submits it, then a fragment polls it (place in the queue, then stage) and reruns the
page once the report is ready. The worker never calls ``st.*``.

Privacy: the uploaded bytes are read from Streamlit's in-memory upload and passed to the
library as ``bytes``; nothing is written to disk, indexed or logged. The report (and its Word
and Markdown renderings) lives in this session's state until the session ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import streamlit as st

from assistant.review.report_markdown import quote_lines
from assistant.serve.checks import CheckBusy, CheckQueue, Progress, shared_check_queue
from assistant.ui import components, report_diff, state
from assistant.ui.components import safe, status_label

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

    from assistant.pack import Pack, Referentiel
    from assistant.review.models import CriterionVerdict, Report, ReviewWarning, SheetRef
    from assistant.review.service import Reviewer

CURRENT = "check_current"
ERROR = "check_error"
JOB = "check_job"  # id of this session's queued or running check
SESSION = "check_session"  # this tab's id in the check queue
LAST_BY_EVAL = "check_last_by_eval"
PRIVACY = "Votre document reste dans cette session ; il n'est ni stocké ni indexé."
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# How each warning code is shown: (Streamlit call, icon). Other codes are plain warnings.
WARNING_STYLE: dict[str, tuple[str, str]] = {
    "prompt_injection": ("error", ":material/shield:"),
    "evaluation_mismatch": ("error", ":material/explore:"),
    "hidden_text": ("error", ":material/visibility_off:"),
    "little_text": ("warning", ":material/short_text:"),
    "truncated": ("warning", ":material/content_cut:"),
}
STATUS_BACKGROUND: dict[str, str] = {
    "covered": "background-color: #DFF3E4",
    "partial": "background-color: #FCEBD3",
    "missing": "background-color: #F8D7DA",
}


@dataclass(frozen=True)
class CheckOutput:
    """What a check job returns (built in a worker thread)."""

    report: Report
    markdown: str
    docx: bytes
    notes: tuple[str, ...]  # one line per finished stage


@dataclass
class CheckResult:
    report: Report
    markdown: str
    docx: bytes
    checked_at: datetime
    previous: Report | None = None
    previous_at: datetime | None = None
    notes: tuple[str, ...] = ()


@dataclass
class LastCheck:
    report: Report
    checked_at: datetime


def evaluation_label(pack: Pack, key: str) -> str:
    bloc = pack.ref.bloc(pack.ref.evaluation(key).bloc)
    return f"{key} — {bloc.label} : {pack.display_title(key)}"


def evaluation_caption(ref: Referentiel, key: str) -> str:
    from assistant.pack import join

    evaluation = ref.evaluation(key)
    title = join(evaluation.title).rstrip(" :")
    return f"{title}. Critères évalués : {', '.join(evaluation.criteria_codes)}."


def _download_name(report: Report, suffix: str) -> str:
    import re

    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(report.file).stem).strip("-")[:60] or "livrable"
    return f"avis-{report.evaluation}-{stem}{suffix}"


def check_work(reviewer: Reviewer, data: bytes, filename: str, key: str) -> Callable[[Progress], CheckOutput]:
    """The check as a job for the queue: load, review and render, reporting each stage; no ``st.*`` call.

    ``DocumentError`` and ``ReviewInputError`` escape with their French message (see ``EXPECTED``).
    """
    from assistant.review.report_docx import render_docx
    from assistant.review.report_markdown import render_markdown

    def work(progress: Progress) -> CheckOutput:
        progress("Lecture du document…")
        doc = reviewer.load(data, filename=filename)
        words = len(doc.text.split())
        where = f"{doc.pages} page(s), " if doc.pages else ""
        notes = [f":material/check_circle: Lecture : {where}{words} mots."]
        progress("Analyse des critères…")
        report = reviewer.review(doc, key, file_label=doc.name)
        notes.append(
            f":material/check_circle: Analyse : {len(report.criteria)} critères de {report.evaluation} examinés."
        )
        progress("Rédaction du rapport…")
        markdown = render_markdown(report)
        docx = render_docx(report)
        notes.append(":material/check_circle: Rapport prêt (Word et Markdown).")
        return CheckOutput(report, markdown, docx, tuple(notes))

    return work


def expected_errors() -> tuple[type[BaseException], ...]:
    """Errors whose French ``.message`` is shown as is (anything else gets the queue's generic message)."""
    from assistant.documents import DocumentError
    from assistant.review.service import ReviewInputError

    return (DocumentError, ReviewInputError)


def _session_id() -> str:
    """This tab's id for the queue's one-check-per-session rule (kept in the session state)."""
    if SESSION not in st.session_state:
        st.session_state[SESSION] = uuid.uuid4().hex
    return str(st.session_state[SESSION])


def start_check(reviewer: Reviewer, data: bytes, filename: str, key: str) -> None:
    """Queue a check for this session and rerun; a second one while the first is pending gets a warning."""
    queue = shared_check_queue(state.settings())
    try:
        job = queue.submit(
            _session_id(), check_work(reviewer, data, filename, key), label=key, expected=expected_errors()
        )
    except CheckBusy as exc:
        st.warning(exc.message, icon=":material/hourglass_top:")
        return
    st.session_state[JOB] = job.id
    st.session_state[ERROR] = None
    st.rerun()  # redraw the page with the button disabled and the queue position


def settle(queue: CheckQueue, job_id: str) -> bool:
    """Move a finished job's outcome into the session state (and out of the queue); False if not finished."""
    job = queue.collect(job_id)
    if job is None:
        return False
    st.session_state[JOB] = None
    if job.state == "failed" or not isinstance(job.result, CheckOutput):
        st.session_state[ERROR] = job.error
        st.session_state[CURRENT] = None
        return True
    output = job.result
    now = datetime.now()
    last = state.session_dict(LAST_BY_EVAL)
    previous = cast("LastCheck | None", last.get(output.report.evaluation))
    st.session_state[CURRENT] = CheckResult(
        output.report,
        output.markdown,
        output.docx,
        now,
        previous.report if previous else None,
        previous.checked_at if previous else None,
        output.notes,
    )
    st.session_state[ERROR] = None
    last[output.report.evaluation] = LastCheck(output.report, now)
    return True


def ahead_text(count: int) -> str:
    if count <= 0:
        return "Votre vérification démarre…"
    if count == 1:
        return "1 vérification avant la vôtre."
    return f"{count} vérifications avant la vôtre."


def _poll(job_id: str) -> None:
    """Body of the polling fragment: the job's place in the queue or its stage; a full rerun once finished."""
    queue = shared_check_queue(state.settings())
    job = queue.get(job_id)
    if job is None or job.finished:
        if job is None or not settle(queue, job_id):
            st.session_state[JOB] = None
        st.rerun()
        return
    if job.state == "queued":
        st.info(
            f"{ahead_text(queue.ahead(job_id))} Elle démarrera automatiquement ; le rapport s'affichera ici.",
            icon=":material/hourglass_top:",
        )
    else:
        st.status(job.stage or "Vérification en cours…", state="running")


def _render_warning(warning: ReviewWarning) -> None:
    from assistant.text.labels import warning_title

    kind, icon = WARNING_STYLE.get(warning.code, ("warning", ":material/warning:"))
    title = warning_title(warning.code)
    text = f"**{title}** — {safe(warning.message)}"
    if kind == "error":
        st.error(text, icon=icon)
    else:
        st.warning(text, icon=icon)


def summary_frame(report: Report) -> pd.DataFrame:
    import pandas as pd

    rows = [
        {
            "Critère": c.code,
            "Statut": status_label(c.status),
            "Fiabilité de l'avis": c.certainty,
            "Éléments cités": len(c.evidence),
            "Attendus manquants": len(c.missing),
        }
        for c in report.criteria
    ]
    return pd.DataFrame(rows)


def _styled_summary(report: Report) -> Styler:
    frame = summary_frame(report)
    colours = {status_label(s): css for s, css in STATUS_BACKGROUND.items()}
    return frame.style.map(lambda value: colours.get(str(value), ""), subset=["Statut"])


def _render_summary(report: Report) -> None:
    counts = report.counts()
    cols = st.columns(3)
    cols[0].metric(":green[:material/check_circle:] Couverts", counts["covered"])
    cols[1].metric(":orange[:material/adjust:] Partiels", counts["partial"])
    cols[2].metric(":red[:material/cancel:] Manquants", counts["missing"])
    st.dataframe(
        _styled_summary(report),
        hide_index=True,
        width="stretch",
    )


def _sheet_body(sheet: SheetRef) -> str | None:
    from assistant.pack.courses import split_front_matter

    path = state.settings().corpus_dir / sheet.path
    if not path.is_file() or path.suffix.lower() != ".md":
        return None
    _, body = split_front_matter(path.read_text(encoding="utf-8"))
    return body


def _render_sheets(verdict: CriterionVerdict) -> None:
    if not verdict.sheets:
        return
    st.markdown("**Pour aller plus loin**")
    for sheet in verdict.sheets:
        cols = st.columns([4, 1], vertical_alignment="center")
        cols[0].markdown(f":material/menu_book: {safe(sheet.title)}")
        body = _sheet_body(sheet)
        if body:
            with cols[1].popover("Lire la fiche", width="stretch"):
                st.markdown(body)


def _render_criterion(verdict: CriterionVerdict) -> None:
    label = f"{components.status_markdown(verdict.status)} — {verdict.code} · {verdict.certainty}"
    with st.expander(label):
        st.markdown("**Critère (texte exact du référentiel)**")
        st.markdown(f"> {safe(verdict.referentiel)}")
        st.markdown("**Éléments trouvés dans votre document**")
        if verdict.evidence:
            for evidence in verdict.evidence:
                st.markdown(quote_lines(evidence.quote))
                if evidence.location:
                    st.caption(f":material/place: {safe(evidence.location)}")
        else:
            st.caption("Aucun élément probant n'a été trouvé dans votre document pour ce critère.")
        if verdict.missing:
            st.markdown("**Ce qui manque**")
            st.markdown("\n".join(f"- {safe(item)}" for item in verdict.missing))
        if verdict.advice:
            st.markdown("**Conseils**")
            st.markdown("\n".join(f"- {safe(item)}" for item in verdict.advice))
        _render_sheets(verdict)


def _render_changes(result: CheckResult) -> None:
    st.subheader("Évolution depuis la vérification précédente")
    if result.previous is None:
        st.caption(
            "Première vérification de cette évaluation dans cette session. Améliorez votre document puis "
            "relancez la vérification : l'évolution de chaque critère s'affichera ici."
        )
        return
    when = result.previous_at.strftime("%H:%M") if result.previous_at else "?"
    st.caption(f"Comparaison avec « {safe(result.previous.file)} », vérifié à {when}.")
    changes = report_diff.compare(result.previous, result.report)
    st.markdown(report_diff.summary(changes))
    rows = [
        {
            "Critère": c.code,
            "Avant": status_label(c.before) if c.before else "—",
            "Maintenant": status_label(c.after),
            "Évolution": {"en progrès": "⬆️ en progrès", "en recul": "⬇️ en recul"}.get(c.trend, "= " + c.trend),
        }
        for c in changes
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def render_result(result: CheckResult) -> None:
    report = result.report
    st.divider()
    st.header(f"Avis indicatif — {report.evaluation}")
    st.caption(f"Fichier : {safe(report.file)} · {report.evaluation_title}")
    for warning in report.warnings:
        _render_warning(warning)
    st.info(report.disclaimer, icon=":material/info:")
    st.caption(f":material/lock: {PRIVACY}")
    _render_summary(report)
    cols = st.columns(2)
    cols[0].download_button(
        "Télécharger le rapport (Word)",
        result.docx,
        file_name=_download_name(report, ".docx"),
        mime=DOCX_MIME,
        icon=":material/description:",
        on_click="ignore",
        width="stretch",
    )
    cols[1].download_button(
        "Télécharger le rapport (Markdown)",
        result.markdown.encode("utf-8"),
        file_name=_download_name(report, ".md"),
        mime="text/markdown",
        icon=":material/article:",
        on_click="ignore",
        width="stretch",
    )
    st.subheader("Détail par critère")
    for verdict in report.criteria:
        _render_criterion(verdict)
    _render_changes(result)
    if report.mode != "offline":
        st.caption(f"Analyse : {components.mode_label(report.mode)}")


def render() -> None:
    components.page_header(
        "Vérifier mon livrable",
        "Déposez votre brouillon et choisissez l'évaluation visée : pour chaque critère, l'assistant indique "
        "ce qui est couvert, partiel ou manquant, cite votre document et propose des pistes. Avis indicatif : "
        "seul le jury évalue.",
    )
    bundle = state.reviewer()
    if bundle is None:
        return
    if bundle.config_error:
        st.warning(f"{bundle.config_error} — la vérification se fait hors ligne.", icon=":material/warning:")
    reviewer = bundle.reviewer
    ref = reviewer.ref
    key = st.selectbox(
        "Évaluation visée",
        ref.evaluation_keys,
        format_func=lambda k: evaluation_label(reviewer.pack, k),
        key="check_eval",
    )
    key = str(key)
    st.caption(evaluation_caption(ref, key))
    max_mb = state.settings().max_upload_mb
    upload = st.file_uploader(
        "Votre livrable",
        # No ``type=``: Streamlit would refuse other files with an English message; the loader refuses them
        # in French (« format non pris en charge… »).
        max_upload_size=max_mb,
        help="Déposez le fichier ou choisissez-le : PDF, Word (.docx), PowerPoint (.pptx), Markdown (.md) ou texte.",
        key="check_file",
    )
    st.caption(f"Formats : PDF, DOCX, PPTX, MD, TXT — {max_mb} Mo maximum. :material/lock: {PRIVACY}")
    queue = shared_check_queue(state.settings())
    job_id = st.session_state.get(JOB)
    if job_id and queue.get(str(job_id)) is None:
        st.session_state[JOB] = job_id = None  # the queue forgot it (e.g. restarted): nothing to wait for
    if job_id:
        settle(queue, str(job_id))  # finished between two runs
        job_id = st.session_state.get(JOB)
    clicked = st.button(
        "Vérifier mon livrable",
        type="primary",
        icon=":material/search:",
        disabled=upload is None or bool(job_id),
    )
    if job_id:
        st.caption("Une vérification est en cours dans cet onglet.")
    if clicked and upload:
        start_check(reviewer, upload.getvalue(), upload.name, key)
    job_id = st.session_state.get(JOB)
    if job_id:
        st.fragment(_poll, run_every=state.settings().serve.poll_s)(str(job_id))
        return  # the previous report is replaced when this check finishes
    result = st.session_state.get(CURRENT)
    if isinstance(result, CheckResult) and result.notes:
        with st.status("Vérification terminée", state="complete", expanded=False):
            for note in result.notes:
                st.write(note)
    error = st.session_state.get(ERROR)
    if error:
        st.error(safe(str(error)), icon=":material/block:")
    if isinstance(result, CheckResult):
        render_result(result)
