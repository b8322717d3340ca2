"""`jury-blanc referentiel` as a user runs it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from assistant.cli import app

runner = CliRunner()


def test_cr7_json_has_verbatim_text_evaluation_competency_and_attendus() -> None:
    result = runner.invoke(app, ["referentiel", "CR7", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["text"] == (
        "Le budget est exhaustif, structuré et comporte notamment les charges et dépenses "
        "prévisionnelles détaillées par ligne de budget"
    )
    assert data["evaluation"]["key"] == "E2"
    assert [c["code"] for c in data["competencies"]] == ["C7"]
    assert len(data["attendus"]) >= 2


def test_e5_opt2_lists_its_five_criteria() -> None:
    result = runner.invoke(app, ["referentiel", "E5-opt2", "--json"])
    assert result.exit_code == 0
    assert [c["code"] for c in json.loads(result.output)["criteria"]] == ["CR2-1", "CR2-2", "CR2-3", "CR2-4", "CR2-5"]


def test_lowercase_and_spaced_codes_are_accepted() -> None:
    result = runner.invoke(app, ["referentiel", "cr 1-2"])
    assert result.exit_code == 0
    assert "matrice de risques/opportunités" in result.output


def test_tree_lists_every_bloc_and_evaluation() -> None:
    result = runner.invoke(app, ["referentiel"])
    assert result.exit_code == 0
    for key in ["E1", "E2", "E3", "E4", "E5-opt1", "E5-opt2", "E5-opt3", "CR2-5", "CR19"]:
        assert key in result.output


def test_unknown_code_exits_2_with_suggestions() -> None:
    result = runner.invoke(app, ["referentiel", "CR1-7", "--json"])
    assert result.exit_code == 2
    error = json.loads(result.output)["error"]
    assert error["code"] == "unknown_code"
    assert "CR1-6" in error["message"]
