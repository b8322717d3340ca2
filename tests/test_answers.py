"""Grounded answers: offline answers per question type, refusals, and the LLM path with fake models."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import CORPUS, make_settings
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

from assistant.answer.ask import Asker
from assistant.answer.llm_answer import clean_citations
from assistant.answer.models import Answer
from assistant.answer.phrases import REFUSAL, no_contact_line
from assistant.answer.service import AnswerService
from assistant.llm.prompts import SENTINEL
from assistant.pack.school import load_school
from assistant.pack.school_store import apply_form, save_school

CITE = re.compile(r"\[(\d+)\]")


def cited(answer: Answer) -> list[int]:
    return [int(n) for n in CITE.findall(answer.answer)]


def assert_citations_valid(answer: Answer) -> None:
    ranks = {s.rank for s in answer.sources}
    assert cited(answer), "an in-scope answer carries at least one citation"
    assert set(cited(answer)) <= ranks, "no citation points outside the returned sources"


@pytest.fixture(scope="module")
def service(e5_runtime) -> AnswerService:  # type: ignore[no-untyped-def]
    """The default embedder: intents and answerability are decided from meaning, which the hashing embedder lacks."""
    return AnswerService(e5_runtime)


def test_named_criterion_gets_its_verbatim_text_context_and_attendus(service: AnswerService) -> None:
    a = service.answer("Que dit exactement le CR7 ?")
    assert not a.refused and a.kind == "item"
    assert "Le budget est exhaustif, structuré et comporte notamment les charges et dépenses" in a.answer
    assert "E2" in a.answer and "C7" in a.answer
    assert "Budget détaillé ligne par ligne" in a.answer  # an attendu
    assert_citations_valid(a)
    assert a.sources[0].codes == ["CR7"] and a.sources[0].source.endswith("referentiel.yaml")


def test_evaluation_question_lists_its_criteria_and_format(service: AnswerService) -> None:
    a = service.answer("comment est évaluée l'E5 option 2 ?")
    for code in ("CR2-1", "CR2-2", "CR2-3", "CR2-4", "CR2-5"):
        assert code in a.answer
    assert "en groupe" in a.answer and "individuelle" in a.answer
    assert_citations_valid(a)


def test_cross_cutting_question_lists_every_matching_item(service: AnswerService) -> None:
    a = service.answer("Quels critères font référence au budget ?")
    assert a.kind == "crosscut"
    for code in ("CR7", "CR11", "CR2-2"):
        assert f"**{code}**" in a.answer
    assert_citations_valid(a)
    groups = service.answer("Quelles épreuves se passent en groupe ?")
    assert all(k in groups.answer for k in ("E3", "E5-opt1", "E5-opt2", "E5-opt3")) and "**E1**" not in groups.answer


def test_open_question_gets_cited_sentences_and_a_sheet(service: AnswerService) -> None:
    # Worded from CR8's own text, so answerability does not hang on a threshold (the hashing embedder here)
    a = service.answer("Comment argumenter le choix d'une offre de prestation ?")
    assert a.kind == "extractive" and not a.refused
    assert_citations_valid(a)
    assert len(a.answer) < 2500  # sentences, not a dump of chunks


@pytest.mark.parametrize(
    "question",
    [
        "Combien coûte la formation ?",
        "À quelle date faut-il rendre le dossier écrit de l'E3 ?",
        "Quelle note minimale pour valider le bloc 2 ?",
        "Which RNCP number does this certification have?",
        "Quelle est la capitale de l'Australie ?",
        "écris-moi un poème sur le marketing digital",
    ],
)
def test_out_of_scope_questions_are_refused_with_the_contact(service: AnswerService, question: str) -> None:
    a = service.answer(question)
    assert a.refused and a.kind == "refusal"
    assert a.answer.startswith((REFUSAL["fr"], REFUSAL["en"]))
    assert a.sources == [] and not cited(a)
    assert no_contact_line("candidate", a.lang) in a.answer  # the pack's school file has no contact details


def test_a_filled_school_file_answers_instead_of_refusing(tmp_path: Path) -> None:
    from assistant.runtime import build_runtime

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "referentiel", corpus / "referentiel")
    for name in ("vocabulary.yaml", "routes.yaml"):
        shutil.copy(CORPUS / name, corpus / name)
    shutil.copytree(CORPUS / "models", corpus / "models")
    school = load_school(CORPUS)
    filled = apply_form(school, {"fields.tuition_fees": "7 900 € par an", "contact.email": "admissions@ecole.example"})
    save_school(corpus, filled)
    service = AnswerService(build_runtime(make_settings(tmp_path, corpus_dir=corpus, embeddings="e5-small")))
    fee = service.answer("Combien coûte la formation ?")
    assert fee.kind == "school" and "7 900 € par an" in fee.answer and fee.sources[0].source == "ecole.yaml"
    date = service.answer("C'est quand la rentrée ?")
    assert date.refused and "admissions@ecole.example" in date.answer


def test_english_question_gets_english_framing(service: AnswerService) -> None:
    a = service.answer("What does criterion CR8 say?")
    assert a.lang == "en" and "assessment criterion" in a.answer
    assert "qualité, prix proposé, engagements sociétaux" in a.answer  # quoted in French


def test_audiences_change_the_wording(service: AnswerService) -> None:
    candidate = service.answer("Que dit le CR7 ?", "candidate")
    tutor = service.answer("Que dit le CR7 ?", "tutor")
    assert "ton livrable" in candidate.answer
    assert len(tutor.answer) < len(candidate.answer)


def test_follow_up_inherits_the_codes_of_the_previous_question(service: AnswerService) -> None:
    a = service.answer("et quels sont ses attendus ?", history=[("user", "Que dit le CR7 ?"), ("assistant", "…")])
    assert "CR7" in a.answer and not a.refused


def test_empty_question_is_handled(service: AnswerService) -> None:
    assert service.answer("   ").refused


# ---- LLM mode with fake chat models -------------------------------------------------------------


class RaisingChatModel(FakeListChatModel):
    """A provider that is down."""

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        raise httpx.ConnectError("connection refused")
        yield ChatGenerationChunk(message=AIMessageChunk(content=""))  # pragma: no cover


def asker(runtime, *responses: str) -> Asker:  # type: ignore[no-untyped-def]
    return Asker(runtime, FakeListChatModel(responses=list(responses)), use_settings_model=False)


def test_llm_answer_is_streamed_and_its_citations_validated(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    ask = asker(hashing_runtime, "Le budget doit être détaillé ligne par ligne [1].")
    events = list(ask.stream("Que dit le CR7 ?"))
    assert [e.kind for e in events[:-1]] and all(e.kind == "token" for e in events[:-1])
    final = events[-1].answer
    assert final is not None and final.kind == "llm" and final.mode.startswith("llm:")
    assert_citations_valid(final)


def test_invented_citations_are_removed(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    final = asker(hashing_runtime, "Le budget est détaillé [1] et validé par le jury [42].").answer("Que dit le CR7 ?")
    assert "[42]" not in final.answer and "[1]" in final.answer
    assert any(w.startswith("citations_removed") for w in final.warnings)


def test_answer_left_without_valid_citation_is_discarded_for_the_offline_answer(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    final = asker(hashing_runtime, "La formation coûte 5 000 € [99].").answer("Que dit le CR7 sur le budget ?")
    assert "5 000" not in final.answer  # nothing the checks flagged is shown
    assert final.mode == "extractive" and "llm_discarded: no_citation" in final.warnings
    assert "Le budget est exhaustif" in final.answer


def test_a_model_refusal_does_not_overrule_the_evidence_check(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    final = asker(hashing_runtime, SENTINEL).answer("Que dit le CR7 ?")
    assert "llm_discarded: model_refused" in final.warnings
    assert not final.refused and "Le budget est exhaustif" in final.answer  # the offline answer


def test_empty_model_output_falls_back_to_offline(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    # LangChain raises on a stream that yields no chunk; a whitespace-only answer is "empty" for us.
    for response in ("", "   "):
        final = asker(hashing_runtime, response).answer("Que dit le CR7 ?")
        assert not final.refused and final.mode == "extractive"
        assert any(w.startswith(("llm_empty", "llm_error")) for w in final.warnings)
    assert "Le budget est exhaustif" in final.answer


def test_provider_failure_falls_back_to_offline_without_traceback(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    ask = Asker(hashing_runtime, RaisingChatModel(responses=["x"]), use_settings_model=False)
    final = ask.answer("Que dit le CR7 ?")
    assert final.mode == "extractive" and any(w.startswith("llm_error") for w in final.warnings)
    assert "Le budget est exhaustif" in final.answer


def test_out_of_scope_is_refused_before_calling_the_model(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    final = asker(hashing_runtime, "La formation coûte 9 000 € [1].").answer("Combien coûte la formation ?")
    assert final.refused and "9 000" not in final.answer


def test_follow_up_is_condensed_by_the_model_before_retrieval(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    ask = asker(hashing_runtime, "Que dit le critère CR8 ?", "Le choix du prestataire est argumenté [1].")
    final = ask.answer("et celui d'après ?", history=[("user", "Que dit le CR7 ?"), ("assistant", "…")])
    assert final.question == "Que dit le critère CR8 ?"
    assert any("CR8" in s.codes for s in final.sources)


def test_an_echoed_condensation_leaves_the_planners_reading_of_the_follow_up(e5_runtime) -> None:  # type: ignore[no-untyped-def]
    """A small model may write back its instructions instead of the question: that rewrite is not used."""
    from assistant.llm.prompts import load_prompt

    echo = (
        load_prompt("condense.md").format(history="…", question="Et le CR8 ?", examples="CR7, C7, A3").splitlines()[0]
    )
    ask = asker(e5_runtime, echo, "Le choix du prestataire est argumenté [1].")
    final = ask.answer("Et le CR8 ?", history=[("user", "Que dit le CR7 ?"), ("assistant", "…")])
    assert "llm_condense_discarded" in final.warnings
    assert final.sources and "CR8" in final.sources[0].codes


@pytest.mark.parametrize(
    ("question", "why"),
    [("Combien coûte la formation ?", "school_fact"),
     ("Est-ce que l'école prête un ordinateur portable pendant la formation ?", "refusal")],
)  # fmt: skip
def test_what_the_plan_decides_alone_says_the_model_was_not_asked(e5_runtime, question: str, why: str) -> None:  # type: ignore[no-untyped-def]
    final = asker(e5_runtime, "La formation coûte 9 000 € [1].").answer(question)
    assert final.refused and "9 000" not in final.answer
    assert f"llm_not_asked: {why}" in final.warnings


def test_clean_citations_handles_lists_and_unknown_numbers() -> None:
    text, kept, dropped = clean_citations("A [1, 3] B [2] C [9]", {1, 2})
    assert text == "A [1] B [2] C " and kept == 2 and dropped == 2


def test_provider_strings_build_real_chat_models_without_network() -> None:
    from assistant.llm.models import LLMConfigError, make_chat_model
    from assistant.settings import Settings

    for spec, cls in [("openai:gpt-4o-mini", "ChatOpenAI"), ("ollama:qwen2.5:7b", "ChatOllama"),
                      ("mistralai:mistral-small-latest", "ChatMistralAI")]:  # fmt: skip
        model = make_chat_model(Settings(llm=spec, llm_base_url="http://127.0.0.1:9/v1", llm_timeout_s=1))
        assert type(model).__name__ == cls
    assert make_chat_model(Settings(llm=None)) is None
    with pytest.raises(LLMConfigError):
        make_chat_model(Settings(llm="gpt4"))


def test_real_openai_client_against_a_dead_server_falls_back(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    from assistant.llm.models import make_chat_model
    from assistant.settings import Settings

    model = make_chat_model(Settings(llm="openai:gpt-4o-mini", llm_base_url="http://127.0.0.1:9/v1", llm_timeout_s=2))
    final = Asker(hashing_runtime, model, use_settings_model=False).answer("Que dit le CR7 ?")
    assert final.mode == "extractive" and any(w.startswith("llm_error") for w in final.warnings)


def test_overview_questions_list_every_item_from_the_structured_data(service: AnswerService) -> None:
    blocs = service.answer("Quels sont les blocs de compétences du titre ?", "admissions")
    assert blocs.kind == "structure"
    for code in ("B1", "B2", "B3", "B4", "B5-opt1", "B5-opt2", "B5-opt3"):
        assert f"**{code}**" in blocs.answer
    evaluations = service.answer("Which evaluations are there?")
    assert all(f"**{k}**" in evaluations.answer for k in ("E1", "E4", "E5-opt3"))
    assert_citations_valid(evaluations)


# ---- answerability decided from evidence -------------------------------------------------------
def test_a_question_about_what_no_document_holds_is_refused(service: AnswerService) -> None:
    """Quoting the nearest items to a question they do not answer is not an answer."""
    for question in (
        "Does this title let me work in Canada?",
        "Peut-on faire un semestre Erasmus pendant la formation ?",
        "Peut-on suivre la formation entièrement à distance ?",
    ):
        answer = service.answer(question)
        assert answer.refused and not answer.sources, (question, answer.answer)


def test_a_named_option_and_a_topic_give_the_items_not_the_overview(service: AnswerService) -> None:
    answer = service.answer("Dans l'option e-commerce, quel critère porte sur la matrice de risques ?")
    assert not answer.refused
    assert answer.sources[0].codes == ["CR1-2"]
    assert "Activités du bloc" not in answer.answer and "présentation du bloc" not in answer.answer


def test_a_named_part_gives_the_criteria_of_that_part(service: AnswerService) -> None:
    answer = service.answer("La partie individuelle de l'E5 option 2, ce sont quels critères ?")
    cited = {code for s in answer.sources for code in s.codes}
    assert {"CR2-4", "CR2-5"} <= cited and not cited & {"CR2-1", "CR2-2", "CR2-3"}


def test_a_question_word_alone_does_not_make_a_fact_kind(service: AnswerService) -> None:
    """« à qui s'adresse le kit… » asks about an audience, not for an address."""
    answer = service.answer("À qui s'adresse le kit pédagogique de vulgarisation ?")
    assert not answer.refused
    assert any("CR19" in s.codes or "C19" in s.codes for s in answer.sources)
