"""Command-line interface: a thin shell over the library (``jury-blanc`` / ``python -m assistant``)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from assistant.pack import load_pack
from assistant.pack.views import UnknownCodeError, item_markdown, item_view, tree_markdown, tree_view
from assistant.settings import PROJECT_ROOT, get_settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Jury Blanc — assistant des candidats à un titre RNCP (le pack de certification de JB_CORPUS_DIR).",
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


def deliver(
    payload: dict[str, Any], markdown: str, word: Callable[[], bytes], out: Path | None, saved: str, *, as_json: bool
) -> None:
    """Write ``out`` (.docx from ``word()``, else the Markdown) and print the JSON payload or the Markdown."""
    if out is not None:
        out.write_bytes(word() if out.suffix.lower() == ".docx" else markdown.encode("utf-8"))
    if as_json:
        emit_json(payload)
    else:
        typer.echo(markdown)
        if out is not None:
            typer.echo(f"\n{saved} : {out}")


@app.command()
def referentiel(
    code: Annotated[
        str | None, typer.Argument(help="Code d'un item (critère, compétence, évaluation, bloc…) ; vide = arbre.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Afficher le référentiel : l'arbre complet, ou un item avec son contexte."""
    pack = load_pack()
    ref = pack.ref
    if code is None:
        tree = tree_view(ref)
        if as_json:
            emit_json({"blocs": tree})
        else:
            typer.echo(tree_markdown(tree))
        return
    try:
        view = item_view(ref, pack.codes.normalize(code))
    except UnknownCodeError as err:
        err.code = code
        fail("unknown_code", err.message(), as_json=as_json)
    if as_json:
        emit_json(view)
    else:
        typer.echo(item_markdown(view))


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Fichiers supplémentaires à indexer.")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Reconstruire l'index de zéro.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Indexer corpus/ (et des fichiers en plus) ; incrémental par empreinte de contenu."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from assistant.index.embeddings import EmbeddingConfigError
    from assistant.index.ingest import ingest as run_ingest
    from assistant.index.store import IndexError_
    from assistant.runtime import embedding_for

    settings = get_settings()
    for path in paths or []:
        if not path.is_file():
            fail("not_found", f"fichier introuvable : {path}", as_json=as_json)
    try:
        embedding = embedding_for(settings)
    except EmbeddingConfigError as exc:
        fail("embedding_config", str(exc), as_json=as_json)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True, disable=as_json) as bar:
        task = bar.add_task("Indexation", total=None)

        def progress(source: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"Indexation {Path(source).name[:40]}")

        try:
            summary = run_ingest(settings, embedding, extra_paths=paths, rebuild=rebuild, progress=progress)
        except IndexError_ as exc:
            fail(exc.code, str(exc), as_json=as_json)
    if as_json:
        emit_json(summary.__dict__)
        return
    typer.echo(
        f"Index à jour : {summary.documents} documents, {summary.chunks_total} passages "
        f"({summary.chunks_added} ajoutés, {len(summary.skipped)} documents inchangés, "
        f"{len(summary.removed)} retirés) en {summary.seconds:.1f} s — modèle {summary.model_id}, {summary.store}."
    )
    if summary.notice:
        typer.echo(f"  ! {summary.notice}", err=True)
    for source, spans in summary.scrubbed.items():
        typer.echo(f"  ! {source} : {len(spans)} instruction(s) adressée(s) à l'assistant ignorée(s)", err=True)
    for source, message in summary.failed.items():
        typer.echo(f"  ✗ {source} : {message}", err=True)
    if embedding.note:
        typer.echo(f"  ! {embedding.note}", err=True)


