"""Quality has floors: the dev evaluations on the held-out **test** split, with the default embedder
(e5-small), must not fall below the floors of ``assistant.evaluate.floors`` (each set a little under
the figure measured when it was set). A change that halves review quality, answers, or retrieval
fails here.

These tests read the test split only to report it against fixed floors: no threshold is tuned here.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.evaluate.dataset import EVALS_DIR, load_questions
from assistant.evaluate.floors import FLOORS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def test_questions():  # type: ignore[no-untyped-def]
    questions = [q for q in load_questions(EVALS_DIR) if q.split == "test"]
    assert len(questions) >= 100
    return questions


@pytest.fixture(scope="module")
def drafts_result(e5_runtime) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from assistant.evaluate.drafts_eval import evaluate_drafts, format_drafts

    result = evaluate_drafts(e5_runtime, EVALS_DIR, "test")
    print("\n" + format_drafts(result))  # shown with pytest -s
    return result


def test_retrieval_floor(e5_runtime, test_questions) -> None:  # type: ignore[no-untyped-def]
    from assistant.evaluate.retrieval_eval import evaluate_retrieval

    overall = evaluate_retrieval(e5_runtime.retriever, test_questions)["overall"]
    print(f"\nretrieval test split: {overall}")
    assert overall["recall@5"] >= FLOORS.retrieval_recall_at_5
    assert overall["mrr"] >= FLOORS.retrieval_mrr


def test_answers_floor(e5_runtime, test_questions) -> None:  # type: ignore[no-untyped-def]
    from assistant.evaluate.answers_eval import evaluate_answers

    summary = evaluate_answers(e5_runtime, test_questions)["summary"]
    print(f"\nanswers test split: {summary}")
    assert summary["in_scope_with_valid_citation"] >= FLOORS.answers_valid_citation
    assert summary["invalid_citations_total"] == 0
    assert summary["refused_with_citations"] == 0
    assert summary["must_mention_coverage"] >= FLOORS.answers_must_mention
    assert summary["out_of_scope_refusal_rate"] >= FLOORS.answers_out_of_scope_refusal
    assert summary["false_refusal_rate"] <= FLOORS.answers_false_refusal_max
    assert summary["citation_precision"] >= FLOORS.answers_citation_precision


def test_realworld_answers_floor(e5_runtime) -> None:  # type: ignore[no-untyped-def]
    from assistant.evaluate.answers_eval import evaluate_answers

    questions = [q for q in load_questions(EVALS_DIR, "realworld") if q.split == "test" and q.scored]
    assert len(questions) >= 70
    summary = evaluate_answers(e5_runtime, questions)["summary"]
    print(f"\nrealworld answers test split: {summary}")
    assert summary["invalid_citations_total"] == 0 and summary["refused_with_citations"] == 0
    assert summary["out_of_scope_refusal_rate"] >= FLOORS.realworld_out_of_scope_refusal
    assert summary["false_refusal_rate"] <= FLOORS.realworld_false_refusal_max
    assert summary["must_mention_coverage"] >= FLOORS.realworld_must_mention
    assert summary["citation_precision"] >= FLOORS.realworld_citation_precision


def test_draft_review_floor(drafts_result: dict[str, Any]) -> None:
    overall = drafts_result["overall"]
    assert overall["n"] >= 90
    assert overall["qw_kappa"] >= FLOORS.drafts_qw_kappa, overall
    assert overall["macro_f1"] >= FLOORS.drafts_macro_f1, overall
    assert drafts_result["stuffing_resistance"] >= FLOORS.drafts_stuffing_resistance
    assert drafts_result["format_agreement"] >= FLOORS.drafts_format_agreement
    assert drafts_result["unverified_quotes"] == 0  # every quote shown is in the draft, verbatim
    assert all(drafts_result["mismatch_flagged"].values())
    assert all(drafts_result["injection_flagged"].values())


def test_english_drafts_floor_and_english_feedback(drafts_result: dict[str, Any], e5_runtime) -> None:  # type: ignore[no-untyped-def]
    """English test drafts: the verdicts hold a floor, and the missing attendus are named in English
    (the pack's attendus.en.yaml), never in French."""
    from assistant.evaluate.drafts_eval import load_labels
    from assistant.pack.feedback import load_feedback_texts
    from assistant.review.service import Reviewer, check_file

    english = drafts_result["per_lang"]["en"]
    assert english["n"] >= 12
    assert english["qw_kappa"] >= FLOORS.drafts_english_qw_kappa, english
    english_labels = {t.label for t in load_feedback_texts(e5_runtime.settings.corpus_dir).by_lang["en"].values()}
    french_labels = {a.label for c in e5_runtime.pack.ref.criteria for a in c.attendus} - english_labels
    reviewer = Reviewer.from_settings(e5_runtime.settings, e5_runtime.embedding, pack=e5_runtime.pack)
    checked = 0
    for entry in load_labels(EVALS_DIR, "test"):
        if entry.get("lang") != "en" or "source" in entry:
            continue
        report = check_file(reviewer, EVALS_DIR / "drafts" / entry["file"], entry["evaluation"])
        missing = [label for v in report.criteria for label in v.missing]
        assert missing, entry["file"]
        # an entry is the attendu's label, possibly followed by why it is only partly shown
        named = [next((label for label in english_labels if m.startswith(label)), None) for m in missing]
        assert all(named), (entry["file"], [m for m, n in zip(missing, named, strict=True) if n is None])
        assert not any(m.startswith(label) for m in missing for label in french_labels), entry["file"]
        checked += 1
    assert checked >= 3


def test_oral_floor(e5_runtime) -> None:  # type: ignore[no-untyped-def]
    from assistant.evaluate.oral_eval import evaluate_oral, format_oral

    result = evaluate_oral(e5_runtime, EVALS_DIR, "test")
    print("\n" + format_oral(result))
    assert result["n"] >= 100
    assert result["qw_kappa"] >= FLOORS.oral_qw_kappa
    assert result["stuffing_resistance"] >= FLOORS.oral_stuffing_resistance
    assert result["quotes_verbatim"] == result["quotes"]
