"""Detect what a file really is from its bytes, never from its name.

Rules, in order:

* ``%PDF-`` within the first 1024 bytes: PDF (some generators put bytes
  before the header; readers accept it). When the header is not at offset 0
  the bytes must also hold an ``endobj``, so that a note that merely
  mentions "%PDF-1.7" stays text.
* A ZIP archive holding ``word/document.xml``: DOCX, when its content type is
  a plain Word document. A macro-enabled document (.docm) or a template
  (.dotx) is an unsupported Office type; so are Excel, PowerPoint and
  OpenDocument archives. Any other ZIP is a plain archive (``binary``).
  A ZIP too damaged to list still counts as DOCX when the bytes name
  ``word/document.xml``, so that the DOCX parser reports it as corrupted.
* A ZIP archive holding ``ppt/presentation.xml``: PPTX (a PowerPoint deck),
  when its content type is a plain presentation; a macro-enabled deck
  (.pptm), a template (.potx) or a slide show (.ppsx) is an unsupported
  Office type. A damaged ZIP naming ``ppt/presentation.xml`` counts as PPTX,
  as for DOCX.
* OLE compound files (``D0 CF 11 E0``): legacy Office (.doc, .xls, .ppt);
  a file holding a "PowerPoint Document" stream is labelled as a .ppt.
* RTF, and images (PNG, JPEG, GIF, WebP, TIFF, HEIC): unsupported types.
* Text: UTF-8 (with or without BOM), UTF-16/32 with BOM, UTF-16 without BOM
  when every other byte is NUL, else Windows-1252 when the result is almost
  entirely printable (a warning says so). Text with stray control
  characters is ``binary``, unless it is mostly plain ASCII, in which case
  the encoding is the problem (``undecodable``, reported as
  ``bad_encoding``).
* Anything else (NUL bytes, noise): ``binary``.

Markdown and plain text share one detection; :func:`text_flavor` tells them
apart by extension first, then by Markdown signals.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Literal

ContentKind = Literal[
    "pdf",
    "docx",
    "pptx",
    "text",
    "zip",
    "office",
    "legacy_office",
    "rtf",
    "image",
    "binary",
    "undecodable",
]

MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mdown", ".mkd"})
TEXT_EXTENSIONS = frozenset({".txt", ".text"})
UTF8_REPAIRED = "utf-8+replace"
"""Encoding reported for UTF-8 text whose few invalid bytes were replaced."""

_PDF_WINDOW = 1024
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_POWERPOINT_STREAM = "PowerPoint Document".encode("utf-16-le")
LEGACY_POWERPOINT = "une présentation PowerPoint 97-2003 (.ppt)"
PLAIN_ZIP = "une archive ZIP (et non un document Word)"
_IMAGE_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF87a", "une image GIF"),
    (b"GIF89a", "une image GIF"),
    (b"II*\x00", "une image TIFF"),
    (b"MM\x00*", "une image TIFF"),
)
_ARCHIVE_MAGICS = (b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"BZh")

# Share of "bad" characters (controls, undecodable bytes) tolerated in text.
_MAX_BAD_RATIO = 0.01
# Above this share of plain ASCII bytes, undecodable content is text in an
# unknown encoding rather than binary data.
_MIN_ASCII_RATIO = 0.85
# Share of undecodable bytes tolerated to still read a file as (damaged) UTF-8.
_MAX_UTF8_ERROR_RATIO = 0.001
_BAD_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_PRINTABLE_ASCII = bytes(range(32, 127)) + b"\t\n\r\f"


@dataclass(frozen=True)
class Sniffed:
    """What the bytes are, with a French label for messages ("une image PNG")."""

    kind: ContentKind
    label: str
    text: str | None = None
    """Decoded text, for ``kind == "text"``."""
    encoding: str | None = None


def sniff(data: bytes) -> Sniffed:
    """Classify ``data`` by content (see the module docstring for the rules)."""
    header = data.find(b"%PDF-", 0, _PDF_WINDOW)
    if header == 0 or (header > 0 and b"endobj" in data):
        return Sniffed("pdf", "un document PDF")
    if data.startswith(_ZIP_MAGICS):
        return _sniff_zip(data)
    if data.startswith(_OLE_MAGIC):
        if _OLE_POWERPOINT_STREAM in data:
            return Sniffed("legacy_office", LEGACY_POWERPOINT)
        return Sniffed("legacy_office", "un document Office ancien format (.doc, .xls ou .ppt)")
    if data.startswith(b"{\\rtf"):
        return Sniffed("rtf", "un document RTF")
    image = _image_label(data)
    if image is not None:
        return Sniffed("image", image)
    if data.startswith(_ARCHIVE_MAGICS):
        return Sniffed("binary", "une archive compressée")
    return _sniff_text(data)


def _image_label(data: bytes) -> str | None:
    for magic, label in _IMAGE_MAGICS:
        if data.startswith(magic):
            return label
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "une image WebP"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "une image HEIC"
    return None


def _sniff_zip(data: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            content_types = _read_small(archive, "[Content_Types].xml")
            mimetype = _read_small(archive, "mimetype")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        # Too damaged to list: trust the names written in the local headers.
        if b"word/document.xml" in data:
            return Sniffed("docx", "un document Word")
        if b"ppt/presentation.xml" in data:
            return Sniffed("pptx", "une présentation PowerPoint")
        return Sniffed("zip", "une archive ZIP endommagée")
    if "word/document.xml" in names:
        if b"macroEnabled" in content_types:
            return Sniffed("office", "un document Word avec macros (.docm)")
        if b"template.main" in content_types:
            return Sniffed("office", "un modèle Word (.dotx)")
        return Sniffed("docx", "un document Word")
    if "xl/workbook.xml" in names:
        return Sniffed("office", "un classeur Excel")
    if "ppt/presentation.xml" in names:
        if b"macroEnabled" in content_types:
            return Sniffed("office", "une présentation PowerPoint avec macros (.pptm)")
        if b"presentationml.template.main" in content_types:
            return Sniffed("office", "un modèle PowerPoint (.potx)")
        if b"presentationml.slideshow.main" in content_types:
            return Sniffed("office", "un diaporama PowerPoint (.ppsx)")
        return Sniffed("pptx", "une présentation PowerPoint")
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        if mimetype.endswith(b".text"):
            return Sniffed("office", "un document OpenDocument (.odt)")
        return Sniffed("office", "un document OpenDocument")
    return Sniffed("zip", PLAIN_ZIP)


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 1 << 20) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > limit:
        return b""
    return archive.read(info)


def _sniff_text(data: bytes) -> Sniffed:
    decoded = decode_text(data)
    if decoded is not None:
        text, encoding = decoded
        return Sniffed("text", "du texte", text=text, encoding=encoding)
    ascii_ratio = 1 - len(data.translate(None, _PRINTABLE_ASCII)) / len(data)
    if b"\x00" not in data and ascii_ratio >= _MIN_ASCII_RATIO:
        return Sniffed("undecodable", "du texte dans un encodage inconnu")
    return Sniffed("binary", "binaire (ni texte, ni PDF, ni Word)")


def decode_text(data: bytes) -> tuple[str, str] | None:
    """Decode ``data`` as text, returning ``(text, encoding)``; None if it is not text."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), encoding)
    if b"\x00" in data:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            return None
        return _checked(data.decode(utf16, errors="replace"), utf16)
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
            # A multi-byte character cut at the very end (a truncated file).
            return _checked(data[: error.start].decode("utf-8"), "utf-8")
    repaired = data.decode("utf-8", errors="replace")
    errors = repaired.count("\ufffd")
    valid_non_ascii = len(_NON_ASCII.findall(repaired)) - errors
    if valid_non_ascii > errors and errors <= max(2, len(repaired) * _MAX_UTF8_ERROR_RATIO):
        # UTF-8 with a few stray bytes: keep UTF-8 rather than garble every accent.
        return _checked(repaired, UTF8_REPAIRED)
    return _checked(data.decode("cp1252", errors="replace"), "cp1252")


