"""The offline CLI imports only what it uses: `ask` loads no chat-model machinery and reads Chroma without
LangChain's wrapper (only ingestion writes through it); `check` loads neither, nor the vector store, nor
python-docx for a Markdown draft (a review needs the embedder and the pack)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, sys
from typer.testing import CliRunner
from assistant.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
print(json.dumps({"exit": result.exit_code, "modules": sorted(sys.modules)}))
"""


def loaded(tmp_path: Path, *args: str) -> set[str]:
    env = {"JB_DATA_DIR": str(tmp_path), "JB_EMBEDDINGS": "hashing", "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    data = json.loads(run.stdout.strip().splitlines()[-1])
    assert data["exit"] == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return set(data["modules"])


def test_offline_check_loads_no_chat_model_no_vector_store_no_word_writer(tmp_path: Path) -> None:
    draft = ROOT / "evals" / "drafts" / "e2_tableaux_microbrasserie.md"
    modules = loaded(tmp_path, "check", str(draft), "--eval", "E2", "--json")

    assert "assistant.review.engine" in modules  # the probe did run a review
    for heavy in ("langchain_core.language_models.chat_models", "chromadb", "langchain_chroma", "docx"):
        assert heavy not in modules, heavy


def test_offline_ask_loads_no_chat_model_and_no_langchain_store_wrapper(tmp_path: Path) -> None:
    assert "langchain_chroma" in loaded(tmp_path, "ingest")  # writing goes through LangChain's Chroma

    modules = loaded(tmp_path, "ask", "Que dit exactement le CR7 ?", "--json")

    assert "assistant.answer.service" in modules
    for heavy in ("langchain_core.language_models.chat_models", "langchain_chroma", "langsmith"):
        assert heavy not in modules, heavy
