"""The whole tour as a school would run it, in a real browser (the served app, Debian's Chromium).

Issue 23, end to end: no English Streamlit words on the five pages, unknown addresses land home, no file path
in a candidate's answer, accented bloc titles, a school contact saved in Administration named by the next
refusal, a lockout that a new browser context does not reset, and a server log without ScriptRunContext noise.
The server works on a copy of the corpus (the school form writes ``ecole.yaml``). Screenshots go to
tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.app_server import AppServer, app_server
from evals.bench_app import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
DRAFTS = ROOT / "evals" / "drafts"
PASSWORD = "tour-admin-secret"
READY_MS = 240_000
CONTACT = "admissions@ecole-exemple.fr"
# Streamlit's own English words (uploader, typing hints, navigation dialog, skip link, file refusals).
ENGLISH = re.compile(
    r"Upload|per file|Drag and drop|Browse files|Press Enter|Page not found|does not seem to exist"
    r"|Skip to main content|files are not allowed|or smaller|Running the app"
)
PATH = re.compile(r"[\w./-]+\.(?:md|ya?ml)\b", re.IGNORECASE)

if not Path(CHROMIUM).exists():
    if os.environ.get("JB_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"Debian's Chromium is required here ({CHROMIUM}): apt-get install -y chromium", pytrace=False)
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM})", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

# Every text node a person can see: not hidden, not zero-sized (screen-reader-only), not an icon ligature.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script, style, noscript, [data-testid="stIconMaterial"]')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || parseFloat(style.fontSize) === 0) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) continue;
    out.push(text);
  }
  return out.join('\\n');
}"""


@pytest.fixture(scope="module")
def tour_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tour")
    shutil.copytree(ROOT / "corpus", tmp / "corpus", ignore=shutil.ignore_patterns("backups"))
    return tmp


@pytest.fixture(scope="module")
def server(tour_dir: Path) -> Iterator[AppServer]:
    from assistant.safety.passwords import hash_password

    tmp, corpus = tour_dir, tour_dir / "corpus"
    env = {
        "JB_EMBEDDINGS": "e5-small",
        "JB_CORPUS_DIR": str(corpus),
        "JB_ADMIN_PASSWORD_HASH": hash_password(PASSWORD, ln=10),
        "JB_SERVE__LOGIN_DELAY_S": "0.2",  # short growing delays: the lockout is what this tour checks
    }
    with app_server(tmp / "data", tmp / "server.log", env=env) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def new_page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR").new_page()


def wait_idle(page: Page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def visible_text(page: Page) -> str:
    return str(page.evaluate(VISIBLE_TEXT))


def open_path(page: Page, url: str, path: str, heading: str) -> None:
    page.goto(f"{url}/{path}")
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=READY_MS)
    wait_idle(page)


def ask(page: Page, question: str) -> str:
    """Send a question; the text of the answer drawn under it once the run is over."""
    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_be_visible(timeout=READY_MS)
    wait_idle(page)
    messages = page.get_by_test_id("stChatMessage")
    before = messages.count()
    box.fill(question)
    box.press("Enter")
    expect(messages).to_have_count(before + 2, timeout=60_000)
    wait_idle(page)
    expect(messages.nth(before)).to_contain_text(question)
    content = messages.nth(before + 1).get_by_test_id("stChatMessageContent")
    expect(content).to_contain_text(re.compile(r"\w+ \w+"), timeout=30_000)
    return content.inner_text()


def admin_login(page: Page, password: str) -> str:
    """Submit the admin password; the French verdict shown (or "" when the tabs open)."""
    box = page.get_by_label("Mot de passe administrateur")
    box.fill(password)
    page.get_by_role("button", name="Se connecter").click()
    verdict = page.get_by_text(re.compile(r"Mot de passe incorrect|Trop de tentatives depuis cette adresse"))
    expect(verdict.or_(page.get_by_text("Documents indexés"))).to_be_visible(timeout=60_000)
    wait_idle(page)
    return verdict.inner_text() if verdict.count() else ""