def _bomless_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    sample = sample[: len(sample) // 2 * 2]
    if not sample:
        return None
    half = len(sample) // 2
    even_nuls = sample[0::2].count(0) / half
    odd_nuls = sample[1::2].count(0) / half
    if odd_nuls >= 0.9 and even_nuls <= 0.1:
        return "utf-16-le"
    if even_nuls >= 0.9 and odd_nuls <= 0.1:
        return "utf-16-be"
    return None


def _checked(text: str, encoding: str) -> tuple[str, str] | None:
    if not text:
        return text, encoding
    bad = len(_BAD_CHARS.findall(text))
    if bad > max(2, len(text) * _MAX_BAD_RATIO):
        return None
    return text, encoding


def text_flavor(text: str, extension: str) -> Literal["markdown", "text"]:
    """Markdown or plain text: by extension first, then by Markdown signals."""
    if extension in MARKDOWN_EXTENSIONS:
        return "markdown"
    if extension in TEXT_EXTENSIONS:
        return "text"
    return "markdown" if looks_like_markdown(text) else "text"


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n.*?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|[ \t]*:?-{3,}", re.MULTILINE)


def looks_like_markdown(text: str) -> bool:
    """Front matter, a pipe table, or headings (two, or one opening the text)."""
    head = text[:200_000]
    if _FRONT_MATTER.match(head) or _TABLE_RULE.search(head):
        return True
    headings = _ATX_HEADING.findall(head)
    if len(headings) >= 2:
        return True
    return bool(headings) and bool(_ATX_HEADING.match(head.lstrip("\ufeff\r\n\t ")))
