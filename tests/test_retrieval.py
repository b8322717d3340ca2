"""Hybrid retrieval and code-aware routing (mechanics, with the fast hashing embedder)."""

from __future__ import annotations

from assistant.retrieve.hybrid import RetrievalFilter
from assistant.text.tokens import tokenize


def test_french_analysis_keeps_codes_whole_and_stems_words() -> None:
    tokens = tokenize(["Résiliation du CR1-2 et de l'E5-opt2 : critères résilier"])[0]
    assert "cr1-2" in tokens
    assert "e5-opt2" in tokens
    assert tokens.count("resili") == 2  # résiliation / résilier share a stem, accents folded
    assert "du" not in tokens  # French stop word


def test_a_named_criterion_comes_first_with_its_competency(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    hits = hashing_runtime.retriever.search("Que dit exactement le CR7 ?", k=5)
    assert hits[0].chunk.id == "ref:criterion:CR7"
    assert hits[0].routed
    assert "ref:competency:C7" in [h.chunk.id for h in hits]


def test_cr1_2_is_the_ecommerce_criterion_not_cr1_and_cr2(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    hits = hashing_runtime.retriever.search("c'est quoi le CR1-2", k=3)
    assert hits[0].chunk.id == "ref:criterion:CR1-2"
    assert all(h.chunk.id not in {"ref:criterion:CR1", "ref:criterion:CR2"} for h in hits[:2])


def test_an_evaluation_key_pulls_its_criteria(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    ids = [h.chunk.id for h in hashing_runtime.retriever.search("comment est évaluée l'E2 ?", k=8)]
    assert ids[0] == "ref:evaluation:E2"
    assert {f"ref:criterion:CR{n}" for n in range(5, 11)} <= set(ids)


def test_grouped_codes_route_to_every_single_criterion(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    ids = [h.chunk.id for h in hashing_runtime.retriever.search("Explique les CR11 à 13", k=8)]
    assert {"ref:criterion:CR11", "ref:criterion:CR12", "ref:criterion:CR13"} <= set(ids[:4])


def test_a_competency_pulls_the_criteria_that_assess_it(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    ids = [h.chunk.id for h in hashing_runtime.retriever.search("En quoi consiste la compétence CS2-4 ?", k=5)]
    assert ids[0] == "ref:competency:CS2-4"
    assert "ref:criterion:CR2-4" in ids


def test_cross_cutting_question_lists_every_matching_criterion(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    ids = [h.chunk.id for h in hashing_runtime.retriever.search("Quels critères font référence au budget ?", k=8)]
    assert {"ref:criterion:CR7", "ref:criterion:CR11", "ref:criterion:CR2-2"} <= set(ids)


def test_metadata_filters_restrict_results(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    only_e4 = RetrievalFilter(evaluation="E4")
    hits = hashing_runtime.retriever.search("tableau de bord et indicateurs", k=6, filters=only_e4)
    assert hits and all(h.chunk.evaluation == "E4" for h in hits)
    courses = RetrievalFilter(doc_types=("cours",))
    hits = hashing_runtime.retriever.search("budget prévisionnel par ligne", k=4, filters=courses)
    assert hits and all(h.chunk.doc_type == "cours" for h in hits)
    assert hashing_runtime.retriever.search("budget", k=3, filters=RetrievalFilter(bloc="B2"))


def test_a_criterion_found_by_content_brings_its_competency(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    hits = hashing_runtime.retriever.search("budget exhaustif détaillé par ligne de budget", k=8)
    ids = [h.chunk.id for h in hits]
    assert "ref:criterion:CR7" in ids
    assert ids.index("ref:competency:C7") == ids.index("ref:criterion:CR7") + 1


def test_an_option_named_by_theme_narrows_to_the_item_holding_the_topic(hashing_runtime) -> None:  # type: ignore[no-untyped-def]
    hits = hashing_runtime.retriever.search(
        "Dans l'option e-commerce, quel critère porte sur la matrice de risques ?", k=5
    )
    assert hits[0].chunk.id == "ref:criterion:CR1-2"
