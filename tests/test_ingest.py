"""Ingestion: structure-aware chunks, incremental by content hash, idempotent, removals, rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import CORPUS, make_settings

from assistant.index.chunking import referentiel_chunks
from assistant.index.embeddings import make_embeddings
from assistant.index.ingest import ingest, manifest_path
from assistant.index.store import VectorStore


def test_referentiel_chunks_have_headers_and_ground_their_codes(ref) -> None:  # type: ignore[no-untyped-def]
    chunks = {c.id: c for c in referentiel_chunks(ref)}
    cr7 = chunks["ref:criterion:CR7"]
    assert cr7.text.startswith("Bloc 2 — CR7 — critère d'évaluation :")
    assert cr7.codes == ["CR7"] and cr7.evaluation == "E2" and cr7.bloc == "B2"
    assert chunks["ref:block:CR11 à 13"].codes == ["CR11", "CR12", "CR13"]
    assert "ref:section:HANDICAP" in chunks and "ref:section:L6113-1" in chunks
    kinds = {c.kind for c in chunks.values()}
    assert {"criterion", "competency", "activity", "evaluation", "bloc", "section", "block"} <= kinds
    assert sum(c.kind == "criterion" for c in chunks.values()) == 35


def _small_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "referentiel", corpus / "referentiel")
    shutil.copy(CORPUS / "vocabulary.yaml", corpus / "vocabulary.yaml")
    (corpus / "cours" / "pdf").mkdir(parents=True)
    for name in ("budget-projet-digital.md", "cahier-des-charges.md"):
        shutil.copy(CORPUS / "cours" / name, corpus / "cours" / name)
    shutil.copy(CORPUS / "cours" / "pdf" / "budget-projet-digital.pdf", corpus / "cours" / "pdf")
    return corpus


def test_incremental_idempotent_removal_and_rebuild(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path)
    settings = make_settings(tmp_path, corpus_dir=corpus)
    emb = make_embeddings("hashing")

    first = ingest(settings, emb)
    # the PDF rendering replaces its Markdown source
    assert "cours/pdf/budget-projet-digital.pdf" in first.indexed
    assert "cours/budget-projet-digital.md" not in first.indexed
    assert first.chunks_total == first.chunks_added > 100

    second = ingest(settings, emb)
    assert second.indexed == [] and second.chunks_added == 0
    assert second.chunks_total == first.chunks_total

    sheet = corpus / "cours" / "cahier-des-charges.md"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n\nUn paragraphe ajouté.\n", encoding="utf-8")
    third = ingest(settings, emb)
    assert third.indexed == ["cours/cahier-des-charges.md"]

    sheet.unlink()
    fourth = ingest(settings, emb)
    assert fourth.removed == ["cours/cahier-des-charges.md"]
    assert fourth.chunks_total < first.chunks_total
    store = VectorStore(settings, emb)
    assert all(c.source != "cours/cahier-des-charges.md" for c in store.all_chunks())

    rebuilt = ingest(settings, emb, rebuild=True)
    assert rebuilt.chunks_total == fourth.chunks_total
    assert len(rebuilt.indexed) == rebuilt.documents


def test_extra_files_are_indexed_and_bad_files_reported_without_stopping(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path)
    (corpus / "documents").mkdir()
    (corpus / "documents" / "faux.pdf").write_text("pas un pdf", encoding="utf-8")
    extra = tmp_path / "notes.md"
    extra.write_text("# Notes du tuteur\n\nLe REX doit montrer la prise de recul.\n", encoding="utf-8")
    settings = make_settings(tmp_path, corpus_dir=corpus)
    summary = ingest(settings, make_embeddings("hashing"), extra_paths=[extra])
    assert str(extra.resolve()) in summary.indexed
    assert "documents/faux.pdf" in summary.failed
    assert "PDF" in summary.failed["documents/faux.pdf"]
    assert manifest_path(settings).is_file()
