"""Entry point: turn an untrusted file into a :class:`LoadedDocument` or a clear error.

Order of checks: size (``too_large``, before reading a file from disk),
emptiness (``empty``), then the real type from the bytes (see ``sniff``).

Extension and content, when they disagree:

* ``.pdf`` whose content is not a PDF (text, Word, image...): ``not_pdf``.
  Someone who names a file ``.pdf`` expects their PDF to be read; reading
  something else instead would hide the mistake.
* Any other known extension (``.docx``, ``.pptx``, ``.txt``, ``.md``...) whose content
  is a supported type: loaded by content, with an ``extension_mismatch``
  warning (a PDF named ``.txt`` is read as a PDF).
* Unsupported content (image, legacy .doc or .ppt, archive, binary) is an
  error whatever the extension.

Text beyond ``max_chars`` is dropped with a ``truncated`` warning. Any
unexpected exception from a parser becomes ``corrupted``: the user gets a
message, never a traceback.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .errors import (
    BadEncodingError,
    BinaryContentError,
    CorruptedDocumentError,
    DocumentError,
    DocumentNotFoundError,
    EmptyDocumentError,
    NotPdfError,
    TooLargeError,
    UnsupportedTypeError,
)
from .markdown import load_markdown
from .models import DocumentWarning, LoadedDocument, LoadLimits
from .sniff import (
    LEGACY_POWERPOINT,
    MARKDOWN_EXTENSIONS,
    PLAIN_ZIP,
    TEXT_EXTENSIONS,
    UTF8_REPAIRED,
    ContentKind,
    Sniffed,
    sniff,
    text_flavor,
)
from .text import load_text

DEFAULT_LIMITS = LoadLimits()
DEFAULT_NAME = "document"

_MAX_NAME_CHARS = 120
_MIN_PARTIAL_UNIT = 200
_EXPECTED_KIND: dict[str, ContentKind] = {
    ".docx": "docx",
    ".pptx": "pptx",
    **{extension: "text" for extension in TEXT_EXTENSIONS | MARKDOWN_EXTENSIONS},
}
_KIND_LABEL: dict[ContentKind, str] = {"pdf": "PDF", "docx": "document Word", "pptx": "fichier PowerPoint"}
_SAVE_AS_DOCX = "Ouvrez-le dans Word ou LibreOffice et enregistrez-le au format Word (.docx), ou exportez-le en PDF."
_SAVE_AS_PPTX = (
    "Ouvrez le fichier dans PowerPoint ou LibreOffice Impress et enregistrez-le au format PowerPoint (.pptx), "
    "ou exportez-le en PDF."
)


def load_document(
    source: Path | bytes,
    *,
    filename: str | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
) -> LoadedDocument:
    """Load a PDF, DOCX, PPTX, Markdown or text document for analysis.

    ``source`` is a path or the file's bytes; ``filename`` (the uploaded
    name) is used for messages and for the extension, and defaults to the
    path's name. Raises a :class:`DocumentError` subclass on bad input.
    """
    if filename is None and not isinstance(source, bytes):
        filename = Path(source).name
    name = sanitize_filename(filename)
    data = source if isinstance(source, bytes) else _read(Path(source), name, limits)
    if len(data) > limits.max_bytes:
        raise TooLargeError(name, size=len(data), limit=limits.max_bytes)
    if not data:
        raise EmptyDocumentError(name, detail="0 bytes")

    extension = Path(name).suffix.lower()
    sniffed = sniff(data)
    if extension == ".pdf" and sniffed.kind != "pdf":
        raise NotPdfError(name, actual=sniffed.label)
    try:
        document = _dispatch(data, sniffed, name=name, extension=extension, limits=limits)
    except DocumentError:
        raise
    except Exception as error:
        kind = _KIND_LABEL.get(sniffed.kind, "document")
        raise CorruptedDocumentError(name, kind=kind, detail=repr(error)) from error
    if not document.units:
        raise EmptyDocumentError(name, detail="no text unit")

    warnings = _mismatch_warnings(name, extension, sniffed)
    if sniffed.encoding in ("cp1252", UTF8_REPAIRED):
        warnings.append(_encoding_warning(name, sniffed.encoding))
    return _limit_chars(document, limits.max_chars, name, extra_warnings=warnings)


def sanitize_filename(raw: str | None) -> str:
    """Basename without control or invisible format characters, for messages."""
    if not raw:
        return DEFAULT_NAME
    base = re.split(r"[\\/]", raw)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    base = " ".join(base.split())
    if len(base) > _MAX_NAME_CHARS:
        suffix = Path(base).suffix[:10]
        base = base[: _MAX_NAME_CHARS - len(suffix) - 1].rstrip() + "…" + suffix
    return base or DEFAULT_NAME


def _read(path: Path, name: str, limits: LoadLimits) -> bytes:
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise TooLargeError(name, size=size, limit=limits.max_bytes)
        with path.open("rb") as handle:
            # Read one byte more than allowed: a file that grew (or a device)
            # is caught by the size check that follows.
            return handle.read(limits.max_bytes + 1)
    except OSError as error:
        raise DocumentNotFoundError(name, detail=repr(error)) from error


def _dispatch(data: bytes, sniffed: Sniffed, *, name: str, extension: str, limits: LoadLimits) -> LoadedDocument:
    match sniffed.kind:
        case "pdf":
            from .pdf import load_pdf  # pypdf loads only for a PDF

            return load_pdf(data, name=name, limits=limits)
        case "docx":
            from .docx import load_docx  # python-docx loads only for a Word file

            return load_docx(data, name=name, limits=limits)
        case "pptx":
            from .pptx import load_pptx  # python-pptx loads only for a PowerPoint file

            return load_pptx(data, name=name, limits=limits)
        case "text":
            return _load_decoded(sniffed.text or "", name=name, extension=extension, limits=limits)
        case "undecodable":
            raise BadEncodingError(name, detail=sniffed.label)
        case "image":
            raise UnsupportedTypeError(
                name,
                actual=sniffed.label,
                advice="Déposez le document d'origine (Word, ou PDF exporté) plutôt "
                "qu'une photo ou une capture d'écran.",
            )
        case "legacy_office":
            if extension == ".ppt" or sniffed.label == LEGACY_POWERPOINT:
                raise UnsupportedTypeError(name, actual=LEGACY_POWERPOINT, advice=_SAVE_AS_PPTX)
            actual = "un document Word 97-2003 (.doc)" if extension == ".doc" else sniffed.label
            raise UnsupportedTypeError(name, actual=actual, advice=_SAVE_AS_DOCX)
        case "office" | "rtf":
            advice = _SAVE_AS_PPTX if "PowerPoint" in sniffed.label else _SAVE_AS_DOCX
            raise UnsupportedTypeError(name, actual=sniffed.label, advice=advice)
        case "zip":
            actual = sniffed.label
            if extension == ".pptx" and actual == PLAIN_ZIP:
                actual = "une archive ZIP (et non une présentation PowerPoint)"
            raise BinaryContentError(
                name,
                actual=actual,
                advice="Décompressez l'archive et déposez le document qu'elle contient.",
            )
        case "binary":
            raise BinaryContentError(name, actual=sniffed.label)


def _load_decoded(text: str, *, name: str, extension: str, limits: LoadLimits) -> LoadedDocument:
    if not text.strip():
        raise EmptyDocumentError(name, detail="whitespace only")
    # Parse at most twice max_chars (a margin for markup and blank lines);
    # _limit_chars then cuts precisely.
    cut = len(text) > 2 * limits.max_chars
    if cut:
        text = text[: 2 * limits.max_chars]
    if text_flavor(text, extension) == "markdown":
        document = load_markdown(text, name=name)
    else:
        document = load_text(text, name=name)
    if not cut:
        return document
    warning = _truncated_warning(name, limits.max_chars, "decoded text cut before parsing")
    return document.model_copy(update={"warnings": [*document.warnings, warning]})


def _mismatch_warnings(name: str, extension: str, sniffed: Sniffed) -> list[DocumentWarning]:
    expected = _EXPECTED_KIND.get(extension)
    if expected is None or expected == sniffed.kind:
        return []
    return [
        DocumentWarning(
            code="extension_mismatch",
            message=f"« {name} » porte l'extension {extension} mais son contenu est "
            f"{sniffed.label} : il a été lu comme tel.",
            detail=f"extension {extension}, content {sniffed.kind}",
        )
    ]


def _encoding_warning(name: str, encoding: str) -> DocumentWarning:
    if encoding == "cp1252":
        message = (
            f"« {name} » n'est pas encodé en UTF-8 : il a été lu comme du Windows-1252. "
            "Si des accents s'affichent mal, enregistrez-le en UTF-8."
        )
    else:
        message = (
            f"« {name} » contient quelques octets invalides en UTF-8 : les caractères "
            "concernés ont été remplacés par « \ufffd »."
        )
    return DocumentWarning(code="encoding", message=message, detail=encoding)


def _limit_chars(
    document: LoadedDocument,
    max_chars: int,
    name: str,
    *,
    extra_warnings: list[DocumentWarning],
) -> LoadedDocument:
    """Keep the units that fit in ``max_chars``; cut the first one that does not."""
    warnings = extra_warnings + document.warnings
    units = document.units
    if document.char_count > max_chars:
        kept = []
        total = 0
        for unit in units:
            room = max_chars - total
            if len(unit.text) <= room:
                kept.append(unit)
                total += len(unit.text)
                continue
            if unit.kind != "table" and room >= _MIN_PARTIAL_UNIT:
                kept.append(unit.model_copy(update={"text": _cut(unit.text, room)}))
            break
        units = kept
        if not document.has_warning("truncated"):
            detail = f"{document.char_count} characters > {max_chars}"
            warnings.append(_truncated_warning(name, max_chars, detail))
    if not warnings and units is document.units:
        return document
    return LoadedDocument.from_units(
        name=document.name,
        doc_type=document.doc_type,
        units=units,
        pages=document.pages,
        warnings=warnings,
        metadata=document.metadata,
    )


def _truncated_warning(name: str, max_chars: int, detail: str) -> DocumentWarning:
    return DocumentWarning(
        code="truncated",
        message=f"« {name} » est très long : seuls ses {_thousands(max_chars)} "
        "premiers caractères ont été analysés, la suite est ignorée.",
        detail=detail,
    )


def _cut(text: str, room: int) -> str:
    cut = text.rfind(" ", 0, room + 1)
    return text[: cut if cut > room // 2 else room].rstrip()


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")
