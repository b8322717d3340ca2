"""Cold start of the app: server start -> /_stcore/health -> first page painted -> ready to answer.

``python -m evals.bench_app [--scenario existing|fresh|both] [--embeddings SPEC]``

- ``existing``: the configured data directory (the index is reused if it is there);
- ``fresh``: an empty temporary data directory, so the first page load also builds the index.

Each run starts ``streamlit run streamlit_app.py`` on a free loopback port, waits for the health
endpoint, then opens the app in Debian's Chromium (launched beforehand, not timed) and records when
the page title is visible (first paint) and when the chat input is (index open, asker ready).
Figures are printed and appended to evals/results/bench_app.json; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.app_server import app_server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "evals" / "results" / "bench_app.json"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TITLE = "Poser une question"


def append_history(path: Path, entry: dict[str, Any]) -> None:
    """Append ``entry`` to the JSON list kept in ``path`` (started afresh if the file is not such a list)."""
    history: list[dict[str, Any]] = []
    if path.is_file():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            history = loaded if isinstance(loaded, list) else []
        except ValueError:
            history = []
    history.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(history, ensure_ascii=False, indent=2), encoding="utf-8")


def run_once(scenario: str, embeddings: str | None, timeout_s: float) -> dict[str, Any]:
    from playwright.sync_api import expect, sync_playwright

    from assistant.settings import get_settings

    env = {k: v for k, v in os.environ.items() if k.startswith("JB_")}  # the configured app
    if embeddings:
        env["JB_EMBEDDINGS"] = embeddings
    with tempfile.TemporaryDirectory(prefix="jb-bench-app-") as tmp:
        data_dir = Path(tmp) / "data" if scenario == "fresh" else get_settings().data_dir
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            try:
                with app_server(data_dir, Path(tmp) / "server.log", env=env, timeout_s=timeout_s) as server:
                    page = browser.new_page()
                    page.goto(server.url)
                    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=timeout_s * 1000)
                    title_s = time.perf_counter() - server.started
                    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=timeout_s * 1000)
                    ready_s = time.perf_counter() - server.started
                    health_s = server.health_s
            finally:
                browser.close()
    return {
        "scenario": scenario,
        "embeddings": embeddings or env.get("JB_EMBEDDINGS", "e5-small (default)"),
        "health_s": round(health_s, 2),
        "first_page_title_s": round(title_s, 2),
        "ready_to_answer_s": round(ready_s, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenario", choices=["existing", "fresh", "both"], default="both")
    parser.add_argument("--embeddings", default=None, help="JB_EMBEDDINGS for the server (default: configured).")
    parser.add_argument("--timeout", type=float, default=600.0, help="Seconds allowed per step.")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    scenarios = ["existing", "fresh"] if args.scenario == "both" else [args.scenario]
    runs = []
    for scenario in scenarios:
        print(f"== app cold start, {scenario} index", flush=True)
        result = run_once(scenario, args.embeddings, args.timeout)
        print(
            f"   health {result['health_s']} s · first page (title visible) {result['first_page_title_s']} s "
            f"· ready to answer {result['ready_to_answer_s']} s",
            flush=True,
        )
        runs.append(result)
    append_history(
        RESULTS,
        {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "runs": runs,
        },
    )
    print(f"appended to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
