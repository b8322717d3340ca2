"""PDF with pypdf: headings, paragraphs, lists and tables recovered from the page layout.

Units carry their 1-based page; headings give the units that follow their heading path (see
``pdf_layout``). A page whose layout cannot be recovered keeps its plain text as one paragraph.

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
from collections.abc import Mapping

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from .errors import (
    CorruptedDocumentError,
    EmptyDocumentError,
    EncryptedPdfError,
    NoTextError,
    TooManyPagesError,
)
from .hidden import hidden_warning
from .models import DocumentWarning, LoadedDocument, LoadLimits, UnitCollector
from .pdf_layout import layout_units
from .pdf_margins import PageContent
from .pdf_runs import build_lines, extract_runs
from .pdf_shapes import ShapeTracker
from .text import clean_text

MIN_CHARS_PER_PAGE = 20
MIN_LAID_OUT_SHARE = 0.9  # below this share of the page's characters in runs, use the plain text
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

    pages: list[PageContent] = []
    hidden: list[str] = []
    unreadable: list[int] = []
    blank: list[int] = []
    complete = True
    chars = 0
    for number in range(1, page_count + 1):
        page = _page_content(reader, number, name, hidden)
        if page is None:
            unreadable.append(number)
        elif not page.text.strip():
            blank.append(number)
        else:
            pages.append(page)
            chars += len(page.text)
            if chars > limits.max_chars:
                complete = False
                break
    collector = _units(pages)

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


def _units(pages: list[PageContent]) -> UnitCollector:
    """Units from the pages' layout; if recovery fails as a whole, one paragraph per page as before."""
    collector = UnitCollector()
    try:
        layout_units(pages, collector)
    except MemoryError:
        raise
    except Exception:
        _logger.warning("PDF layout recovery failed; falling back to one unit per page", exc_info=True)
        collector = UnitCollector()
        for page in pages:
            collector.add(page.text, "paragraph", page=page.number)
    return collector


def _page_content(reader: PdfReader, number: int, name: str, hidden: list[str]) -> PageContent | None:
    """The page's visible text and lines, or None when pypdf fails on it; hidden text goes to ``hidden``."""
    try:
        page = reader.pages[number - 1]
        tracker = ShapeTracker(_resources(page))  # hidden text, and the page's rules and marks
        text, runs = extract_runs(page, tracker)
        for piece in tracker.hidden:
            if len(piece.strip()) >= 3:
                text = text.replace(piece, " " * len(piece)) if piece in text else text.replace(piece.strip(), " ")
        hidden.extend(tracker.hidden)
        text = clean_text(text)
    except (DependencyError, FileNotDecryptedError) as error:
        raise EncryptedPdfError(name, detail=repr(error)) from error
    except Exception:
        # One bad page must not sink the others: skip it, keep the trace for logs.
        _logger.debug("pypdf failed on page %d", number, exc_info=True)
        return None
    content = PageContent(number, text, None, shapes=tracker.shapes)
    try:
        box = page.mediabox
        content.bottom, content.top = float(box.bottom), float(box.top)
        content.width = float(box.width)
        laid_out = sum(len("".join(run.text.split())) for run in runs.runs)
        if not runs.failed and laid_out >= MIN_LAID_OUT_SHARE * len("".join(text.split())):
            content.lines = build_lines(runs.runs, number)
    except MemoryError:
        raise
    except Exception:
        _logger.debug("layout recovery failed on page %d; keeping its plain text", number, exc_info=True)
    return content


def _resources(page: PageObject) -> Mapping[str, object] | None:
    """The page's ``/Resources`` (None when missing or malformed)."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    return resources if isinstance(resources, Mapping) else None


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
