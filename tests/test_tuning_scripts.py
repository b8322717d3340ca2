"""Tuned thresholds are chosen on the tune split only, by a script that says so.

Every ``scripts/sweep_*.py`` reads its items through ``tuning_items()`` (built on
``assistant.evaluate.tuning``) and never opens the test split; every setting described as
``set on tune: scripts/<name>.py`` names a sweep script that exists and sweeps that setting.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import BaseModel

from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SWEEPS = sorted([*(ROOT / "scripts").glob("sweep_*.py"), *(ROOT / "scripts").glob("fit_*.py")])
LOADERS = {"load_questions", "load_labels", "safe_load", "read_text", "open"}  # ways to reach the files directly


def load_script(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"sweep_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tuned_settings() -> list[tuple[str, str, str]]:
    """(stage, field, script) for every setting whose description says which script tuned it."""
    found = []
    for stage_name, stage_field in Settings.model_fields.items():
        stage = stage_field.annotation
        if not (isinstance(stage, type) and issubclass(stage, BaseModel)):
            continue
        for name, field in stage.model_fields.items():
            match = re.search(r"set on tune(?:: (scripts/\S+\.py))?", field.description or "")
            if match:
                found.append((stage_name, name, match.group(1) or ""))
    return found


def test_there_are_sweep_scripts_and_tuned_settings() -> None:
    assert len(SWEEPS) >= 2
    assert {field for _, field, _ in tuned_settings()} >= {"min_answerable", "rel_met", "rel_partial"}


@pytest.mark.parametrize("path", SWEEPS, ids=[p.stem for p in SWEEPS])
def test_a_sweep_script_reads_the_tune_split_only(path: Path) -> None:
    items = load_script(path).tuning_items()
    assert items, f"{path.name} reads nothing"
    splits = {item["split"] if isinstance(item, dict) else item.split for item in items}
    assert splits == {"tune"}, f"{path.name} reads {splits}"
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
    }
    assert not calls & LOADERS, f"{path.name} opens dev-set files itself: {calls & LOADERS}"
    strings = {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Constant)}
    assert not {"test", "all"} & strings, f"{path.name} names another split"


@pytest.mark.parametrize(("stage", "field", "script"), tuned_settings())
def test_every_tuned_setting_names_the_script_that_chose_it(stage: str, field: str, script: str) -> None:
    assert script, f"{stage}.{field} says it was set on tune but names no script"
    path = ROOT / script
    assert path in SWEEPS, f"{stage}.{field}: {script} is not a sweep script"
    assert field in path.read_text(encoding="utf-8"), f"{script} does not sweep {field}"
