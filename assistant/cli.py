"""Command-line interface: a thin shell over the library (``jury-blanc`` / ``python -m assistant``)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Annotated, Any, NoReturn

import typer

from assistant.config import PROJECT_ROOT
from assistant.referentiel import load_referentiel, normalize_code
from assistant.referentiel.views import UnknownCodeError, item_markdown, item_view, tree_markdown, tree_view

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Jury Blanc — assistant du titre RNCP « Manager de la stratégie digitale ».",
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Sortie JSON (une seule ligne d'objet).")]


def emit_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def fail(code: str, message: str, *, as_json: bool) -> NoReturn:
    """Exit 2 with one clear message (JSON error object with --json)."""
    if as_json:
        emit_json({"error": {"code": code, "message": message}})
    else:
        typer.echo(f"Erreur : {message}", err=True)
    raise typer.Exit(2)


@app.command()
def referentiel(
    code: Annotated[str | None, typer.Argument(help="Code (CR7, C7, A3, E2, E5-opt2, B3…) ; vide = arbre.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Afficher le référentiel : l'arbre complet, ou un item avec son contexte."""
    ref = load_referentiel()
    if code is None:
        tree = tree_view(ref)
        if as_json:
            emit_json({"blocs": tree})
        else:
            typer.echo(tree_markdown(tree))
        return
    try:
        view = item_view(ref, normalize_code(code))
    except UnknownCodeError as err:
        err.code = code
        fail("unknown_code", err.message(), as_json=as_json)
    if as_json:
        emit_json(view)
    else:
        typer.echo(item_markdown(view))


@app.command(name="app")
def run_app(
    port: Annotated[int, typer.Option(help="Port HTTP.")] = 8501,
    address: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
) -> None:
    """Démarrer l'application Streamlit."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "streamlit_app.py"),
        "--server.headless", "true", "--server.port", str(port), "--server.address", address,
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    raise typer.Exit(subprocess.call(cmd))


def main() -> None:
    app()
