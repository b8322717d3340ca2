"""The 1-NN yardstick: each question takes the decision of its nearest labelled question by meaning."""

from __future__ import annotations

import json

from langchain_core.embeddings import Embeddings
from typer.testing import CliRunner

from assistant.cli import app
from assistant.evaluate.baseline import nearest_neighbour_refusals
from assistant.evaluate.dataset import EvalQuestion

AXES = {"budget": [1.0, 0.0, 0.0], "frais": [0.0, 1.0, 0.0], "météo": [0.0, 0.0, 1.0]}


class AxisEmbeddings(Embeddings):
    """A question's vector counts the topic words it holds, one axis each (enough to order neighbours)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        vector = [0.0, 0.0, 0.0]
        for word, axis in AXES.items():
            count = text.count(word)
            vector = [a + count * b for a, b in zip(vector, axis, strict=True)]
        return vector


def question(qid: str, text: str, refuse: bool, **extra: object) -> EvalQuestion:
    return EvalQuestion.model_validate({
        "id": qid, "question": text, "lang": "fr", "style": "formal", "audience": "candidate",
        "type": "out_of_scope" if refuse else "open", **extra,
    })  # fmt: skip


def test_each_question_takes_its_nearest_neighbours_decision() -> None:
    train = [question("t1", "le budget du projet", False), question("t2", "les frais de scolarité", True)]
    evaluated = [
        question("e1", "comment construire le budget ?", False),  # near t1: answered, rightly
        question("e2", "quels frais pour l'inscription ?", True),  # near t2: refused, rightly
        question("e3", "budget des frais, frais, frais", False),  # nearer t2: refused, wrongly
        question("e4", "la météo", True, label="ambiguous"),  # ambiguous: not scored
    ]
    result = nearest_neighbour_refusals(AxisEmbeddings(), train, evaluated)
    assert result["n"] == 3 and result["train_n"] == 2
    assert result["out_of_scope_refusal_rate"] == 1.0
    assert result["false_refusal_rate"] == 0.5


def test_eval_rejects_an_unknown_question_set() -> None:
    run = CliRunner().invoke(app, ["eval", "answers", "--set", "inconnu", "--json"])
    assert run.exit_code == 2
    assert json.loads(run.stdout)["error"]["code"] == "unknown_set"


def test_a_question_never_votes_for_itself() -> None:
    labelled = [question("a", "le budget", False), question("b", "budget", True), question("c", "frais", True)]
    result = nearest_neighbour_refusals(AxisEmbeddings(), labelled, labelled[:1])
    assert result["false_refusal_rate"] == 1.0  # "a" is decided by "b", its nearest other question
