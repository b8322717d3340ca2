"""Load benchmark: real Chromium (async Playwright) against a fresh app start, many users at once.

``python -m evals.bench_load [--users 1,4,8] [--mixed | --no-mixed] [--arrivals K] [--label TEXT]``

Scenarios, each on a fresh ``streamlit run`` with an empty data directory (the first page load indexes):

- ``ask-N``: N browser contexts arrive together; each waits for the chat input; once the pages have settled
  (``SETTLE_S``), all of them ask 2 questions, pressing Enter at the same moment;
- ``mixed``: one user checks a draft alone twice (the second, warm, is the check's *time alone*), then 8 new
  users arrive together: 2 check the same draft while 6 ask 2 questions each;
- ``--arrivals K``: K more fresh starts with 8 users arriving together (crashes and tracebacks only).

A question's time runs from pressing Enter to its answer's rating widget being drawn (the last element of an
answer). A session *crashed* when it never got a chat input (or a report), never got its answer, or shows a
Streamlit exception. The server log is searched for tracebacks.

Yardstick, same run: the in-process answer time of the same questions (``Asker.answer``, warm) on the index
the app built, and the in-process review of the same draft. Figures are printed and appended to
``evals/results/bench_load.json``; nothing is asserted (``tests/test_load_browser.py`` asserts correctness).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.app_server import AppServer, app_server
from evals.bench_app import CHROMIUM, LAUNCH_ARGS, append_history

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "evals" / "results" / "bench_load.json"
DRAFT = ROOT / "evals" / "drafts" / "e2_tableaux_microbrasserie.md"
DRAFT_KEY = "E2"
QUESTIONS = [
    "Que faut-il montrer pour valider le CR7 ?",
    "Comment se déroule l'évaluation du bloc 3 ?",
    "Quels sont les critères de l'E2 ?",
    "C'est quoi la différence entre l'option 1 et l'option 2 du bloc 5 ?",
    "Combien de blocs de compétences compte le titre ?",
    "Que dit le CR14 ?",
    "Comment construire le budget d'un projet digital ?",
    "J'ai une dyslexie, je peux avoir un aménagement pour les épreuves ?",
]
QUESTIONS_PER_USER = 2
READY_S = 180.0
# After arriving, a page keeps working for a few seconds (fonts, layout): 8 fresh pages use about half a core
# each meanwhile. Users read the page before typing, so questions start once pages have settled.
SETTLE_S = 5.0
ANSWER_S = 60.0
CHECK_S = 240.0


def user_questions(uid: int) -> list[str]:
    return [QUESTIONS[(uid + 3 * k) % len(QUESTIONS)] for k in range(QUESTIONS_PER_USER)]


# ---- one user in the browser ---------------------------------------------------------------------


@dataclass
class UserRun:
    uid: int
    role: str  # "ask" or "check"
    page: Page | None = None
    ready_s: float | None = None
    answers_s: list[float] = field(default_factory=list)
    checks_s: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def crashed(self) -> bool:
        return self.error is not None


def _error(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}"


async def arrive(browser: Browser, url: str, uid: int, role: str = "ask") -> UserRun:
    """A new browser context on the home page; ``ready_s`` once its chat input is there."""
    from playwright.async_api import expect

    run = UserRun(uid, role)
    try:
        context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        run.page = await context.new_page()
        started = time.perf_counter()
        await run.page.goto(url)
        await expect(run.page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=READY_S * 1000)
        run.ready_s = time.perf_counter() - started
    except Exception as exc:
        run.error = f"not ready: {_error(exc)}"
    return run


async def ask(page: Page, question: str) -> float:
    """Seconds from pressing Enter to the answer's rating widget (drawn after the answer and its sources)."""
    from playwright.async_api import expect

    before = await page.get_by_test_id("stFeedback").count()
    box = page.get_by_test_id("stChatInputTextArea")
    await box.fill(question)
    started = time.perf_counter()
    await box.press("Enter")
    await expect(page.get_by_test_id("stFeedback")).to_have_count(before + 1, timeout=ANSWER_S * 1000)
    return time.perf_counter() - started


