"""Document loading: PDF, Word (.docx), PowerPoint (.pptx), Markdown and plain text to ordered text units.

Use :func:`load_document`; it returns a :class:`LoadedDocument` or raises a
:class:`DocumentError` whose ``code`` is stable and whose ``message`` is a
French sentence for the user.
"""

from .errors import (
    BadEncodingError,
    BinaryContentError,
    CorruptedDocumentError,
    DocumentError,
    DocumentNotFoundError,
    EmptyDocumentError,
    EncryptedPdfError,
    ErrorCode,
    NoTextError,
    NotPdfError,
    TooComplexError,
    TooLargeError,
    TooManyPagesError,
    TooManySlidesError,
    UnsupportedTypeError,
)
from .isolation import load_document_isolated
from .loader import DEFAULT_LIMITS, load_document, sanitize_filename
from .models import (
    LOADER_VERSION,
    DocType,
    DocumentWarning,
    LoadedDocument,
    LoadLimits,
    TextUnit,
    UnitKind,
)
from .sniff import Sniffed, sniff

__all__ = [
    "DEFAULT_LIMITS",
    "LOADER_VERSION",
    "BadEncodingError",
    "BinaryContentError",
    "CorruptedDocumentError",
    "DocType",
    "DocumentError",
    "DocumentNotFoundError",
    "DocumentWarning",
    "EmptyDocumentError",
    "EncryptedPdfError",
    "ErrorCode",
    "LoadLimits",
    "LoadedDocument",
    "NoTextError",
    "NotPdfError",
    "Sniffed",
    "TextUnit",
    "TooComplexError",
    "TooLargeError",
    "TooManyPagesError",
    "TooManySlidesError",
    "UnitKind",
    "UnsupportedTypeError",
    "load_document",
    "load_document_isolated",
    "sanitize_filename",
    "sniff",
]
