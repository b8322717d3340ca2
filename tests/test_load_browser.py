"""Eight candidates open a freshly started app at the same moment (real server, real Chromium, async Playwright).

Every one of them must get a chat input and an answer, no page may show an exception, and the server log must
hold no traceback. Correctness only: the latencies are measured by ``python -m evals.bench_load``.
Without Chromium the module is skipped, except where ``JB_REQUIRE_CHROMIUM=1`` (CI), where it fails.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from evals.app_server import ANSI, TRACEBACK, app_server
from evals.bench_app import CHROMIUM, LAUNCH_ARGS
from evals.bench_load import (
    UserRun,
    arrive,
    ask_all,
    close_all,
    exceptions_shown,
    user_questions,
)

pytestmark = pytest.mark.browser

USERS = 8

if not Path(CHROMIUM).exists():
    if os.environ.get("JB_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"Debian's Chromium is required here ({CHROMIUM}): apt-get install -y chromium", pytrace=False)
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM})", allow_module_level=True)


async def _eight_at_once(url: str) -> tuple[list[UserRun], list[str], list[int]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            runs = list(await asyncio.gather(*(arrive(browser, url, uid) for uid in range(USERS))))
            await asyncio.gather(*(ask_all(run) for run in runs))
            answers: list[str] = []
            shown: list[int] = []
            for run in runs:
                if run.page is None:
                    answers.append("")
                    shown.append(-1)
                    continue
                messages = run.page.get_by_test_id("stChatMessage")
                answers.append(await messages.last.inner_text() if await messages.count() else "")
                shown.append(await exceptions_shown(run.page))
            await close_all(runs)
            return runs, answers, shown
        finally:
            await browser.close()


def test_eight_users_arriving_together_on_a_fresh_start_all_get_answers(tmp_path: Path) -> None:
    env = {"JB_EMBEDDINGS": "e5-small"}  # the default: questions are understood from their meaning
    with app_server(tmp_path / "data", tmp_path / "server.log", env=env) as server:
        runs, answers, shown = asyncio.run(_eight_at_once(server.url))
        log = ANSI.sub("", server.log_text())
    assert [r.error for r in runs] == [None] * USERS, [r.error for r in runs]
    assert all(r.ready_s is not None for r in runs)  # every session got its chat input
    assert [len(r.answers_s) for r in runs] == [len(user_questions(r.uid)) for r in runs]
    assert shown == [0] * USERS
    # Each user's last message is the answer to its own last question, cited or a plain refusal.
    for run, text in zip(runs, answers, strict=True):
        assert text.strip(), f"user {run.uid} has no answer"
        assert "[1]" in text or "Je ne trouve pas" in text, text[:300]
    assert not TRACEBACK.findall(log), log[-3000:]
    assert "Could not connect to tenant" not in log
