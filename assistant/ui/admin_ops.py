"""Administration helpers with no Streamlit in them: course files, store label.

Course materials added from the app go to ``<corpus_dir>/documents/`` (indexed as doc_type
"document"); a file is validated with the document loader before it is written, under a
sanitised name, atomically. Removing a file there and re-running the ingestion removes it
from the index.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from assistant.documents import LoadedDocument, LoadLimits, load_document, sanitize_filename
from assistant.settings import Settings

COURSE_EXTENSIONS = (".pdf", ".docx", ".md")


def documents_dir(settings: Settings) -> Path:
    return settings.corpus_dir / "documents"


def course_filename(raw: str | None) -> str:
    """A safe file name for the corpus: ASCII letters, digits, ``-`` and ``_``, a known extension.

    Raises ``ValueError`` (French message) for an unsupported extension.
    """
    name = sanitize_filename(raw)
    stem, dot, extension = name.rpartition(".")
    suffix = f".{extension.lower()}" if dot else ""
    suffix = ".md" if suffix == ".markdown" else suffix
    if suffix not in COURSE_EXTENSIONS:
        raise ValueError(
            f"Le fichier « {name} » n'est pas un support de cours accepté (PDF, Word .docx ou Markdown .md)."
        )
    stem = unicodedata.normalize("NFKD", stem)
    stem = "".join(ch for ch in stem if not unicodedata.combining(ch))
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80].rstrip("-_") or "document"
    return stem + suffix


def validate_course(data: bytes, name: str, max_mb: int) -> LoadedDocument:
    """Load the file with the same loader (and limits) as the ingestion; raises DocumentError."""
    return load_document(data, filename=name, limits=LoadLimits(max_bytes=max_mb * 1024 * 1024))


def list_documents(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in {*COURSE_EXTENSIONS, ".txt"})


def _inside(folder: Path, name: str) -> Path:
    path = (folder / name).resolve()
    if path.parent != folder.resolve() or name != path.name:
        raise ValueError(f"Nom de fichier refusé : « {name} ».")
    return path


def save_document(folder: Path, name: str, data: bytes, *, replace: bool = False) -> Path:
    """Write ``data`` as ``folder/name`` atomically; refuses to overwrite unless ``replace``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = _inside(folder, name)
    if path.exists() and not replace:
        raise FileExistsError(f"Un document nommé « {name} » existe déjà dans le corpus.")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def remove_document(folder: Path, name: str) -> None:
    path = _inside(folder, name)
    if not path.is_file():
        raise FileNotFoundError(f"Le document « {name} » n'existe pas.")
    path.unlink()


def store_location(settings: Settings) -> str:
    """Where the vectors live, without opening the store."""
    if settings.chroma_host:
        return f"serveur Chroma {settings.chroma_host}:{settings.chroma_port}"
    return f"local ({settings.index_dir / 'chroma'})"
