"""The house has floors: every import, at module level or inside a function, points down or sideways.

Layers follow the data flow (load → chunk → index → retrieve → answer / review → report), with a
foundation of text utilities and settings at the bottom and the shells (UI, CLI, evaluations) on top.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"

# Room -> floor. A room imports only rooms on its floor or below, and the room graph has no cycle.
FLOORS: dict[str, int] = {
    "text": 0,
    "settings": 0,
    "documents": 1,
    "pack": 2,
    "llm": 2,
    "safety": 3,
    "index": 4,
    "retrieve": 5,
    "review": 5,
    "runtime": 6,
    "answer": 7,
    "evaluate": 8,
    "serve": 8,
    "ui": 9,
    "cli": 9,
    "__main__": 10,
    "__init__": 0,
}


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@lru_cache(maxsize=1)
def imports() -> dict[str, set[str]]:
    """Module name -> assistant modules it imports (anywhere in its body)."""
    out: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant."):
                deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("assistant."))
        out[module] = deps
    return out


def room_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, deps in imports().items():
        graph.setdefault(room(module), set()).update(room(d) for d in deps if room(d) != room(module))
    return graph


def test_every_room_has_a_floor() -> None:
    assert set(room_graph()) <= set(FLOORS), set(room_graph()) - set(FLOORS)


@pytest.mark.parametrize("module", sorted(imports()))
def test_no_import_reaches_up(module: str) -> None:
    upward = [d for d in imports()[module] if FLOORS[room(d)] > FLOORS[room(module)]]
    assert not upward, f"{module} imports higher floors: {upward}"


def test_the_room_graph_has_no_cycle() -> None:
    graph = room_graph()
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            assert state.get(nxt) != 1, f"cycle: {' -> '.join([*trail, node, nxt])}"
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_the_engine_names_no_certification() -> None:
    """Title-specific words live in the pack's data, never in the engine's code."""
    banned = (
        "stratégie digitale",
        "strategie digitale",
        "e5-opt",
        "cr2-4",
        "cs2-4",
        "cr18-19",
        "omnes",
        "social média",
    )
    sources = [*PACKAGE.rglob("*.py"), PACKAGE.parent / "streamlit_app.py"]
    found = [(p.name, word) for p in sources for word in banned if word in p.read_text(encoding="utf-8").lower()]
    assert not found