AUDIENCES = ("candidate", "tutor", "admissions")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="La question, entre guillemets.")],
    audience: Annotated[str, typer.Option(help="candidate | tutor | admissions")] = "candidate",
    as_json: JsonFlag = False,
) -> None:
    """Poser une question : réponse sourcée (hors ligne, ou LLM si JB_LLM est défini)."""
    from assistant.answer.ask import Asker
    from assistant.index.store import IndexError_
    from assistant.llm.models import LLMConfigError
    from assistant.pack.loader import ReferentielDataError
    from assistant.runtime import build_runtime

    if audience not in AUDIENCES:
        fail("bad_audience", f"public inconnu « {audience} » ; valeurs : {', '.join(AUDIENCES)}", as_json=as_json)
    if not question.strip():
        fail("empty_question", "la question est vide", as_json=as_json)
    try:
        asker = Asker(build_runtime())
    except (IndexError_, LLMConfigError) as exc:
        fail(getattr(exc, "code", "config_error"), str(exc), as_json=as_json)
    except ReferentielDataError as exc:  # a pack without routes.yaml cannot answer questions
        fail("pack_error", str(exc), as_json=as_json)
    final = None
    streamed = False
    for event in asker.stream(question, audience):  # type: ignore[arg-type]
        if event.kind == "token" and not as_json:
            typer.echo(event.text, nl=False)
            streamed = True
        elif event.kind == "final":
            final = event.answer
    assert final is not None
    if as_json:
        payload = final.model_dump(
            include={"question", "answer", "refused", "sources", "mode", "timings_ms", "lang", "kind", "intent",
                     "answerable"}
        )  # fmt: skip
        payload["warnings"] = final.warnings
        emit_json(payload)
        return
    if streamed:
        typer.echo("\n\n— réponse vérifiée —")
    typer.echo(final.answer)
    if final.sources:
        typer.echo("\nSources :")
        for s in final.sources:
            where = ", ".join(x for x in (f"p. {s.page}" if s.page else "", s.section) if x)
            typer.echo(f"  [{s.rank}] {s.source}{' — ' + where if where else ''}")
    for warning in final.warnings:
        typer.echo(f"  ! {warning}", err=True)


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="Brouillon : PDF, DOCX, PPTX, Markdown ou texte.")],
    eval_key: Annotated[str, typer.Option("--eval", help="Clé de l'évaluation visée (voir jury-blanc referentiel).")],
    as_json: JsonFlag = False,
    out: Annotated[Path | None, typer.Option("--out", help="Enregistrer le rapport (.md ou .docx).")] = None,
) -> None:
    """Vérifier un livrable : avis indicatif par critère (couvert / partiel / manquant)."""
    from assistant.documents import DocumentError
    from assistant.index.embeddings import shared_embedding
    from assistant.llm.models import LLMConfigError, make_chat_model, model_label
    from assistant.review.report_markdown import render_markdown
    from assistant.review.service import Reviewer, ReviewInputError, check_file

    settings = get_settings()
    if out is not None and out.suffix.lower() not in {".md", ".docx"}:
        fail("bad_output", f"format de rapport inconnu « {out.suffix} » : utilisez .md ou .docx", as_json=as_json)
    try:
        model = make_chat_model(settings)
        reviewer = Reviewer.from_settings(
            settings, shared_embedding(settings.embeddings), model=model, model_label=model_label(settings)
        )
        reviewer.check_key(eval_key)
        if not file.is_file():
            fail("not_found", f"fichier introuvable : {file}", as_json=as_json)
        report = check_file(reviewer, file, eval_key)
    except (DocumentError, ReviewInputError) as exc:
        fail(exc.code, exc.message, as_json=as_json)
    except LLMConfigError as exc:
        fail("llm_config", str(exc), as_json=as_json)

    def word() -> bytes:
        from assistant.review.report_docx import render_docx  # python-docx only when a Word report is asked

        return render_docx(report)

    deliver(report.model_dump(), render_markdown(report), word, out, "Rapport enregistré", as_json=as_json)


def read_answers(path: Path) -> list[str]:
    """One answer per paragraph (blank lines between answers); wrapped lines belong to their paragraph."""
    import re

    text = path.read_text(encoding="utf-8-sig", errors="replace")
    return [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block.strip()]


@app.command()
def oral(
    eval_key: Annotated[str, typer.Option("--eval", help="Clé de l'évaluation (voir jury-blanc referentiel).")],
    answers: Annotated[
        Path, typer.Option("--answers", help="Réponses, une par paragraphe (lignes vides entre elles), dans l'ordre.")
    ],
    draft: Annotated[
        Path | None, typer.Option("--draft", help="Livrable vérifié d'abord : la session commence par ses manques.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Langue des questions : fr | en.")] = "fr",
    as_json: JsonFlag = False,
    out: Annotated[Path | None, typer.Option("--out", help="Enregistrer la synthèse (.md ou .docx).")] = None,
) -> None:
    """S'entraîner à l'oral : le jury blanc pose ses questions, chaque réponse reçoit un avis par attendu."""
    from assistant.documents import DocumentError
    from assistant.index.embeddings import shared_embedding
    from assistant.llm.models import LLMConfigError, make_chat_model, model_label
    from assistant.review.oral_judge import OralJudge
    from assistant.review.oral_report import render_oral_docx, render_oral_markdown
    from assistant.review.oral_session import OralInputError, OralSession
    from assistant.review.service import Reviewer, ReviewInputError, check_file

    settings = get_settings()
    if lang not in ("fr", "en"):
        fail("bad_lang", f"langue inconnue « {lang} » : utilisez fr ou en.", as_json=as_json)
    if out is not None and out.suffix.lower() not in {".md", ".docx"}:
        fail("bad_output", f"format de synthèse inconnu « {out.suffix} » : utilisez .md ou .docx", as_json=as_json)
    try:
        model = make_chat_model(settings)
        reviewer = Reviewer.from_settings(settings, shared_embedding(settings.embeddings))
        key = reviewer.check_key(eval_key)
        if not answers.is_file():
            fail("not_found", f"fichier de réponses introuvable : {answers}", as_json=as_json)
        replies = read_answers(answers)
        if not replies:
            fail("empty_answers", f"le fichier de réponses « {answers.name} » ne contient aucune réponse "
                 "(une réponse par paragraphe, séparées par une ligne vide).", as_json=as_json)  # fmt: skip
        report = check_file(reviewer, draft, key) if draft is not None else None
    except (DocumentError, ReviewInputError) as exc:
        fail(exc.code, exc.message, as_json=as_json)
    except LLMConfigError as exc:
        fail("llm_config", str(exc), as_json=as_json)
    rephrase = None
    if model is not None:
        from assistant.review.oral_rephrase import QuestionRephraser

        rephrase = QuestionRephraser.from_settings(model, model_label(settings), settings)
    session = OralSession(OralJudge(reviewer.engine), key, lang=lang, report=report, rephrase=rephrase)
    for reply in replies:
        if session.finished:
            break
        try:
            session.answer(reply)
        except OralInputError as exc:
            fail(exc.code, exc.message, as_json=as_json)
    result = session.summary()
    deliver(result.model_dump(), render_oral_markdown(result), lambda: render_oral_docx(result), out,
            "Synthèse enregistrée", as_json=as_json)  # fmt: skip