# ---- the tour ---------------------------------------------------------------------------------


def test_the_five_pages_show_no_english_and_unknown_addresses_land_home(server: AppServer, browser: Browser) -> None:
    page = new_page(browser)
    try:
        tour = [("", "Poser une question"), ("verifier", "Vérifier mon livrable"), ("oral", "S'entraîner à l'oral"),
                ("referentiel", "Référentiel"), ("administration", "Administration")]  # fmt: skip
        for path, heading in tour:
            open_path(page, server.url, path, heading)
            if path == "":
                expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=READY_MS)
            shown = visible_text(page)
            assert heading in shown
            assert not ENGLISH.findall(shown), (path, ENGLISH.findall(shown))
        for path in ("question", "questions", "inscription"):  # the home page's own name, a typo, a dead link
            page.goto(f"{server.url}/{path}")
            expect(page.get_by_role("heading", name="Poser une question")).to_be_visible(timeout=60_000)
            wait_idle(page)
            expect(page.get_by_test_id("stDialog")).to_have_count(0)
            assert not ENGLISH.findall(visible_text(page)), path

        open_path(page, server.url, "verifier", "Vérifier mon livrable")
        button = page.get_by_test_id("stFileUploaderDropzone").get_by_role("button")
        label = button.get_by_test_id("stMarkdownContainer").first
        assert label.evaluate("e => getComputedStyle(e, '::after').content") == '"Choisir un fichier"'
        expect(page.get_by_text("20 Mo maximum")).to_have_count(1)  # the limit, said once
        # A file of another kind is refused in French by the app, not in English by Streamlit.
        odd = ARTIFACTS / "tableau.csv"
        odd.write_text("poste;montant\nagence;12000\n", encoding="utf-8")
        page.locator("input[type=file]").set_input_files(str(odd))
        page.get_by_role("button", name="Vérifier mon livrable").click()
        expect(page.get_by_test_id("stAlertContentError").first).to_be_visible(timeout=60_000)
        wait_idle(page)
        shown = visible_text(page)
        assert not ENGLISH.findall(shown), ENGLISH.findall(shown)
        page.screenshot(path=str(ARTIFACTS / "tour_verifier.png"), full_page=True)
    finally:
        page.context.close()


def test_a_candidate_reads_accented_titles_and_no_file_path(server: AppServer, browser: Browser) -> None:
    page = new_page(browser)
    try:
        open_path(page, server.url, "", "Poser une question")
        overview = ask(page, "Quels sont les blocs de compétences ?")
        assert "Définir la stratégie digitale" in overview and "Déployer le projet digital" in overview
        assert "Definir la strategie" not in overview and "Deployer le projet" not in overview
        ask(page, "Que faut-il montrer pour valider le CR7 ?")
        ask(page, "Quelles fiches lire pour préparer le budget ?")
        for expander in page.get_by_test_id("stExpander").all():
            expander.locator("summary").click()
        wait_idle(page)
        chat = "\n".join(page.get_by_test_id("stChatMessage").all_inner_texts())
        assert "[1]" in chat
        assert not PATH.findall(chat), PATH.findall(chat)
        page.screenshot(path=str(ARTIFACTS / "tour_candidate.png"), full_page=True)
    finally:
        page.context.close()