async def open_check_page(page: Page, key: str, draft: Path) -> None:
    """The check page with ``key`` chosen and ``draft`` uploaded, ready to click « Vérifier mon livrable »."""

    from playwright.async_api import expect

    await page.get_by_test_id("stSidebarNavLink").filter(has_text="Vérifier mon livrable").click()
    combo = page.get_by_role("combobox", name="Évaluation visée")
    await expect(combo).to_be_visible(timeout=READY_S * 1000)
    await combo.click()
    await page.get_by_role("option", name=re.compile(rf"^{re.escape(key)} —")).click()
    await expect(combo).to_have_value(re.compile(rf"^{re.escape(key)} —"))
    await expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    await page.locator("input[type=file]").set_input_files(str(draft))
    await expect(page.get_by_role("button", name="Vérifier mon livrable")).to_be_enabled(timeout=30_000)


async def check(page: Page, key: str, submitted: asyncio.Event | None = None) -> float:
    """Click « Vérifier mon livrable »; seconds until a new report's last block is drawn."""
    from playwright.async_api import expect

    before = await page.get_by_test_id("stHeading").filter(has_text="Avis indicatif").count()
    started = time.perf_counter()
    await page.get_by_role("button", name="Vérifier mon livrable").click()
    if submitted is not None:
        submitted.set()
    heading = page.get_by_role("heading", name="Évolution depuis la vérification précédente")
    if before:  # a second check replaces the first report: wait for the comparison with it
        await expect(page.get_by_text("Comparaison avec")).to_be_visible(timeout=CHECK_S * 1000)
    await expect(heading).to_be_visible(timeout=CHECK_S * 1000)
    return time.perf_counter() - started


async def exceptions_shown(page: Page) -> int:
    return int(await page.get_by_test_id("stException").count())


async def ask_all(run: UserRun, go: asyncio.Event | None = None) -> None:
    if run.page is None or run.error:
        return
    try:
        if go is not None:
            await go.wait()
        for question in user_questions(run.uid):
            run.answers_s.append(await ask(run.page, question))
        if shown := await exceptions_shown(run.page):
            run.error = f"{shown} exception(s) shown on the page"
    except Exception as exc:
        run.error = f"ask: {_error(exc)}"


async def check_once(run: UserRun, submitted: asyncio.Event | None = None, *, open_page: bool = True) -> None:
    if run.page is None or run.error:
        return
    try:
        if open_page:
            await open_check_page(run.page, DRAFT_KEY, DRAFT)
        run.checks_s.append(await check(run.page, DRAFT_KEY, submitted))
        if shown := await exceptions_shown(run.page):
            run.error = f"{shown} exception(s) shown on the page"
    except Exception as exc:
        run.error = f"check: {_error(exc)}"


async def close_all(runs: list[UserRun]) -> None:
    for run in runs:
        if run.page is not None:
            await run.page.context.close()


# ---- scenarios ----------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))], 3)


def summarise(name: str, runs: list[UserRun], server: AppServer, cpu_s: float | None = None) -> dict[str, Any]:
    answers = [s for r in runs for s in r.answers_s]
    checks = [s for r in runs for s in r.checks_s]
    ready = [r.ready_s for r in runs if r.ready_s is not None]
    out: dict[str, Any] = {
        "scenario": name,
        "users": len(runs),
        "crashed": sum(r.crashed for r in runs),
        "errors": [f"user {r.uid}: {r.error}" for r in runs if r.error],
        "tracebacks": server.tracebacks(),
        "ready_s": {"p50": pct(ready, 0.5), "max": pct(ready, 1.0)},
        "answer_s": {"n": len(answers), "p50": pct(answers, 0.5), "p95": pct(answers, 0.95), "max": pct(answers, 1.0)},
    }
    if checks:
        out["check_s"] = [round(c, 2) for c in checks]
    if cpu_s is not None and answers:
        out["server_cpu_ms_per_question"] = round(cpu_s * 1000 / len(answers), 1)
    return out


