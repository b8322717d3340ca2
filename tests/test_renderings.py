"""Same draft, same passages, same verdicts, whatever the format.

Every Markdown dev draft is rendered to PDF with fpdf2, to Word with python-docx, and from that Word
file to PDF by LibreOffice headless (see ``evals/renderings.py``). Each rendering must yield the
Markdown's passages (same heading paths, same text after whitespace normalisation) and the same
verdict for each criterion, for at least 95 % of passages and of criteria in each format.

LibreOffice is needed for the third format: the test is skipped without it, except where
``JB_REQUIRE_LIBREOFFICE=1`` (CI installs it and sets that), where its absence fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from assistant.evaluate.drafts_eval import score_pairs
from assistant.evaluate.floors import FLOORS
from assistant.index.embeddings import EmbeddingChoice, MemoisedEmbeddings, make_embeddings
from assistant.review.service import Reviewer, check_file
from assistant.settings import Settings
from evals.renderings import DRAFTS_DIR, FORMATS, agreement, diff, passages_of, render_all, soffice

TARGET = 0.95


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    formats = list(FORMATS)
    if soffice() is None:
        if os.environ.get("JB_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required here: apt-get install libreoffice-writer-nogui")
        formats.remove("libreoffice")
    sources = sorted(p for p in DRAFTS_DIR.glob("*.md") if p.name != "README.md")
    return formats, render_all(sources, tmp_path_factory.mktemp("renderings"), formats)


def test_every_format_yields_the_markdown_passages(rendered) -> None:  # type: ignore[no-untyped-def]
    formats, results = rendered
    for fmt in formats:
        matched = total = 0.0
        worst: list[tuple[float, str, list[str]]] = []
        for item in results:
            _, source = passages_of(item.source)
            _, other = passages_of(item.files[fmt])
            score = agreement(source, other)
            matched += score * (len(source) + len(other)) / 2
            total += (len(source) + len(other)) / 2
            worst.append((score, item.source.name, diff(source, other)))
        worst.sort()
        share = matched / total
        detail = "\n".join(f"{name} {score:.2f}\n" + "\n".join(lines) for score, name, lines in worst[:3])
        print(f"passage agreement {fmt}: {share:.3f} over {len(results)} drafts")  # shown with pytest -s
        assert share >= TARGET, f"{fmt}: {share:.3f} of passages agree\n{detail}"


@pytest.fixture(scope="module")
def reviewer(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Reviewer:
    base = make_embeddings("e5-small")
    embedding = EmbeddingChoice(MemoisedEmbeddings(base.embeddings), base.model_id)  # one embedding per passage text
    settings = Settings(corpus_dir=corpus_dir, data_dir=tmp_path_factory.mktemp("data"))
    return Reviewer.from_settings(settings, embedding)


def test_every_format_gets_the_markdown_verdicts_and_holds_the_gold_floor(rendered, reviewer: Reviewer) -> None:  # type: ignore[no-untyped-def]
    """Each format gives the Markdown's verdicts, and on the test-split drafts its verdicts agree with the
    gold labels above the rendering floor (not only with the code's own Markdown verdicts)."""
    formats, results = rendered
    entries = {e["file"]: e for e in yaml.safe_load((DRAFTS_DIR / "labels.yaml").read_text("utf-8"))}
    sources = {item.source.name: item for item in results}
    baseline = {
        name: {v.code: v.status for v in check_file(reviewer, item.source, entries[name]["evaluation"]).criteria}
        for name, item in sources.items()
    }
    held_out = [name for name in sources if entries[name]["split"] == "test"]
    gold = [(entries[name]["labels"][code]["status"], name, code) for name in held_out for code in baseline[name]]
    markdown = score_pairs([(g, baseline[name][code]) for g, name, code in gold])
    print(f"\ngold agreement markdown: QW-kappa {markdown['qw_kappa']:.3f} over {len(gold)} test-split labels")
    for fmt in formats:
        same = total = 0
        moved: list[str] = []
        verdicts: dict[str, dict[str, str]] = {}
        for name, item in sources.items():
            verdicts[name] = {
                v.code: v.status for v in check_file(reviewer, item.files[fmt], entries[name]["evaluation"]).criteria
            }
            for code, status in baseline[name].items():
                total += 1
                if verdicts[name].get(code) == status:
                    same += 1
                else:
                    moved.append(f"{name} {code}: {status} -> {verdicts[name].get(code)}")
        against_gold = score_pairs([(g, verdicts[name].get(code, "missing")) for g, name, code in gold])
        print(f"verdict agreement {fmt}: {same}/{total} = {same / total:.3f}; gold QW-kappa "
              f"{against_gold['qw_kappa']:.3f}, macro-F1 {against_gold['macro_f1']:.3f}")  # fmt: skip
        assert same / total >= TARGET, f"{fmt}: {same}/{total} verdicts agree; moved: {moved[:8]}"
        assert against_gold["qw_kappa"] >= FLOORS.renderings_qw_kappa, (fmt, against_gold)
