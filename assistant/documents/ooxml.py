"""Guards shared by the Office Open XML loaders (Word .docx, PowerPoint .pptx).

Such a file is a ZIP package of XML parts. Before any XML parser sees it, the sizes its members
declare once decompressed are summed: above :data:`MAX_EXPANSION` times ``max_bytes`` the package
is refused (``too_large``), so a ZIP bomb never reaches the parser. (``zipfile`` never inflates a
member past its declared size, so the declared sizes bound what parsing can read.)
"""

from __future__ import annotations

import io
import zipfile

from .errors import CorruptedDocumentError, TooLargeError
from .models import LoadLimits

MAX_EXPANSION = 10


def check_expansion(data: bytes, name: str, limits: LoadLimits, *, kind: str) -> None:
    """Refuse a package too damaged to list (``corrupted``) or that inflates too much (``too_large``).

    ``kind`` names the document in the corrupted message ("document Word", "fichier PowerPoint").
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except Exception as error:
        raise CorruptedDocumentError(name, kind=kind, detail=repr(error)) from error
    limit = MAX_EXPANSION * limits.max_bytes
    if expanded > limit:
        raise TooLargeError(name, size=expanded, limit=limit, uncompressed=True)


def read_member(data: bytes, member: str, *, limit: int) -> bytes | None:
    """The bytes of one package member, or None when it is missing, unreadable or over ``limit``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(member)
            if info.file_size > limit:
                return None
            return archive.read(info)
    except Exception:  # the parser that follows reports a damaged package
        return None
