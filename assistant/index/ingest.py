"""Index the corpus (référentiel + course materials + extra files) incrementally by content hash.

A manifest (``<data_dir>/index/manifest.json``) records, per source file, its hash and chunk ids.
It is written after every file, so an interrupted run leaves a usable index and resumes where it
stopped. Unchanged files are skipped; removed files are removed from the index.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.documents import LOADER_VERSION, load_document_isolated
from assistant.index.chunking import document_chunks, referentiel_chunks
from assistant.index.chunks import Chunk, DocKind
from assistant.index.embeddings import EmbeddingChoice
from assistant.index.store import VectorStore
from assistant.pack import CodeParser, Pack, pack_from
from assistant.settings import Settings
from assistant.text.sentences import EVIDENCE_REVISION

MANIFEST_VERSION = 1
REFERENTIEL_KEY = "referentiel"
SUPPORTED = {".pdf", ".docx", ".md", ".markdown", ".txt"}
COURSE_DIRS: dict[str, DocKind] = {"cours": "cours", "programme": "programme", "documents": "document"}


class FileEntry(BaseModel):
    hash: str
    chunk_ids: list[str]
    indexed_at: str
    extra: bool = False
    title: str = ""


class Manifest(BaseModel):
    version: int = MANIFEST_VERSION
    model_id: str = ""
    updated_at: str = ""
    files: dict[str, FileEntry] = Field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.is_file():
            return cls()
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError:
            return cls()

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.updated_at = _now()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a kill never leaves half a manifest

    @property
    def chunk_count(self) -> int:
        return sum(len(e.chunk_ids) for e in self.files.values())


@dataclass
class IngestSummary:
    documents: int = 0
    indexed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    chunks_added: int = 0
    chunks_total: int = 0
    sentences_added: int = 0
    sentences_total: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0
    model_id: str = ""
    store: str = ""
    notice: str = ""
    version: str = ""
    scrubbed: dict[str, list[str]] = field(default_factory=dict)  # instructions removed, per source


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def manifest_path(settings: Settings) -> Path:
    return settings.index_dir / "manifest.json"


def chunking_fingerprint(settings: Settings, pack: Pack) -> str:
    """What every file's chunks depend on besides the file: loaders, chunking settings, the pack's code grammar,
    the evidence-sentence splitter (its sentences are indexed with the chunks).

    It is part of every file's hash, so changing either re-indexes everything on the next run
    instead of mixing old and new chunks.
    """
    payload = (
        LOADER_VERSION
        + settings.chunking.model_dump_json(exclude={"embed_batch"})
        + pack.vocab.codes.model_dump_json()
        + f"sentences:{EVIDENCE_REVISION}"
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def content_version(fingerprint: str, files: dict[str, FileEntry]) -> str:
    """The index's content version: the fingerprint and every indexed file's hash."""
    digest = hashlib.sha256(fingerprint.encode())
    for source in sorted(files):
        digest.update(f"{source}={files[source].hash};".encode())
    return digest.hexdigest()[:16]


def _sha(paths: list[Path], fingerprint: str) -> str:
    digest = hashlib.sha256(fingerprint.encode())
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def corpus_files(corpus_dir: Path) -> dict[str, tuple[Path, DocKind]]:
    """Course files to index, keyed by corpus-relative path.

    A PDF rendering of a sheet (``cours/pdf/<slug>.pdf``) replaces its Markdown source in the index,
    so the same text is not indexed twice.
    """
    out: dict[str, tuple[Path, DocKind]] = {}
    for sub, kind in COURSE_DIRS.items():
        base = corpus_dir / sub
        if not base.is_dir():
            continue
        files = sorted(p for p in base.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
        rendered = {p.stem for p in files if p.suffix.lower() == ".pdf"}
        for path in files:
            if path.suffix.lower() in {".md", ".markdown"} and path.stem in rendered:
                continue
            out[str(path.relative_to(corpus_dir))] = (path, kind)
    return out


def file_chunks(path: Path, source: str, kind: DocKind, settings: Settings, codes: CodeParser,
                scrubbed: dict[str, list[str]] | None = None) -> list[Chunk]:  # fmt: skip
    """The chunks ingestion indexes for one course file (loaded in an isolated process)."""
    from assistant.documents import LoadLimits

    doc = load_document_isolated(path, limits=LoadLimits(max_bytes=settings.max_upload_mb * 1024 * 1024))
    if doc.doc_type == "pdf" and not doc.metadata:
        md = path.parent.parent / f"{path.stem}.md"  # cours/pdf/x.pdf -> cours/x.md front matter
        if md.is_file():
            from assistant.pack.courses import split_front_matter

            meta, _ = split_front_matter(md.read_text(encoding="utf-8"))
            doc = doc.model_copy(update={"metadata": meta})
    spans: list[str] = []
    chunks = document_chunks(doc, source, kind, codes, spans, settings.chunking)
    hidden = [w.detail for w in doc.warnings if w.code == "hidden_text" and w.detail]
    if (spans or hidden) and scrubbed is not None:
        scrubbed[source] = spans + [f"(texte invisible) {h[:200]}" for h in hidden]
    return chunks


def pack_chunks(settings: Settings, pack: Pack) -> list[Chunk]:
    """Every chunk ingestion indexes for the pack's own files (référentiel, then course files); raises on a
    file that cannot be loaded."""
    chunks = referentiel_chunks(pack.ref)
    for source, (path, kind) in corpus_files(pack.root).items():
        chunks.extend(file_chunks(path, source, kind, settings, pack.codes))
    return chunks


ProgressFn = Callable[[str, int, int], None]


@dataclass
class Wanted:
    """A source the index should hold: its content hash, file (None = the référentiel) and kind."""

    digest: str
    path: Path | None
    kind: DocKind
    extra: bool


def ingest(
    settings: Settings,
    embedding: EmbeddingChoice,
    *,
    extra_paths: list[Path] | None = None,
    rebuild: bool = False,
    progress: ProgressFn | None = None,
    store: VectorStore | None = None,
) -> IngestSummary:
    """Bring the index in line with the corpus. Idempotent; ``progress(label, done, total)`` per chunk batch.

    Each chunk's evidence sentences are indexed with it (``sentence_store``); an index that has chunks but
    no sentences (built before they were indexed) gets the sentences of all its chunks.
    """
    from assistant.index.sentence_store import SentenceStore, drop_sentences

    started = time.perf_counter()
    corpus = settings.corpus_dir
    mpath = manifest_path(settings)
    manifest = Manifest.load(mpath)
    if rebuild or (manifest.model_id and manifest.model_id != embedding.model_id):
        if not rebuild:
            from assistant.index.store import IndexModelMismatch

            raise IndexModelMismatch(
                f"L'index a été construit avec « {manifest.model_id} » mais le modèle configuré est "
                f"« {embedding.model_id} ». Reconstruisez l'index : jury-blanc ingest --rebuild"
            )
        if store is not None:
            drop_sentences(store)
            store.reset()
        else:
            _reset_local(settings, embedding)
        manifest = Manifest()
    store = store or VectorStore(settings, embedding)
    sentences = SentenceStore(store)
    if store.count() == 0:
        if manifest.files:
            manifest = Manifest()  # the store was emptied behind our back: re-index everything
        if sentences.count():
            sentences.reset()  # sentences of chunks that are gone
    manifest.model_id = embedding.model_id
    summary = IngestSummary(model_id=embedding.model_id, store=store.location, notice=store.recovery_message)

    # 1. What should be indexed, and with which hash.
    pack = pack_from(corpus)  # fresh: the pack's files may have changed since the process started
    fingerprint = chunking_fingerprint(settings, pack)
    ref_files = pack.data_files()
    wanted: dict[str, Wanted] = {
        REFERENTIEL_KEY: Wanted(_sha(ref_files, fingerprint), None, "referentiel", extra=False)
    }
    for source, (path, kind) in corpus_files(corpus).items():
        wanted[source] = Wanted(_sha([path], fingerprint), path, kind, extra=False)
    extras = [p.resolve() for p in extra_paths or []]
    extras += [Path(s) for s, known in manifest.files.items() if known.extra and Path(s).is_file()]
    for path in extras:
        wanted.setdefault(str(path), Wanted(_sha([path], fingerprint), path, "document", extra=True))
    summary.documents = len(wanted)

    # 2. Removed files.
    for source in [s for s in manifest.files if s not in wanted]:
        store.delete(manifest.files[source].chunk_ids)
        sentences.delete_chunks(manifest.files[source].chunk_ids)
        del manifest.files[source]
        summary.removed.append(source)
        manifest.save(mpath)

    # 3. Changed or new files: load and chunk first (so the progress bar knows the total).
    todo: list[tuple[str, str, bool, list[Chunk]]] = []
    for source, item in wanted.items():
        digest, extra = item.digest, item.extra
        entry = manifest.files.get(source)
        if entry and entry.hash == digest:
            summary.skipped.append(source)
            continue
        try:
            if item.path is None:
                chunks = referentiel_chunks(pack.ref)
            else:
                chunks = file_chunks(item.path, source, item.kind, settings, pack.codes, summary.scrubbed)
        except Exception as exc:
            summary.failed[source] = getattr(exc, "message", None) or str(exc)
            continue
        todo.append((source, digest, extra, chunks))
    total = sum(len(c) for *_, c in todo)
    done = 0
    for source, digest, extra, chunks in todo:
        old = manifest.files.get(source)
        if old:
            store.delete(old.chunk_ids)
            sentences.delete_chunks(old.chunk_ids)
        t0 = time.perf_counter()
        batch_size = settings.chunking.embed_batch
        for start in range(0, len(chunks), batch_size):
            batch = chunks[start : start + batch_size]
            store.add(batch)
            summary.sentences_added += sentences.add(batch)
            done += len(batch)
            if progress:
                progress(source, done, total)
        summary.embed_seconds += time.perf_counter() - t0
        title = chunks[0].title if chunks else source
        manifest.files[source] = FileEntry(
            hash=digest, chunk_ids=[c.id for c in chunks], indexed_at=_now(), extra=extra, title=title
        )
        manifest.save(mpath)
        summary.indexed.append(source)
        summary.chunks_added += len(chunks)
    manifest.save(mpath)
    t0 = time.perf_counter()
    summary.sentences_added += sentences.backfill()
    summary.embed_seconds += time.perf_counter() - t0
    version = content_version(fingerprint, manifest.files)
    if store.index_version() != version:
        store.set_index_version(version)
    summary.version = version
    summary.chunks_total = store.count()
    summary.sentences_total = sentences.count()
    summary.seconds = time.perf_counter() - started
    return summary


def _reset_local(settings: Settings, embedding: EmbeddingChoice) -> None:
    """Drop the collection and its sentences (works for both a local store and a server)."""
    from assistant.index.sentence_store import sentence_collection
    from assistant.index.store import make_client

    client = make_client(settings)
    for name in (settings.collection, sentence_collection(settings.collection)):
        with contextlib.suppress(Exception):  # an absent collection is fine
            client.delete_collection(name)


def index_status(settings: Settings) -> dict[str, object]:
    """What the admin page and `ingest` print: documents, chunks, last indexing, model."""
    manifest = Manifest.load(manifest_path(settings))
    return {
        "documents": len(manifest.files),
        "chunks": manifest.chunk_count,
        "updated_at": manifest.updated_at,
        "model_id": manifest.model_id,
        "files": {
            k: {"title": v.title, "chunks": len(v.chunk_ids), "indexed_at": v.indexed_at}
            for k, v in manifest.files.items()
        },
    }
