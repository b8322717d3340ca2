"""The engine serves any title: a fictitious test pack with other code shapes works end to end.

``tests/fixtures/packs/mediation`` is a title written for these tests: codes like ``EC1.2``, a range
printed « EC2.1 – EC2.3 » after its text, one criterion printed with no code, two blocs, three
evaluations. Selecting it with ``JB_CORPUS_DIR`` must make every command and the app work on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.pack import load_pack

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "tests" / "fixtures" / "packs" / "mediation"
DRAFTS = PACK / "evals" / "drafts"
runner = CliRunner()


def _clear_settings() -> None:
    from assistant.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture(scope="module")
def pack_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("other-pack") / "data"
    patch = pytest.MonkeyPatch()
    patch.setenv("JB_CORPUS_DIR", str(PACK))
    patch.setenv("JB_DATA_DIR", str(data))
    patch.setenv("JB_EMBEDDINGS", "hashing")
    for name in ("JB_LLM", "JB_CHROMA_HOST", "JB_EVALS_DIR"):
        patch.delenv(name, raising=False)
    _clear_settings()
    try:
        yield data
    finally:
        patch.undo()
        _clear_settings()


def invoke(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


# ---- the pack as data ----------------------------------------------------------------------
def test_the_code_grammar_is_the_packs() -> None:
    codes = load_pack(PACK).codes
    assert codes.find("Que dit le EC1.2 ?") == ["EC1.2"]
    assert codes.find("le bloc (EC2.1 – EC2.3)") == ["EC2.1", "EC2.2", "EC2.3"]
    assert codes.find("ec 2.4 et EC2.5, puis CP2.1 à CP2.3") == ["EC2.4", "EC2.5", "CP2.1", "CP2.2", "CP2.3"]
    assert codes.find("EC9.9, CR7 et E2 n'existent pas ici") == []
    assert codes.normalize("ev 3") == "EV3"


def test_display_titles_come_from_the_pack_with_accents() -> None:
    pack = load_pack(PACK)
    assert pack.display_title("EV2") == "Piloter et évaluer un projet de médiation"
    assert pack.title == "Coordinateur de projets de médiation culturelle"


def test_the_uncoded_criterion_is_derived_and_not_printed() -> None:
    pack = load_pack(PACK)
    crit = pack.ref.criterion("EC2.5")
    assert crit.derived and crit.note
    source = (PACK / "referentiel" / pack.ref.source).read_text(encoding="utf-8")
    assert "EC2.5" not in source and "EC2.1 – EC2.3" in source


# ---- the CLI on the pack -------------------------------------------------------------------
def test_referentiel_command_reads_the_pack(pack_env: Path) -> None:
    item = invoke("referentiel", "ec1.2", "--json")
    assert item["code"] == "EC1.2" and item["evaluation"]["key"] == "EV1"
    tree = invoke("referentiel", "--json")
    assert [b["id"] for b in tree["blocs"]] == ["B1", "B2"]


def test_ingest_then_ask_cites_the_named_code(pack_env: Path) -> None:
    summary = runner.invoke(app, ["ingest"])
    assert summary.exit_code == 0, summary.output
    answer = invoke("ask", "Que dit le EC1.2 ?", "--json")
    assert not answer["refused"]
    assert "EC1.2" in answer["sources"][0]["codes"]
    assert "[1]" in answer["answer"]


def test_ask_refuses_what_the_pack_does_not_hold(pack_env: Path) -> None:
    answer = invoke("ask", "Combien coûte la formation ?", "--json")
    assert answer["refused"] and not answer["sources"]


LABELS = yaml.safe_load((DRAFTS / "labels.yaml").read_text(encoding="utf-8"))
# The gold labels the offline engine (hashing embedder) misses on this pack, measured when this test was written;
# every other label of the pack must be matched exactly.
KNOWN_MISSES = {
    ("ev1_fort_musee_quartier.md", "EC1.3"),  # gold covered, engine missing (house verdict model, hashing embedder)
    ("ev2_mixte_festival.md", "EC2.2"),  # gold partial, engine missing
    ("ev3_faible_bilan.md", "EC2.5"),  # gold partial, engine missing
}


@pytest.fixture(scope="module")
def reports(pack_env: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    """`check --json` of every labelled draft of the pack, by file."""
    return {e["file"]: invoke("check", str(DRAFTS / e["file"]), "--eval", e["evaluation"], "--json") for e in LABELS}


@pytest.mark.parametrize("entry", LABELS, ids=lambda e: e["file"])
def test_check_gives_every_criterion_of_the_evaluation(reports: dict, entry: dict) -> None:  # type: ignore[type-arg]
    report = reports[entry["file"]]
    expected = load_pack(PACK).ref.evaluation(entry["evaluation"]).criteria_codes
    assert [c["code"] for c in report["criteria"]] == expected == list(entry["labels"])
    assert all(c["referentiel"] for c in report["criteria"])
    got = {c["code"]: c["status"] for c in report["criteria"]}
    agreed = {
        code: label["status"] for code, label in entry["labels"].items() if (entry["file"], code) not in KNOWN_MISSES
    }
    assert {code: got[code] for code in agreed} == agreed


def test_check_agrees_with_the_packs_gold_labels(reports: dict) -> None:  # type: ignore[type-arg]
    from assistant.evaluate.drafts_eval import score_pairs

    pairs = [
        (label["status"], next(c["status"] for c in reports[e["file"]]["criteria"] if c["code"] == code))
        for e in LABELS
        for code, label in e["labels"].items()
    ]
    scores = score_pairs(pairs)
    assert scores["n"] == 11
    # Measured with the house verdict model (fitted on the main pack, e5): accuracy 0.727 (8 of 11 labels),
    # quadratic weighted kappa 0.686 (0.836 with the hand-set thresholds: EC1.3 went from partial to missing).
    assert scores["accuracy"] >= 0.70
    assert scores["qw_kappa"] >= 0.65


def test_keyword_stuffed_draft_gets_no_covered_verdict(pack_env: Path) -> None:
    report = invoke("check", str(DRAFTS / "ev1_bourre_mots_cles.md"), "--eval", "EV1", "--json")
    assert all(c["status"] != "covered" for c in report["criteria"])


def test_eval_runs_on_the_packs_own_dev_sets(pack_env: Path) -> None:
    results = invoke("eval", "--json")
    assert Path(results["evals_dir"]) == PACK / "evals"
    assert results["retrieval"]["n"] == 13  # in-scope questions of the pack's set
    assert results["answers"]["summary"]["n"] == 16
    assert results["answers"]["summary"]["out_of_scope_refusal_rate"] == 1.0
    assert len(results["drafts"]["rows"]) == 11  # 3 + 3 + 2 + 3 criterion labels
    assert "redteam" not in results


# ---- the app on the pack -------------------------------------------------------------------
def test_the_app_opens_on_the_pack(pack_env: Path) -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert any("Coordinateur de projets de médiation culturelle" in str(c.value) for c in at.sidebar.caption)
    at.switch_page("assistant/ui/pages/verifier.py").run()
    assert not at.exception, at.exception
    picker = at.selectbox(key="check_eval")
    assert picker.options == [
        "EV1 — Bloc 1 : Concevoir un projet de médiation culturelle",
        "EV2 — Bloc 2 : Piloter et évaluer un projet de médiation",
        "EV3 — Bloc 2 : Piloter et évaluer un projet de médiation",
    ]


def test_the_chat_suggests_the_packs_questions(pack_env: Path) -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert "Que dit le EC1.2 ?" in [b.label for b in at.button]
    next(b for b in at.button if b.label == "Que dit le EC1.2 ?").click().run()
    assert not at.exception, at.exception
    assert any("EC1.2" in str(m.value) for msg in at.chat_message for m in msg.markdown)


def test_every_verbatim_field_of_the_pack_is_in_its_source() -> None:
    from assistant.pack import source_text
    from tests.test_referentiel_data import all_verbatim, normalise

    source = normalise(source_text(PACK))
    missing = [where for where, frags in all_verbatim(load_pack(PACK).ref) for f in frags if normalise(f) not in source]
    assert not missing
