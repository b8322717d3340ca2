"""What a candidate reads is French, accented and free of the school's file paths (issue 23, unit level).

The browser tour (tests/test_e2e_tour.py) checks the same on the served pages; here, the pieces that make it so.
"""

from __future__ import annotations

import re

import pytest

from assistant.answer.models import Source
from assistant.answer.service import AnswerService
from assistant.pack import load_pack
from assistant.ui.components import STYLES, answer_view, source_view
from assistant.ui.navigation import PAGES

PATH = re.compile(r"[\w./-]+\.(?:md|ya?ml|pdf|docx|json)\b", re.IGNORECASE)
QUESTIONS = [
    "Quels sont les blocs de compétences ?",
    "Que contient le bloc 1 ?",
    "Que faut-il montrer pour valider le CR7 ?",
    "Comment est évaluée l'E2 ?",
    "Quelles fiches lire pour le budget ?",
    "Quel est le rôle du bloc 3 ?",
]


@pytest.fixture(scope="module")
def service(e5_runtime) -> AnswerService:  # type: ignore[no-untyped-def]
    return AnswerService(e5_runtime)


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_candidates_answer_names_no_file(service: AnswerService, question: str) -> None:
    answer = service.answer(question, "candidate")
    view = answer_view(answer)
    places = [s.body.split("\n\n")[0] for s in view.sources]  # the small print above each passage
    shown = " ".join([view.markdown, *(s.title for s in view.sources), *places])
    assert not PATH.findall(shown), shown


def test_staff_see_where_a_cited_passage_comes_from() -> None:
    source = Source(rank=1, source="cours/budget-projet-digital.md", title="Budget d'un projet digital", text="…")
    assert "cours/budget-projet-digital.md" not in source_view(source).body
    assert "Budget d'un projet digital" in source_view(source).body
    assert "Fichier : `cours/budget-projet-digital.md`" in source_view(source, staff=True).body


def test_bloc_titles_in_answers_keep_their_accents(service: AnswerService) -> None:
    pack = load_pack()
    overview = service.answer("Quels sont les blocs de compétences ?").answer
    for bloc in ("B1", "B3"):
        assert pack.display_title(bloc) in overview
    assert "Définir la stratégie digitale" in overview and "Déployer le projet" in overview
    assert "Definir la strategie" not in overview and "Deployer le projet" not in overview
    bloc = service.answer("Que contient le bloc 3 ?").answer
    assert "Déployer le projet digital de la marque" in bloc


def test_the_styles_put_the_uploader_in_french_and_hide_the_english_hints() -> None:
    css = STYLES.read_text(encoding="utf-8")
    for hidden in ("stFileUploaderDropzoneInstructions", "InputInstructions"):
        assert re.search(rf'\[data-testid="{hidden}"\]\s*\{{\s*display: none;', css), hidden
    assert 'content: "Choisir un fichier"' in css and 'content: "Choisir des fichiers"' in css


def test_every_page_has_its_own_french_address() -> None:
    paths = [page.url_path for page in PAGES]
    assert len(set(paths)) == len(paths) == 5
    assert all(re.fullmatch(r"[a-z-]+", path) for path in paths)
    assert sum(page.home for page in PAGES) == 1
