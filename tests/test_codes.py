"""Code parsing: the traps of the source (CR1-2 is one criterion; grouped codes expand)."""

from __future__ import annotations

import pytest

from assistant.pack import CodeParser, load_pack


@pytest.fixture(scope="module")
def codes(corpus_dir) -> CodeParser:  # type: ignore[no-untyped-def]
    """The parser of the project's pack: its grammar (vocabulary.yaml) and its declared ids."""
    return load_pack(corpus_dir).codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Que dit le CR1-2 ?", ["CR1-2"]),
        ("CR1 et CR2", ["CR1", "CR2"]),
        ("CR11 à 13", ["CR11", "CR12", "CR13"]),
        ("CR18-19", ["CR18", "CR19"]),
        ("CR2-1 à CR2-3", ["CR2-1", "CR2-2", "CR2-3"]),
        ("Partie individuelle (CS2-4 et CS2-5)", ["CS2-4", "CS2-5"]),
        ("Partie individuelle (CS1-4 à CS1-6)", ["CS1-4", "CS1-5", "CS1-6"]),
        ("cr 7 et c7", ["CR7", "C7"]),
        ("comment est évaluée l'E2 ?", ["E2"]),
        ("E5 option 2", ["E5-opt2"]),
        ("c'est quoi l'option 2 du bloc 5", ["B5-opt2"]),
        # Every variant named counts, and a lone « opt2 » belongs to the base already named.
        ("la différence entre l'option 1 et l'option 2 du bloc 5", ["B5-opt1", "B5-opt2"]),
        ("diff entre E5 opt1 et opt2", ["E5-opt1", "E5-opt2"]),
        ("l'option 2 ou l'option 3 ?", ["B5-opt2", "B5-opt3"]),
        ("le bloc 3", ["B3"]),
        ("article L6113-1", ["L6113-1"]),
        ("GA4 et Semrush", []),
        ("il y a 3 critères, vision à 3 ans", []),
        ("Le cadrage du projet (C11) est cohérent", ["C11"]),
        ("CR20 et C25 n'existent pas", []),
        ("CR1-7 n'existe pas", []),
    ],
)
def test_find_codes(codes: CodeParser, text: str, expected: list[str]) -> None:
    assert codes.find(text) == expected


def test_bare_e5_means_all_three_options(codes: CodeParser) -> None:
    assert codes.find("Comment se passe l'E5 ?") == ["E5-opt1", "E5-opt2", "E5-opt3"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [("cr7", "CR7"), (" CR 7 ", "CR7"), ("e5-opt2", "E5-opt2"), ("E5 option 3", "E5-opt3"), ("cs2-4", "CS2-4")],
)
def test_normalize_code(codes: CodeParser, raw: str, code: str) -> None:
    assert codes.normalize(raw) == code