def test_a_saved_school_contact_appears_in_the_next_refusal(
    server: AppServer, browser: Browser, tour_dir: Path
) -> None:
    from assistant.ui.admin_page import FILE_COLUMNS

    page = new_page(browser)
    try:
        open_path(page, server.url, "", "Poser une question")
        before = ask(page, "Quels sont les frais de scolarité ?")
        assert "pas encore renseignées" in before and CONTACT not in before

        open_path(page, server.url, "administration", "Administration")
        assert admin_login(page, PASSWORD) == ""
        grid = page.get_by_test_id("stDataFrame").first
        expect(grid).to_be_visible(timeout=30_000)
        box = grid.bounding_box()
        main = page.get_by_test_id("stMain").bounding_box()
        assert box is not None and main is not None and box["x"] + box["width"] <= main["x"] + main["width"]
        # The grid is a canvas: its columns, their set widths (admin_page.FILE_COLUMNS) and the canvas's width.
        headers = grid.locator("th[role=columnheader]")
        expect(headers).to_have_count(len(FILE_COLUMNS), timeout=30_000)  # drawn once the grid's data arrived
        assert headers.all_inner_texts() == list(FILE_COLUMNS) and "Indexé le" in FILE_COLUMNS
        canvas = grid.get_by_test_id("data-grid-canvas").bounding_box()
        assert canvas is not None
        assert sum(int(column["width"]) for column in FILE_COLUMNS.values()) <= canvas["width"]  # all in view
        page.screenshot(path=str(ARTIFACTS / "tour_admin.png"))
        page.get_by_role("tab", name="Informations de l'école").click()
        page.get_by_role("textbox", name="Adresse e-mail").fill(CONTACT)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text("Informations de l'école enregistrées.")).to_be_visible(timeout=30_000)
        wait_idle(page)
        assert f"email: {CONTACT}" in (tour_dir / "corpus" / "ecole.yaml").read_text(encoding="utf-8")
        assert list((tour_dir / "corpus" / "backups").glob("ecole-*.yaml"))  # the previous version, kept
        page.screenshot(path=str(ARTIFACTS / "tour_school_form.png"), full_page=True)

        page.get_by_test_id("stSidebarNavLink").filter(has_text="Poser une question").click()
        expect(page.get_by_role("heading", name="Poser une question")).to_be_visible(timeout=60_000)
        after = ask(page, "Quels sont les frais de scolarité ?")
        assert CONTACT in after
    finally:
        page.context.close()


def test_the_admin_lockout_survives_a_new_browser_context(server: AppServer, browser: Browser) -> None:
    """Last of the module: it locks this address out of Administration for the rest of the server's life."""
    first = new_page(browser)
    try:
        refused = 0
        while refused < 5:  # five wrong passwords, each once the guard's (short, growing) delay is over
            open_path(first, server.url, "administration", "Administration")  # a fresh form, no stale message
            if admin_login(first, f"mauvais-{refused}") == "Mot de passe incorrect.":
                refused += 1
            else:
                first.wait_for_timeout(500)
        open_path(first, server.url, "administration", "Administration")
        assert admin_login(first, PASSWORD).startswith("Trop de tentatives depuis cette adresse")
    finally:
        first.context.close()
    second = new_page(browser)  # a new browser context: new session, no cookies, same address
    try:
        open_path(second, server.url, "administration", "Administration")
        assert admin_login(second, PASSWORD).startswith("Trop de tentatives depuis cette adresse")
        expect(second.get_by_text("Documents indexés")).to_have_count(0)
        second.screenshot(path=str(ARTIFACTS / "tour_lockout.png"), full_page=True)
    finally:
        second.context.close()


def test_the_server_log_holds_no_script_run_context_noise_nor_traceback(server: AppServer, browser: Browser) -> None:
    page = new_page(browser)
    try:
        open_path(page, server.url, "verifier", "Vérifier mon livrable")
        page.get_by_role("combobox", name="Évaluation visée").click()
        page.get_by_role("option", name=re.compile(r"^E2 —")).click()
        wait_idle(page)
        page.locator("input[type=file]").set_input_files(str(DRAFTS / "e2_tableaux_microbrasserie.md"))
        page.get_by_role("button", name="Vérifier mon livrable").click()
        expect(page.get_by_role("heading", name="Détail par critère")).to_be_visible(timeout=120_000)
        wait_idle(page)
        assert not ENGLISH.findall(visible_text(page))
    finally:
        page.context.close()
    log = server.log_text()
    assert "ScriptRunContext" not in log, log[-2000:]
    assert server.tracebacks() == 0, log[-4000:]
