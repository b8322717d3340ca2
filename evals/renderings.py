"""Same draft, same passages? Render every Markdown dev draft to PDF and Word and compare.

Three renderings per draft, made the way candidates make them:

* ``fpdf``: the project's fpdf2 renderer (``scripts/render_pdfs.py``), page footers included;
* ``docx``: python-docx with Word styles (``scripts/render_drafts.py``);
* ``libreoffice``: that DOCX exported to PDF by LibreOffice headless, as Word or Writer would.

Each rendering is loaded and cut into passages exactly like an upload; its passages are compared
with the Markdown source's as ``(heading path, text)`` pairs after whitespace normalisation.
Agreement is ``2·matched / (len(source) + len(rendering))`` with matched pairs found in order
(difflib), so missing, extra, split or merged passages all count against it.

Renderings are cached under ``--out-dir`` by the source's content hash, so a re-run only renders
what changed. ``python -m evals.renderings [--verdicts]`` prints the figures; the rendering test
(``tests/test_renderings.py``) asserts them.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents import LoadedDocument, load_document
from assistant.review.passages import Passage, build_passages
from assistant.settings import PROJECT_ROOT

FORMATS = ("fpdf", "docx", "libreoffice")
DRAFTS_DIR = PROJECT_ROOT / "evals" / "drafts"
DEFAULT_OUT = PROJECT_ROOT / ".cache" / "renderings"
SOFFICE_TIMEOUT_S = 600


def _scripts() -> object:
    scripts = str(PROJECT_ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    import render_drafts  # type: ignore[import-not-found]

    return render_drafts


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@dataclass
class Rendered:
    source: Path
    files: dict[str, Path] = field(default_factory=dict)


def render_all(
    sources: Sequence[Path], out_dir: Path = DEFAULT_OUT, formats: Sequence[str] = FORMATS
) -> list[Rendered]:
    """Render each source to the requested formats (cached by content hash)."""
    renderer = _scripts()
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[Rendered] = []
    to_convert: list[Path] = []
    for source in sources:
        markdown = source.read_text(encoding="utf-8")
        digest = hashlib.sha256(markdown.encode()).hexdigest()[:12]
        stem = f"{source.stem}.{digest}"
        rendered = Rendered(source)
        pdf, word, office = out_dir / f"{stem}.fpdf.pdf", out_dir / f"{stem}.docx", out_dir / f"{stem}.pdf"
        if "fpdf" in formats:
            if not pdf.exists():
                renderer.render_pdf(markdown, pdf)  # type: ignore[attr-defined]
            rendered.files["fpdf"] = pdf
        if "docx" in formats or "libreoffice" in formats:
            if not word.exists():
                renderer.render_docx(markdown, word, lang="en-GB" if "_en_" in source.name else "fr-FR")  # type: ignore[attr-defined]
            if "docx" in formats:
                rendered.files["docx"] = word
        if "libreoffice" in formats:
            if not office.exists():
                to_convert.append(word)
            rendered.files["libreoffice"] = office
        results.append(rendered)
    if to_convert:
        _convert(to_convert, out_dir)
    return results


def _convert(files: list[Path], out_dir: Path) -> None:
    """One LibreOffice run converts every DOCX to PDF (a private profile: no clash with a desktop session)."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out_dir), *map(str, files)],
            check=True, capture_output=True, timeout=SOFFICE_TIMEOUT_S,
        )  # fmt: skip
    missing = [f for f in files if not f.with_suffix(".pdf").exists()]
    if missing:
        raise RuntimeError(f"LibreOffice produced no PDF for {', '.join(f.name for f in missing)}")


def signature(passages: list[Passage]) -> list[tuple[str, str]]:
    return [(" ".join(p.section.split()), " ".join(p.text.split())) for p in passages]


def agreement(source: list[tuple[str, str]], other: list[tuple[str, str]]) -> float:
    if not source and not other:
        return 1.0
    matcher = difflib.SequenceMatcher(None, source, other, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return 2 * matched / (len(source) + len(other))


def passages_of(path: Path) -> tuple[LoadedDocument, list[tuple[str, str]]]:
    doc = load_document(path)
    return doc, signature(build_passages(doc).passages)


def diff(source: list[tuple[str, str]], other: list[tuple[str, str]], limit: int = 6) -> list[str]:
    """The first differing passages, for a failing test's message."""
    lines: list[str] = []
    matcher = difflib.SequenceMatcher(None, source, other, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for s in source[i1:i2][:2]:
            lines.append(f"  - md   [{s[0][:50]}] {s[1][:110]}")
        for o in other[j1:j2][:2]:
            lines.append(f"  + rend [{o[0][:50]}] {o[1][:110]}")
        if len(lines) >= limit * 2:
            break
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("drafts", nargs="*", type=Path, help="Markdown drafts (default: every evals/drafts/*.md)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--diff", action="store_true", help="show the differing passages of each draft")
    args = parser.parse_args(argv)
    sources = args.drafts or sorted(p for p in DRAFTS_DIR.glob("*.md") if p.name != "README.md")
    formats = [f for f in args.formats.split(",") if f]
    totals: dict[str, list[float]] = {f: [] for f in formats}
    for rendered in render_all(sources, args.out_dir, formats):
        _, source = passages_of(rendered.source)
        row = [f"{rendered.source.name:<44} {len(source):>3}"]
        for fmt in formats:
            _, other = passages_of(rendered.files[fmt])
            score = agreement(source, other)
            totals[fmt].append(score)
            row.append(f"{fmt} {score:.2f} ({len(other)})")
            if args.diff and score < 1.0:
                row.append("\n" + "\n".join(diff(source, other)) + "\n")
        print("  ".join(row))
    for fmt, scores in totals.items():
        print(f"mean passage agreement {fmt}: {sum(scores) / len(scores):.3f} over {len(scores)} drafts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