async def scenario_ask(browser: Browser, users: int, workdir: Path, env: dict[str, str]) -> dict[str, Any]:
    """N users arrive together on a fresh start; once all are ready (or failed), each asks 2 questions."""
    with app_server(workdir / f"data-ask{users}", workdir / f"ask{users}.log", env=env) as server:
        runs = list(await asyncio.gather(*(arrive(browser, server.url, uid) for uid in range(users))))
        await asyncio.sleep(SETTLE_S)
        cpu0 = server.cpu_seconds()
        await asyncio.gather(*(ask_all(run) for run in runs))
        cpu = server.cpu_seconds() - cpu0
        await close_all(runs)
        return summarise(f"ask-{users}", runs, server, cpu)


async def scenario_mixed(browser: Browser, workdir: Path, env: dict[str, str], users: int = 8,
                         checkers: int = 2) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    """One user checks the draft twice alone (the second is the warm *time alone*); then ``users`` arrive
    together, ``checkers`` of them check the same draft while the others ask 2 questions each."""
    with app_server(workdir / "data-mixed", workdir / "mixed.log", env=env) as server:
        alone = await arrive(browser, server.url, 0, "check")
        await check_once(alone)
        await check_once(alone, open_page=False)
        await close_all([alone])
        runs = list(
            await asyncio.gather(
                *(arrive(browser, server.url, uid, "check" if uid < checkers else "ask") for uid in range(users))
            )
        )
        for run in runs[:checkers]:
            if run.page is not None and not run.error:
                await open_check_page(run.page, DRAFT_KEY, DRAFT)
        await asyncio.sleep(SETTLE_S)
        submitted = [asyncio.Event() for _ in range(checkers)]

        async def all_submitted() -> None:
            await asyncio.gather(*(event.wait() for event in submitted))

        go = asyncio.Event()
        gate = asyncio.create_task(all_submitted())
        gate.add_done_callback(lambda _: go.set())
        await asyncio.gather(
            *(check_once(run, submitted[i], open_page=False) for i, run in enumerate(runs[:checkers])),
            *(ask_all(run, go) for run in runs[checkers:]),
        )
        await close_all(runs)
        return summarise("check-alone", [alone], server), summarise(f"mixed-{users}", runs, server)


async def scenario_arrivals(browser: Browser, starts: int, workdir: Path, env: dict[str, str],
                            users: int = 8) -> dict[str, Any]:  # fmt: skip
    """``starts`` fresh starts, ``users`` arriving together on each, one question each: crashes and tracebacks."""
    crashed, tracebacks, errors = 0, 0, []
    for start in range(starts):
        with app_server(workdir / f"data-arrivals{start}", workdir / f"arrivals{start}.log", env=env) as server:
            runs = list(await asyncio.gather(*(arrive(browser, server.url, uid) for uid in range(users))))
            await asyncio.gather(*(ask_all(run) for run in runs))
            await close_all(runs)
            crashed += sum(r.crashed for r in runs)
            tracebacks += server.tracebacks()
            errors += [f"start {start} user {r.uid}: {r.error}" for r in runs if r.error]
    return {"scenario": f"arrivals-{starts}x{users}", "starts": starts, "users": users, "crashed": crashed,
            "tracebacks": tracebacks, "errors": errors}  # fmt: skip


# ---- the yardstick: the same work in process -------------------------------------------------------


def in_process(data_dir: Path, repeats: int = 5) -> dict[str, Any]:
    """Warm ``Asker.answer`` on the benchmark's questions, and one review of its draft, on the app's index."""
    os.environ["JB_DATA_DIR"] = str(data_dir)
    from assistant.answer.ask import Asker
    from assistant.documents import load_document
    from assistant.review.service import Reviewer
    from assistant.runtime import build_runtime
    from assistant.settings import get_settings

    get_settings.cache_clear()
    runtime = build_runtime(get_settings(), ensure_index=True)
    asker = Asker(runtime, use_settings_model=False)
    for question in QUESTIONS:
        asker.answer(question)
    samples: list[float] = []
    for _ in range(repeats):
        for question in QUESTIONS:
            started = time.perf_counter()
            asker.answer(question)
            samples.append(time.perf_counter() - started)
    reviewer = Reviewer.from_settings(runtime.settings, runtime.embedding, pack=runtime.pack)
    document = load_document(DRAFT.read_bytes(), filename=DRAFT.name)
    reviewer.review(document, DRAFT_KEY)
    started = time.perf_counter()
    reviewer.review(document, DRAFT_KEY)
    return {
        "answer_s": {"n": len(samples), "p50": pct(samples, 0.5), "p95": pct(samples, 0.95)},
        "check_s": round(time.perf_counter() - started, 2),
    }


