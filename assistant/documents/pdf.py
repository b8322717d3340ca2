"""PDF with pypdf: one ``paragraph`` unit per page that has text (pages are 1-based).

* Encrypted files are opened with the empty password first (many PDFs are
  "protected" only against editing); if that fails, or the cipher needs an
  optional crypto library, the file is ``encrypted``.
* Any pypdf failure while opening or counting pages is ``corrupted``. A page
  whose text cannot be extracted is skipped with a ``page_unreadable``
  warning; if no page can be read the file is ``corrupted``.
* Fewer than :data:`MIN_CHARS_PER_PAGE` non-space characters per page on
  average means a scan or an image-only PDF: ``no_text``. Pages without text
  in an otherwise readable PDF give a ``pages_without_text`` warning.
* More than ``max_pages`` pages is ``too_many_pages``; extraction stops once
  ``max_chars`` is passed (the loader truncates and warns).
"""

from __future__ import annotations

import io
import logging

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from .errors import (
    CorruptedDocumentError,
    EmptyDocumentError,
    EncryptedPdfError,
    NoTextError,
    TooManyPagesError,
)
from .hidden import PdfHiddenTracker, hidden_warning
from .models import DocumentWarning, LoadedDocument, LoadLimits, UnitCollector
from .text import clean_text

MIN_CHARS_PER_PAGE = 20
_LISTED_PAGES = 10

# pypdf logs recoverable problems as warnings; without a handler Python would
# print them on stderr. Applications that configure logging still get them.
logging.getLogger("pypdf").addHandler(logging.NullHandler())
_logger = logging.getLogger(__name__)


def load_pdf(data: bytes, *, name: str, limits: LoadLimits) -> LoadedDocument:
    reader = _open(data, name)
    try:
        page_count = len(reader.pages)
    except FileNotDecryptedError as error:
        raise EncryptedPdfError(name, detail=repr(error)) from error
    except Exception as error:
        raise CorruptedDocumentError(name, kind="PDF", detail=repr(error)) from error
    if page_count == 0:
        raise EmptyDocumentError(name, detail="PDF without pages")
    if page_count > limits.max_pages:
        raise TooManyPagesError(name, pages=page_count, limit=limits.max_pages)

    collector = UnitCollector()
    hidden: list[str] = []
    unreadable: list[int] = []
    blank: list[int] = []
    complete = True
    for number in range(1, page_count + 1):
        text = _page_text(reader, number, name, hidden)
        if text is None:
            unreadable.append(number)
        elif not text.strip():
            blank.append(number)
        else:
            collector.add(text, "paragraph", page=number)
            if collector.chars > limits.max_chars:
                complete = False
                break

    if len(unreadable) == page_count:
        raise CorruptedDocumentError(name, kind="PDF", detail="no page could be read")
    if complete:
        visible = sum(len("".join(unit.text.split())) for unit in collector.units)
        if visible < MIN_CHARS_PER_PAGE * page_count:
            raise NoTextError(name, detail=f"{visible} characters over {page_count} pages")
    return LoadedDocument.from_units(
        name=name,
        doc_type="pdf",
        units=collector.units,
        pages=page_count,
        warnings=_page_warnings(unreadable, blank) + [w for w in [hidden_warning(hidden)] if w],
    )


def _open(data: bytes, name: str) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except (DependencyError, FileNotDecryptedError) as error:
        raise EncryptedPdfError(name, detail=repr(error)) from error
    except Exception as error:
        raise CorruptedDocumentError(name, kind="PDF", detail=repr(error)) from error
    if reader.is_encrypted:
        try:
            result = reader.decrypt("")
        except Exception as error:
            raise EncryptedPdfError(name, detail=repr(error)) from error
        if result == PasswordType.NOT_DECRYPTED:
            raise EncryptedPdfError(name, detail="empty password rejected")
    return reader


def _page_text(reader: PdfReader, number: int, name: str, hidden: list[str]) -> str | None:
    """The page's cleaned visible text, or None when pypdf fails on it; hidden text goes to ``hidden``."""
    try:
        tracker = PdfHiddenTracker()
        text = reader.pages[number - 1].extract_text(visitor_operand_before=tracker.before, visitor_text=tracker.text)
        for piece in tracker.hidden:
            if len(piece.strip()) >= 3:
                text = text.replace(piece, " " * len(piece)) if piece in text else text.replace(piece.strip(), " ")
        hidden.extend(tracker.hidden)
        return clean_text(text)
    except (DependencyError, FileNotDecryptedError) as error:
        raise EncryptedPdfError(name, detail=repr(error)) from error
    except Exception:
        # One bad page must not sink the others: skip it, keep the trace for logs.
        _logger.debug("pypdf failed on page %d", number, exc_info=True)
        return None


def _pages_label(pages: list[int]) -> str:
    shown = ", ".join(str(page) for page in pages[:_LISTED_PAGES])
    more = " …" if len(pages) > _LISTED_PAGES else ""
    return f"p. {shown}{more}"


def _page_warnings(unreadable: list[int], blank: list[int]) -> list[DocumentWarning]:
    warnings: list[DocumentWarning] = []
    if unreadable:
        warnings.append(
            DocumentWarning(
                code="page_unreadable",
                message=f"{len(unreadable)} page(s) n'ont pas pu être lues et sont "
                f"ignorées ({_pages_label(unreadable)}).",
                detail=",".join(map(str, unreadable)),
            )
        )
    if blank:
        warnings.append(
            DocumentWarning(
                code="pages_without_text",
                message=f"{len(blank)} page(s) sans texte extractible (images ou "
                f"scans ?) : leur contenu n'est pas analysé ({_pages_label(blank)}).",
                detail=",".join(map(str, blank)),
            )
        )
    return warnings
