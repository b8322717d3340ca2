"""The mock jury in a real browser: check an E2 draft, then rehearse its gaps on « S'entraîner à l'oral ».

Same served app and Chromium as tests/test_e2e_browser.py (its fixtures and page helpers are imported; the
module is skipped, or fails where ``JB_REQUIRE_CHROMIUM=1``, without Chromium). One browser session: the
check page's report is what the oral page starts from. Screenshots go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import re

import pytest
import test_e2e_browser as browser_tests
from playwright.sync_api import Browser, Locator, Page, expect
from test_e2e_browser import DRAFTS, check_draft, download, go_to, open_app, screenshot, wait_idle, wait_report

pytestmark = pytest.mark.browser

server = browser_tests.server  # test_e2e_browser.py's fixtures; this module gets its own server
browser = browser_tests.browser

DRAFT = DRAFTS / "e2_annexe_budget_coworking.md"  # tune split; its report leaves E2 criteria partial or missing
ORAL = "S'entraîner à l'oral"
QUESTION = re.compile(r"^Question (\d+)(?: · Relance)? · (CR[\w-]+)$")
ANSWERS = [
    "Pour notre offre de séjours à vélo, j'ai comparé trois agences sur la qualité, le prix et leurs engagements "
    "sociétaux : Kappa à 18 400 €, Nordic à 21 000 € et Terra à 16 900 €, notées sur 20 avec une pondération "
    "de 40 % pour la qualité. Nous avons retenu Kappa et négocié un rabais de 6 % sur la maintenance.",
    "L'équipe réunit une cheffe de projet à 60 %, un développeur Shopify en freelance pendant 30 jours, une "
    "rédactrice SEO interne et une alternante en marketing ; chacun apporte une expertise complémentaire, et "
    "nous avons adapté les postes pour une collègue malentendante.",
    "Devant le comité de direction du 12 mars, j'ai présenté le budget de 48 000 € ligne par ligne et préparé "
    "les réponses aux questions attendues du directeur financier sur le retour sur investissement à 18 mois.",
]


def gaps_on_the_report(page: Page) -> set[str]:
    """Criteria the report on screen leaves partial or missing (read from its per-criterion expanders)."""
    labels = page.get_by_test_id("stExpander").locator("summary").all_inner_texts()
    return {m.group(2) for label in labels if (m := re.search(r"\b(partiel|manquant) — (CR[\w-]+) ·", label))}


def question_on_screen(page: Page, number: int) -> str:
    """The criterion code of question ``number``, once it is drawn with its countdown."""
    heading = page.get_by_role("heading", name=re.compile(rf"^Question {number}( · Relance)? · CR"))
    expect(heading).to_be_visible(timeout=60_000)
    wait_idle(page)
    match = QUESTION.match(heading.inner_text().strip())
    assert match is not None, heading.inner_text()
    return match.group(2)


def feedback_block(page: Page, number: int) -> Locator:
    """The bordered block of the feedback on question ``number`` (the innermost block holding its heading)."""
    heading = page.get_by_role("heading", name=f"Retour sur la question {number}")
    expect(heading).to_be_visible(timeout=60_000)
    return page.get_by_test_id("stVerticalBlock").filter(has=heading).last


def quotes_in(block: Locator) -> list[str]:
    """The answer's words the feedback quotes: « … » after « Vos mots : »."""
    lines = block.get_by_test_id("stMarkdownContainer").filter(has_text=re.compile(r"^\s*Vos mots :")).all_inner_texts()
    return [quote for line in lines for quote in re.findall(r"«\s(.+?)\s»", line)]


def test_the_jury_starts_on_the_checked_drafts_gaps_and_the_synthesis_downloads(server: str, browser: Browser) -> None:
    page = open_app(browser, server)
    try:
        go_to(page, "Vérifier mon livrable")
        check_draft(page, "E2", DRAFT)
        wait_report(page, "E2")
        gaps = gaps_on_the_report(page)
        assert gaps, page.get_by_test_id("stExpander").locator("summary").all_inner_texts()

        go_to(page, ORAL)
        wait_idle(page)
        expect(page.get_by_role("combobox", name="Évaluation")).to_have_value(re.compile(r"^E2 — "))
        from_draft = page.get_by_role("checkbox", name=f"Partir de mon livrable vérifié : {DRAFT.name}")
        expect(from_draft).to_be_checked()
        page.get_by_role("button", name="Commencer la session").click()

        asked: list[str] = []
        quoted = 0
        for number, answer in enumerate(ANSWERS, start=1):
            code = question_on_screen(page, number)
            if number == 1:
                assert code in gaps, (code, gaps)
            countdown = page.frame_locator('iframe[title="Compte à rebours"]').locator("#jb-countdown")
            expect(countdown).to_be_visible(timeout=30_000)
            expect(countdown).to_contain_text(re.compile(r"Temps (restant : \d+:\d\d|écoulé depuis)"))
            expect(page.get_by_text(re.compile(r"Temps conseillé : \d+"))).to_be_visible()
            asked.append(code)
            box = page.get_by_label("Votre réponse")
            box.fill(answer)
            page.get_by_role("button", name="Valider ma réponse").click()
            block = feedback_block(page, number)
            wait_idle(page)
            expect(block.get_by_text(re.compile(r"^(couvert|partiel|manquant)$")).first).to_be_visible()
            for quote in quotes_in(block):
                assert quote in answer, (quote, answer)
                quoted += 1
            if number == 1:
                screenshot(page, "oral_feedback.png")
        assert quoted, "no feedback quoted the answers"

        question_on_screen(page, len(ANSWERS) + 1)
        page.get_by_role("button", name="Terminer la session").click()
        expect(page.get_by_role("heading", name="Synthèse", exact=True)).to_be_visible(timeout=60_000)
        expect(page.get_by_role("heading", name="À travailler en priorité")).to_be_visible()
        wait_idle(page)
        saved = download(page, "Télécharger la synthèse (Markdown)")
        assert saved.name == "jury-blanc-oral-E2.md"
        text = saved.read_text(encoding="utf-8")
        assert "Synthèse" in text
        for code in asked:
            assert code in text, (code, asked)
        expect(page.get_by_role("button", name="Télécharger la synthèse (Word)")).to_be_visible()
        screenshot(page, "oral_synthesis.png")
    finally:
        page.context.close()


def test_the_countdown_runs_down_then_counts_the_time_over_in_the_browser(browser: Browser) -> None:
    from assistant.ui.oral_page import countdown_html

    page = browser.new_context(viewport={"width": 360, "height": 64}, locale="fr-FR").new_page()
    try:
        timer = page.locator("#jb-countdown")
        page.set_content(countdown_html(90))
        expect(timer).to_have_text(re.compile(r"^Temps restant : 1:[0-3]\d$"))
        expect(timer).not_to_have_class("over")
        page.set_content(countdown_html(1))
        over = re.compile(r"^Temps écoulé depuis \d+:\d\d — vous pouvez terminer votre réponse$")
        expect(timer).to_have_text(over, timeout=15_000)
        expect(timer).to_have_class("over")
        first = timer.inner_text()
        expect(timer).not_to_have_text(first, timeout=5_000)  # it keeps counting the time over
        box = timer.bounding_box()
        assert box is not None and box["height"] <= 64  # two lines at most in a narrow column: nothing cut
    finally:
        page.context.close()