# ---- report -------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def print_table(results: list[dict[str, Any]], yardstick: dict[str, Any] | None) -> None:
    print(f"{'scenario':<14}{'users':>6}{'crashed':>9}{'tb':>4}{'ready max':>11}{'p50':>8}{'p95':>8}{'max':>8}"
          f"{'cpu/q ms':>10}  checks s")  # fmt: skip
    for r in results:
        answer = r.get("answer_s", {})
        print(
            f"{r['scenario']:<14}{r.get('users', ''):>6}{r['crashed']:>9}{r['tracebacks']:>4}"
            f"{_fmt(r.get('ready_s', {}).get('max')):>11}{_fmt(answer.get('p50')):>8}{_fmt(answer.get('p95')):>8}"
            f"{_fmt(answer.get('max')):>8}{r.get('server_cpu_ms_per_question', '—')!s:>10}  "
            f"{', '.join(str(c) for c in r.get('check_s', [])) or '—'}"
        )
        for error in r.get("errors", [])[:5]:
            print(f"    ! {error}")
    if yardstick:
        a = yardstick["answer_s"]
        print(f"yardstick (in process, warm): answer p50 {_fmt(a['p50'])} s, p95 {_fmt(a['p95'])} s; "
              f"review of {DRAFT.name} {yardstick['check_s']} s")  # fmt: skip
        for r in results:
            p95 = r.get("answer_s", {}).get("p95")
            if p95 and a["p95"]:
                print(f"  {r['scenario']}: browser answer p95 = {p95 / a['p95']:.1f}x the in-process p95")


async def run(args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    env = {"JB_EMBEDDINGS": args.embeddings} if args.embeddings else {}
    env.update(item.split("=", 1) for item in args.env)
    results: list[dict[str, Any]] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            for users in args.users:
                print(f"== {users} user(s) arriving together on a fresh start, 2 questions each", flush=True)
                results.append(await scenario_ask(browser, users, workdir, env))
            if args.mixed:
                print("== a draft check alone, then 8 users: 2 check while 6 ask", flush=True)
                results.extend(await scenario_mixed(browser, workdir, env))
            if args.arrivals:
                print(f"== {args.arrivals} more fresh starts, 8 users arriving together", flush=True)
                results.append(await scenario_arrivals(browser, args.arrivals, workdir, env))
        finally:
            await browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", default="1,4,8", help="Comma-separated user counts (default: 1,4,8).")
    parser.add_argument("--mixed", action=argparse.BooleanOptionalAction, default=True,
                        help="Also run 2 draft checks while 6 users ask (default: yes).")  # fmt: skip
    parser.add_argument("--arrivals", type=int, default=0, help="Extra fresh starts with 8 users (crashes only).")
    parser.add_argument("--embeddings", default=None, help="JB_EMBEDDINGS for the app (default: configured).")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="JB_NAME=VALUE",
        help="A setting for the app under test (repeatable), e.g. JB_SERVE__CHECK_WORKERS=2.",
    )
    parser.add_argument("--label", default="", help="A note stored with the results (e.g. a commit).")
    args = parser.parse_args(argv)
    args.users = [int(u) for u in str(args.users).split(",") if u.strip()]
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="jb-bench-load-") as tmp:
        workdir = Path(tmp)
        results = asyncio.run(run(args, workdir))
        data_dirs = sorted(workdir.glob("data-*"))
        yardstick = in_process(data_dirs[0]) if data_dirs else None
    print_table(results, yardstick)
    append_history(
        RESULTS,
        {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "label": args.label,
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "yardstick_in_process": yardstick,
            "scenarios": results,
        },
    )
    print(f"appended to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
