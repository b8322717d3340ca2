"""Privacy: a checked draft never reaches the disk, the index or the logs unless the user saves a report."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from conftest import make_settings
from typer.testing import CliRunner

from assistant.cli import app

MARKER = "ZEBULON-7731-CONFIDENTIEL"
# A real draft of the dev set, with a marker planted in it (the brand's shop platform).
DRAFT = (
    (Path(__file__).resolve().parent.parent / "evals" / "drafts" / "e2_tableaux_microbrasserie.md")
    .read_text(encoding="utf-8")
    .replace("Shopify", f"Shopify-{MARKER}")
)


def _files_containing(root: Path, needle: str) -> list[Path]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            try:
                if needle.encode() in path.read_bytes():
                    hits.append(path)
            except OSError:
                continue
    return hits


def test_a_checked_draft_leaves_no_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    from assistant.runtime import build_runtime
    from assistant.settings import get_settings

    settings = make_settings(tmp_path)
    monkeypatch.setenv("JB_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("JB_EMBEDDINGS", "hashing")
    get_settings.cache_clear()
    runtime = build_runtime(settings, ensure_index=True)
    before = runtime.store.count()
    upload = tmp_path / "upload"  # where the user's file lives; not ours to scan
    upload.mkdir()
    (upload / "brouillon.md").write_text(DRAFT, encoding="utf-8")
    caplog.set_level(logging.DEBUG)
    result = CliRunner().invoke(app, ["check", str(upload / "brouillon.md"), "--eval", "E2", "--json"])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    quotes = [e["quote"] for c in json.loads(result.output)["criteria"] for e in c["evidence"]]
    assert any(MARKER in q for q in quotes)  # the user does get their own text back
    assert _files_containing(settings.data_dir, MARKER) == []
    assert runtime.store.count() == before
    assert all(MARKER not in c.text for c in runtime.store.all_chunks())
    assert all(MARKER not in record.getMessage() for record in caplog.records)


def test_saving_a_report_is_the_only_way_a_draft_reaches_the_disk(tmp_path: Path) -> None:
    draft = tmp_path / "brouillon.md"
    draft.write_text(DRAFT, encoding="utf-8")
    out = tmp_path / "rapport.md"
    result = CliRunner().invoke(app, ["check", str(draft), "--eval", "E2", "--out", str(out)])
    assert result.exit_code == 0
    assert MARKER in out.read_text(encoding="utf-8")  # explicitly saved by the user
