"""Plan, then compose: questions are understood from their meaning (default embedder, e5-small).

The questions of issue 20's "Done when", asked through the CLI; two-question conversations of both kinds
(a follow-up inherits, a self-contained question never does); the pack's suggested questions of every
audience, in both packs, cite their expected item first; the app keeps a conversation straight.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from assistant.answer.service import AnswerService
from assistant.cli import app

ROOT = Path(__file__).resolve().parent.parent
MEDIATION = ROOT / "tests" / "fixtures" / "packs" / "mediation"
runner = CliRunner()


def _clear_settings() -> None:
    from assistant.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture(scope="module")
def e5_env(e5_runtime) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """The CLI and the app on the e5 index the session built (the default configuration)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("JB_DATA_DIR", str(e5_runtime.settings.data_dir))
    for name in ("JB_EMBEDDINGS", "JB_LLM", "JB_CHROMA_HOST", "JB_LLM_BASE_URL", "JB_CORPUS_DIR", "JB_EVALS_DIR"):
        patch.delenv(name, raising=False)
    _clear_settings()
    try:
        yield e5_runtime.settings.data_dir
    finally:
        patch.undo()
        _clear_settings()


@pytest.fixture(scope="module")
def service(e5_runtime) -> AnswerService:  # type: ignore[no-untyped-def]
    return AnswerService(e5_runtime)


