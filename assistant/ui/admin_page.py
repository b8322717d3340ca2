"""Page « Administration »: corpus and index, course materials, school facts, LLM status, feedback log.

Access: :mod:`assistant.ui.admin_login` (scrypt hash, per-address guard) decides who sees the tabs.

Feedback retention: the log is kept until an administrator purges it here (export it first if
needed); it holds ratings of answers (question, answer, audience, mode, time), never a draft.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import streamlit as st

from assistant.ui import admin_login, admin_ops, components, feedback, school_form, state
from assistant.ui.components import safe

if TYPE_CHECKING:
    from assistant.runtime import Runtime
    from assistant.settings import Settings

UPLOAD_ROUND = "admin_upload_round"
FLASH = "admin_flash"
AUDIENCE_FR = {"candidate": "candidat", "tutor": "tuteur", "admissions": "admissions"}
FILE_COLUMNS = {
    "Titre": st.column_config.TextColumn(width=340),
    "Indexé le": st.column_config.TextColumn(width=140),
    "Passages": st.column_config.NumberColumn(width=90),
    "Fichier": st.column_config.TextColumn(width=260),
}


def _format_time(iso: str) -> str:
    if not iso:
        return "jamais"
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return iso


Notice = tuple[str, str]  # ("success" | "error" | "warning", French text)


def _show(notices: list[Notice]) -> None:
    icons = {"success": ":material/check_circle:", "error": ":material/block:", "warning": ":material/warning:"}
    show = {"success": st.success, "error": st.error, "warning": st.warning}
    for kind, text in notices:
        show[kind](text, icon=icons[kind])


def _flash_and_rerun(notices: list[Notice]) -> None:
    """Keep the notices for the next run (which redraws the lists and empties the uploader)."""
    st.session_state[FLASH] = notices
    st.rerun()


def _reindex(runtime: Runtime, *, rebuild: bool = False) -> list[Notice]:
    """Run the incremental ingestion with a progress bar (one run at a time per process)."""
    from pathlib import Path

    from assistant.index.ingest import ingest
    from assistant.index.store import IndexError_

    lock = state.ingest_lock()
    if not lock.acquire(blocking=False):
        return [("warning", "Une indexation est déjà en cours ; réessayez dans un instant.")]
    try:
        bar = st.progress(0.0, text="Préparation de l'indexation…")

        def progress(source: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"{Path(source).name} — {done}/{total} passages")

        summary = ingest(runtime.settings, runtime.embedding, rebuild=rebuild, progress=progress, store=runtime.store)
        bar.empty()
    except IndexError_ as exc:
        return [("error", str(exc))]
    finally:
        lock.release()
    state.refresh_runtime()
    notices: list[Notice] = [
        (
            "success",
            f"Index à jour : {summary.documents} documents, {summary.chunks_total} passages "
            f"({summary.chunks_added} ajoutés, {len(summary.indexed)} documents indexés, "
            f"{len(summary.removed)} retirés) en {summary.seconds:.1f} s.",
        )
    ]
    if summary.notice:
        notices.append(("warning", summary.notice))
    for source, spans in getattr(summary, "scrubbed", {}).items():
        notices.append(("warning", f"{source} : {len(spans)} instruction(s) adressée(s) à l'assistant ignorée(s)."))
    notices += [("error", f"{source} : {safe(message)}") for source, message in summary.failed.items()]
    return notices


def _corpus_tab(config: Settings, runtime: Runtime | None) -> None:
    from assistant.index.ingest import index_status

    status = index_status(config)
    cols = st.columns(3)
    cols[0].metric("Documents indexés", cast("int", status["documents"]))
    cols[1].metric("Passages", cast("int", status["chunks"]))
    cols[2].metric("Supports ajoutés", len(admin_ops.list_documents(admin_ops.documents_dir(config))))
    st.markdown(
        f"- **Dernière indexation** : {_format_time(str(status['updated_at']))}\n"
        f"- **Modèle d'embeddings** : `{status['model_id'] or '—'}` (configuré : `{config.embeddings}`)\n"
        f"- **Index vectoriel** : {admin_ops.store_location(config)} · collection `{config.collection}`"
    )
    if runtime is not None and status["model_id"] and status["model_id"] != runtime.embedding.model_id:
        st.warning("L'index a été construit avec un autre modèle : reconstruisez-le.", icon=":material/warning:")
    files = cast("dict[str, dict[str, Any]]", status["files"])
    if files:
        rows = [
            {
                "Titre": info.get("title", ""),
                "Indexé le": _format_time(str(info.get("indexed_at", ""))),
                "Passages": info.get("chunks", 0),
                "Fichier": source,
            }
            for source, info in sorted(files.items())
        ]
        # Fixed column widths that fit the page: the date stays in view however long the titles are.
        st.dataframe(rows, hide_index=True, width="stretch", column_config=FILE_COLUMNS)
    if runtime is None:
        return
    left, right = st.columns(2)
    if left.button(
        "Mettre à jour l'index", icon=":material/refresh:", help="Indexe les fichiers nouveaux ou modifiés."
    ):
        _show(_reindex(runtime))
    confirm = right.checkbox("Je veux reconstruire tout l'index")
    if right.button("Reconstruire l'index", icon=":material/construction:", disabled=not confirm):
        _show(_reindex(runtime, rebuild=True))


def _add_documents(config: Settings, runtime: Runtime) -> None:
    from assistant.documents import DocumentError

    round_ = int(st.session_state.get(UPLOAD_ROUND, 0))
    uploads = st.file_uploader(
        "Ajouter des supports de cours",
        # No ``type=``: other files are refused in French by course_filename, not by Streamlit in English.
        accept_multiple_files=True,
        max_upload_size=config.max_upload_mb,
        help=f"PDF, Word (.docx) ou Markdown (.md) ; {config.max_upload_mb} Mo maximum par fichier.",
        key=f"admin_upload_{round_}",
    )
    replace = st.checkbox("Remplacer un document du même nom")
    if not st.button("Ajouter au corpus et réindexer", type="primary", icon=":material/add:", disabled=not uploads):
        return
    folder = admin_ops.documents_dir(config)
    notices: list[Notice] = []
    saved = 0
    for upload in uploads or []:
        try:
            name = admin_ops.course_filename(upload.name)
            admin_ops.validate_course(upload.getvalue(), name, config.max_upload_mb)
            admin_ops.save_document(folder, name, upload.getvalue(), replace=replace)
        except DocumentError as exc:
            notices.append(("error", safe(exc.message)))
            continue
        except (ValueError, FileExistsError) as exc:
            notices.append(("error", safe(str(exc))))
            continue
        saved += 1
        notices.append(("success", f"« {name} » ajouté à corpus/documents/."))
    if saved:
        notices += _reindex(runtime)
    st.session_state[UPLOAD_ROUND] = round_ + 1  # the next run shows an empty uploader
    _flash_and_rerun(notices)


def _remove_documents(config: Settings, runtime: Runtime) -> None:
    folder = admin_ops.documents_dir(config)
    docs = admin_ops.list_documents(folder)
    if not docs:
        st.caption("Aucun document ajouté dans corpus/documents/.")
        return
    name = st.selectbox("Retirer un document", [p.name for p in docs], key="admin_remove_name")
    confirm = st.checkbox("Je confirme le retrait de ce document du corpus et de l'index")
    if st.button("Retirer et réindexer", icon=":material/delete:", disabled=not confirm) and name:
        try:
            admin_ops.remove_document(folder, str(name))
        except (ValueError, FileNotFoundError) as exc:
            _flash_and_rerun([("error", safe(str(exc)))])
        _flash_and_rerun([("success", f"« {name} » retiré du corpus."), *_reindex(runtime)])


def _documents_tab(config: Settings, runtime: Runtime | None) -> None:
    folder = admin_ops.documents_dir(config)
    st.caption(
        f"Les supports ajoutés ici sont enregistrés dans `{folder}` puis indexés. Les fiches méthodologiques "
        "(corpus/cours/) et le guide (corpus/programme/) se gèrent dans le dépôt."
    )
    _show(st.session_state.pop(FLASH, None) or [])
    docs = admin_ops.list_documents(folder)
    if docs:
        rows = [{"Fichier": p.name, "Taille (Ko)": round(p.stat().st_size / 1024, 1)} for p in docs]
        st.dataframe(rows, hide_index=True, width="stretch")
    if runtime is None:
        st.warning("Index indisponible : ajout et retrait désactivés.", icon=":material/warning:")
        return
    _add_documents(config, runtime)
    st.divider()
    _remove_documents(config, runtime)


def _llm_tab(config: Settings) -> None:
    from langchain_core.messages import HumanMessage

    from assistant.llm.models import LLMConfigError, make_chat_model, model_label, provider_errors

    if not config.llm:
        st.info(
            "Aucun modèle de langage configuré : l'assistant fonctionne hors ligne (réponses extractives "
            "citées, vérification par règles et embeddings). Pour en brancher un, définissez `JB_LLM` "
            "(ex. `ollama:qwen2.5:7b`) et, si besoin, `JB_LLM_BASE_URL` / `JB_LLM_API_KEY` (README, Configuration).",
            icon=":material/power_off:",
        )
        return
    st.markdown(f"**Modèle configuré** : `{model_label(config)}`")
    st.markdown(
        f"- URL du serveur : `{config.llm_base_url or 'par défaut du fournisseur'}`\n"
        f"- Clé d'API : {'définie' if config.llm_api_key else 'non définie'}\n"
        f"- Délai maximal : {config.llm_timeout_s:.0f} s"
    )
    try:
        model = make_chat_model(config)
    except LLMConfigError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    if model is None:
        return
    if st.button("Tester la connexion", icon=":material/network_check:"):
        started = time.perf_counter()
        try:
            with st.spinner("Interrogation du modèle…"):
                reply = model.invoke([HumanMessage(content="Réponds uniquement : OK")])
        except provider_errors() as exc:
            st.error(f"Le modèle ne répond pas ({type(exc).__name__}). L'assistant reste en mode hors ligne.")
            return
        elapsed = time.perf_counter() - started
        st.success(
            f"Le modèle répond en {elapsed:.1f} s : « {safe(str(reply.content)[:80])} »", icon=":material/check_circle:"
        )


def _feedback_tab(config: Settings) -> None:
    path = feedback.feedback_path(config)
    records = feedback.read_feedback(path)
    up = sum(1 for r in records if r.get("rating") == "up")
    cols = st.columns(3)
    cols[0].metric("Avis enregistrés", len(records))
    cols[1].metric(":material/thumb_up: Utiles", up)
    cols[2].metric(":material/thumb_down: Pas utiles", len(records) - up)
    st.caption(
        f"Journal : `{path}`. Conservation : jusqu'à la purge par un administrateur. Il contient la question, "
        "la réponse, le public, le mode et l'avis — jamais un livrable déposé pour vérification."
    )
    if not records:
        return
    rows = [
        {
            "Date": _format_time(str(r.get("timestamp", ""))),
            "Public": AUDIENCE_FR.get(str(r.get("audience", "")), str(r.get("audience", ""))),
            "Avis": "👍" if r.get("rating") == "up" else "👎",
            "Question": str(r.get("question", "")),
            "Réponse": str(r.get("answer", ""))[:200],
        }
        for r in reversed(records)
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.download_button(
        "Exporter le journal (JSONL)",
        feedback.export_feedback(path),
        file_name=f"jury-blanc-avis-{datetime.now():%Y%m%d}.jsonl",
        mime="application/x-ndjson",
        icon=":material/download:",
        on_click="ignore",
    )
    confirm = st.checkbox("Je confirme la suppression définitive du journal")
    if st.button("Purger le journal", icon=":material/delete_sweep:", disabled=not confirm):
        count = feedback.purge_feedback(path)
        st.success(f"Journal purgé ({count} avis supprimés).", icon=":material/check_circle:")


def render() -> None:
    components.page_header(
        "Administration",
        "Réservé à l'équipe pédagogique : état de l'index, supports de cours, modèle de langage, "
        "avis des utilisateurs.",
    )
    config = state.settings()
    if not admin_login.gate(config):
        return
    runtime = state.runtime()
    corpus, documents, school, llm, log = st.tabs(
        ["Corpus et index", "Supports de cours", "Informations de l'école", "Modèle de langage", "Avis"]
    )
    with corpus:
        _corpus_tab(config, runtime)
    with documents:
        _documents_tab(config, runtime)
    with school:
        school_form.render(config)
    with llm:
        _llm_tab(config)
    with log:
        _feedback_tab(config)