SAMPLE_HELP = "Échantillon : N questions réparties par type et langue, N brouillons par évaluation (0 = tout)."


@app.command(name="eval")
def run_eval(
    which: Annotated[
        str, typer.Argument(help="retrieval | answers | answerability | drafts | oral | redteam | all")
    ] = "all",
    split: Annotated[
        str, typer.Option("--split", help="tune (par défaut, partie de réglage) | test (chiffres à annoncer) | all.")
    ] = "tune",
    llm: Annotated[bool, typer.Option("--llm", help="Réponses par le modèle configuré (JB_LLM).")] = False,
    sample: Annotated[int, typer.Option("--sample", help=SAMPLE_HELP)] = 0,
    question_set: Annotated[
        str, typer.Option("--set", help="dev (questions du projet) | realworld (questions de pages publiques).")
    ] = "dev",
    as_json: JsonFlag = False,
) -> None:
    """Évaluer l'assistant sur les jeux de développement du pack (evals/)."""
    from assistant.evaluate.runner import EVAL_SETS, SPLITS, run_evals

    if which not in EVAL_SETS:
        fail("unknown_eval", f"jeu inconnu « {which} » ; valeurs possibles : {', '.join(EVAL_SETS)}", as_json=as_json)
    if split not in SPLITS:
        fail("unknown_split", f"partie inconnue « {split} » ; valeurs possibles : {', '.join(SPLITS)}", as_json=as_json)
    from assistant.evaluate.dataset import QUESTION_SETS

    if question_set not in QUESTION_SETS:
        fail("unknown_set", f"jeu de questions inconnu « {question_set} » ; valeurs possibles : "
             f"{', '.join(QUESTION_SETS)}", as_json=as_json)  # fmt: skip
    try:
        results, text = run_evals(which, split, llm=llm, sample=sample, question_set=question_set)
    except FileNotFoundError as exc:
        fail("missing_set", f"jeu de questions introuvable : {exc}", as_json=as_json)
    if as_json:
        emit_json(results)
    else:
        typer.echo(text)


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


MIN_ADMIN_PASSWORD = 8  # characters


@app.command(name="admin-password")
def admin_password(
    stdin: Annotated[
        bool, typer.Option("--stdin", help="Lire le mot de passe sur une ligne de l'entrée standard (scripts).")
    ] = False,
) -> None:
    """Créer l'empreinte (scrypt, salée) du mot de passe de la page Administration."""
    import getpass

    from assistant.safety.passwords import hash_password

    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Nouveau mot de passe administrateur : ")
    if not password:
        fail("empty_password", "le mot de passe est vide.", as_json=False)
    if len(password) < MIN_ADMIN_PASSWORD:
        fail("short_password", f"le mot de passe doit compter au moins {MIN_ADMIN_PASSWORD} caractères.", as_json=False)
    if not stdin and getpass.getpass("Confirmez le mot de passe : ") != password:
        fail("password_mismatch", "les deux saisies du mot de passe diffèrent.", as_json=False)
    typer.echo(hash_password(password))
    typer.echo(
        "Définissez cette empreinte dans JB_ADMIN_PASSWORD_HASH (entre apostrophes : elle contient des $) ou dans "
        "admin_password_hash de .streamlit/secrets.toml, puis relancez l'application.",
        err=True,
    )


def main() -> None:
    app()