def ask(question: str) -> dict[str, Any]:
    result = runner.invoke(app, ["ask", question, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def cited_codes(answer: dict[str, Any]) -> list[list[str]]:
    return [s["codes"] for s in answer["sources"]]


# ---- the questions of the issue, from the CLI ------------------------------------------------------
def test_the_evaluation_of_a_bloc_cites_its_evaluation_first(e5_env: Path) -> None:
    answer = ask("Comment se déroule l'évaluation du bloc 3 ?")
    assert not answer["refused"] and answer["intent"] == "modality"
    assert cited_codes(answer)[0] == ["E3"], cited_codes(answer)


def test_a_comparison_of_two_options_shows_both(e5_env: Path) -> None:
    answer = ask("C'est quoi la différence entre l'option 1 et l'option 2 du bloc 5 ?")
    cited = {code for codes in cited_codes(answer) for code in codes}
    assert {"B5-opt1", "B5-opt2"} <= cited or {"E5-opt1", "E5-opt2"} <= cited, cited
    for code in ("B5-opt1", "B5-opt2"):
        assert code in answer["answer"], answer["answer"][:400]


def test_a_dyslexia_accommodation_is_answered_from_the_disability_section(e5_env: Path) -> None:
    answer = ask("J'ai une dyslexie, je peux avoir un aménagement pour les épreuves ?")
    assert not answer["refused"]
    assert cited_codes(answer)[0] == ["HANDICAP"], cited_codes(answer)


def test_an_english_question_on_the_blocs_lists_every_bloc(e5_env: Path, e5_runtime) -> None:  # type: ignore[no-untyped-def]
    answer = ask("How many competency blocks does the title have, and what are they called?")
    assert not answer["refused"] and answer["lang"] == "en"
    for bloc in e5_runtime.pack.ref.blocs:
        assert f"**{bloc.id}**" in answer["answer"], bloc.id


def test_a_laptop_loan_is_refused(e5_env: Path) -> None:
    answer = ask("Est-ce que l'école prête un ordinateur portable pendant la formation ?")
    assert answer["refused"] is True and answer["sources"] == []


# ---- conversations: a follow-up inherits, a new question never does ------------------------------------
CR7 = [("user", "Que dit le CR7 ?"), ("assistant", "Le CR7 porte sur le budget [1].")]


@pytest.mark.parametrize(
    ("history", "question", "targets", "first"),
    [
        (CR7, "Et ses attendus ?", ("CR7",), "CR7"),
        (CR7, "Et le CR8 ?", ("CR8",), "CR8"),
        # the evaluation of bloc 4, as the previous question asked for bloc 3's
        (
            [("user", "Comment se déroule l'évaluation du bloc 3 ?"), ("assistant", "…")],
            "Et pour le bloc 4 ?",
            ("B4",),
            "E4",
        ),
    ],
)
def test_a_follow_up_inherits_the_context(service: AnswerService, history: list[tuple[str, str]], question: str,
                                          targets: tuple[str, ...], first: str) -> None:  # fmt: skip
    plan = service.prepare(question, history=history).plan
    assert plan.follow_up and plan.targets == targets, plan
    answer = service.answer(question, history=history)
    assert not answer.refused and first in answer.sources[0].codes, [s.codes for s in answer.sources]


@pytest.mark.parametrize(
    "question",
    ["Quels sont les blocs du titre ?", "Quels critères parlent d'accessibilité ?", "Combien coûte la formation ?"],
)
def test_a_self_contained_question_never_inherits(service: AnswerService, question: str) -> None:
    with_history = service.prepare(question, history=CR7).plan
    alone = service.prepare(question).plan
    assert not with_history.follow_up and with_history.targets == alone.targets
    assert with_history.intent == alone.intent
    assert "CR7" not in service.answer(question, history=CR7).answer


# ---- the pack's suggested questions --------------------------------------------------------------
# What each suggested question must cite first, per pack (None: a school fact the pack leaves empty, refused).
EXPECTED_FIRST: dict[str, dict[str, str | None]] = {
    "Manager de la stratégie digitale": {
        "Quels sont les critères d'évaluation de l'E2 ?": "E2",
        "Que faut-il montrer pour valider le CR7 ?": "CR7",
        "Comment se déroule l'évaluation du bloc 3 ?": "E3",
        "Quels critères parlent d'accessibilité ?": "CR17",
        "Qu'attend le jury pour le CR9 ?": "CR9",
        "Quelles sont les modalités de l'E4 ?": "E4",
        "Quelles options existe-t-il pour le bloc 5 ?": "B5-opt1",
        "Quels aménagements pour les candidats en situation de handicap ?": "HANDICAP",
        "Quel est le coût de la formation ?": None,
    },
    "Coordinateur de projets de médiation culturelle": {
        "Que dit le EC1.2 ?": "EC1.2",
        "Comment se déroule l'EV2 ?": "EV2",
        "Quels critères parlent d'accessibilité ?": "EC1.3",
        "Quel est le coût de la formation ?": None,
    },
}


def _check_suggested(service: AnswerService) -> int:
    expectations = EXPECTED_FIRST[service.pack.vocab.title]
    asked = 0
    for audience, questions in service.pack.vocab.suggested_questions.items():
        for question in questions:
            assert question in expectations, f"no expectation for the suggested question {question!r}"
            answer = service.answer(question, audience)
            expected = expectations[question]
            asked += 1
            if expected is None:
                assert answer.refused and not answer.sources, (question, answer.answer[:200])
                continue
            assert not answer.refused, question
            assert expected in answer.sources[0].codes, (question, [s.codes for s in answer.sources])
    return asked


def test_the_suggested_questions_cite_their_item_first(service: AnswerService) -> None:
    assert _check_suggested(service) == 9


def test_the_other_packs_suggested_questions_cite_their_item_first(tmp_path: Path) -> None:
    from conftest import make_settings

    from assistant.runtime import build_runtime

    runtime = build_runtime(make_settings(tmp_path, corpus_dir=MEDIATION, embeddings="e5-small"))
    assert _check_suggested(AnswerService(runtime)) == 4


# ---- the app --------------------------------------------------------------------------------------------
def test_in_the_app_a_new_question_after_cr7_lists_the_blocs(e5_env: Path, e5_runtime) -> None:  # type: ignore[no-untyped-def]
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180).run()
    assert not at.exception, at.exception
    at.chat_input[0].set_value("Que dit le CR7 ?").run()
    at.chat_input[0].set_value("Quels sont les blocs du titre ?").run()
    assert not at.exception, at.exception
    reply = [m for m in at.chat_message if m.name == "assistant"][-1]
    text = " ".join(md.value for md in reply.markdown)
    for bloc in e5_runtime.pack.ref.blocs:
        assert f"**{bloc.id}**" in text, (bloc.id, text[:300])
    assert "CR7" not in text


def test_a_pack_without_routes_cannot_answer_and_says_why(tmp_path: Path) -> None:
    import shutil

    from conftest import CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "referentiel", corpus / "referentiel")
    shutil.copy(CORPUS / "vocabulary.yaml", corpus / "vocabulary.yaml")
    patch = pytest.MonkeyPatch()
    patch.setenv("JB_CORPUS_DIR", str(corpus))
    patch.setenv("JB_DATA_DIR", str(tmp_path / "data"))
    patch.setenv("JB_EMBEDDINGS", "hashing")
    _clear_settings()
    try:
        result = runner.invoke(app, ["ask", "Que dit le CR7 ?", "--json"])
    finally:
        patch.undo()
        _clear_settings()
    assert result.exit_code != 0
    error = json.loads(result.output)
    assert error["error"]["code"] == "pack_error" and "routes.yaml" in error["error"]["message"], error
