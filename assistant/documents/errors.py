"""Errors raised when a document cannot be loaded.

Every error is a :class:`DocumentError` with a stable machine ``code`` and a
``message`` written for the user, in French: it names the file, says what is
wrong and what to do. ``detail`` holds technical information (the parser's
exception, for instance) for logs only; it is never meant to be shown.

The CLI maps any ``DocumentError`` to exit code 2 and
``{"error": {"code": ..., "message": ...}}`` (see ``to_dict``).
"""

from __future__ import annotations

from typing import ClassVar, Literal

ErrorCode = Literal[
    "not_found",
    "empty",
    "too_large",
    "not_pdf",
    "encrypted",
    "no_text",
    "corrupted",
    "too_many_pages",
    "too_many_slides",
    "binary",
    "unsupported_type",
    "bad_encoding",
    "too_complex",
]

ACCEPTED_FORMATS = "Formats acceptés : PDF, Word (.docx), PowerPoint (.pptx), Markdown (.md) et texte (.txt)."


def format_mo(size: int) -> str:
    """Format a byte count in French megabytes ("20 Mo", "2,5 Mo", "0,01 Mo")."""
    value = size / (1024 * 1024)
    if value >= 10 or value == int(value):
        text = f"{value:.0f}"
    elif value >= 0.1:
        text = f"{value:.1f}"
    else:
        text = f"{max(value, 0.01):.2f}"
    return f"{text.replace('.', ',')} Mo"


def _quote(filename: str) -> str:
    return f"« {filename} »"


class DocumentError(Exception):
    """Base of every document loading error; do not raise it directly."""

    code: ClassVar[ErrorCode]

    def __init__(self, message: str, *, filename: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.detail = detail

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Subclass constructors take other arguments: rebuild from the state.
        return (_restore, (type(self), self.message, self.filename, self.detail))

    def to_dict(self) -> dict[str, str]:
        """The public shape of the error, as printed by ``--json``."""
        return {"code": self.code, "message": self.message}


def _restore(cls: type[DocumentError], message: str, filename: str, detail: str | None) -> DocumentError:
    error = cls.__new__(cls)
    DocumentError.__init__(error, message, filename=filename, detail=detail)
    return error


class DocumentNotFoundError(DocumentError):
    code: ClassVar[ErrorCode] = "not_found"

    def __init__(self, filename: str, *, detail: str | None = None) -> None:
        super().__init__(
            f"Le fichier {_quote(filename)} est introuvable ou illisible. "
            "Vérifiez son chemin et ses droits d'accès, puis réessayez.",
            filename=filename,
            detail=detail,
        )


class EmptyDocumentError(DocumentError):
    code: ClassVar[ErrorCode] = "empty"

    def __init__(self, filename: str, *, detail: str | None = None) -> None:
        super().__init__(
            f"Le fichier {_quote(filename)} est vide : il ne contient aucun texte. "
            "Vérifiez que vous avez choisi le bon fichier et qu'il a bien été "
            "enregistré, puis déposez-le à nouveau.",
            filename=filename,
            detail=detail,
        )


class TooLargeError(DocumentError):
    code: ClassVar[ErrorCode] = "too_large"

    def __init__(self, filename: str, *, size: int, limit: int, uncompressed: bool = False) -> None:
        subject = (
            f"Une fois décompressé, le fichier {_quote(filename)}" if uncompressed else f"Le fichier {_quote(filename)}"
        )
        super().__init__(
            f"{subject} est trop volumineux ({format_mo(size)}) : "
            f"la taille maximale acceptée est de {format_mo(limit)}. "
            "Allégez-le (images compressées, annexes retirées) ou déposez seulement "
            "la partie à analyser.",
            filename=filename,
            detail=f"{size} bytes > {limit} bytes",
        )


class TooManyPagesError(DocumentError):
    code: ClassVar[ErrorCode] = "too_many_pages"

    def __init__(self, filename: str, *, pages: int, limit: int) -> None:
        super().__init__(
            f"Le fichier {_quote(filename)} compte {pages} pages : la limite est de "
            f"{limit} pages. Déposez seulement la partie à analyser.",
            filename=filename,
            detail=f"{pages} pages > {limit}",
        )


class TooManySlidesError(DocumentError):
    code: ClassVar[ErrorCode] = "too_many_slides"

    def __init__(self, filename: str, *, slides: int, limit: int) -> None:
        super().__init__(
            f"La présentation {_quote(filename)} compte {slides} diapositives : la limite est de "
            f"{limit} diapositives. Déposez seulement les diapositives à analyser.",
            filename=filename,
            detail=f"{slides} slides > {limit}",
        )


class NotPdfError(DocumentError):
    code: ClassVar[ErrorCode] = "not_pdf"

    def __init__(self, filename: str, *, actual: str) -> None:
        super().__init__(
            f"Le fichier {_quote(filename)} porte l'extension .pdf mais ce n'est pas "
            f"un PDF : son contenu est {actual}. Il a sans doute été renommé. "
            "Exportez votre document en PDF depuis votre traitement de texte "
            "(Fichier > Exporter > PDF) ou déposez-le avec son extension d'origine.",
            filename=filename,
            detail=f"content: {actual}",
        )


class EncryptedPdfError(DocumentError):
    code: ClassVar[ErrorCode] = "encrypted"

    def __init__(self, filename: str, *, detail: str | None = None) -> None:
        super().__init__(
            f"Le fichier {_quote(filename)} est protégé par un mot de passe (PDF "
            "chiffré) : son texte ne peut pas être lu. Enregistrez ou exportez une "
            "copie sans mot de passe, puis déposez-la.",
            filename=filename,
            detail=detail,
        )


class NoTextError(DocumentError):
    code: ClassVar[ErrorCode] = "no_text"

    def __init__(self, filename: str, *, detail: str | None = None) -> None:
        super().__init__(
            f"Le fichier {_quote(filename)} ne contient aucun texte extractible : "
            "c'est probablement un PDF scanné ou une image. Exportez-le depuis votre "
            "traitement de texte (Fichier > Exporter > PDF) ou faites-le passer par "
            "une reconnaissance de caractères (OCR), puis déposez-le à nouveau.",
            filename=filename,
            detail=detail,
        )


class CorruptedDocumentError(DocumentError):
    code: ClassVar[ErrorCode] = "corrupted"

    def __init__(self, filename: str, *, kind: str, detail: str | None = None) -> None:
        super().__init__(
            f"Le fichier {_quote(filename)} est endommagé ou incomplet : ce {kind} "
            "n'a pas pu être lu. Ouvrez-le dans le logiciel qui l'a créé, "
            "enregistrez-le à nouveau (ou exportez-le en PDF), puis déposez-le.",
            filename=filename,
            detail=detail,
        )


class BinaryContentError(DocumentError):
    code: ClassVar[ErrorCode] = "binary"

    def __init__(self, filename: str, *, actual: str, advice: str | None = None) -> None:
        hint = f"{advice} " if advice else ""
        super().__init__(
            f"Le fichier {_quote(filename)} n'est pas un document lisible : son "
            f"contenu est {actual}. {hint}{ACCEPTED_FORMATS}",
            filename=filename,
            detail=f"content: {actual}",
        )


class UnsupportedTypeError(DocumentError):
    code: ClassVar[ErrorCode] = "unsupported_type"

    def __init__(self, filename: str, *, actual: str, advice: str) -> None:
        super().__init__(
            f"Le fichier {_quote(filename)} est {actual}, un format non pris en charge. {advice} {ACCEPTED_FORMATS}",
            filename=filename,
            detail=f"content: {actual}",
        )


class BadEncodingError(DocumentError):
    code: ClassVar[ErrorCode] = "bad_encoding"

    def __init__(self, filename: str, *, detail: str | None = None) -> None:
        super().__init__(
            f"Le fichier {_quote(filename)} ressemble à du texte mais son encodage "
            "de caractères n'est pas reconnu. Ouvrez-le dans un éditeur de texte et "
            "enregistrez-le en UTF-8, puis déposez-le à nouveau.",
            filename=filename,
            detail=detail,
        )


class TooComplexError(DocumentError):
    """Parsing ran out of time or memory (a decompression bomb, a pathological file)."""

    code: ClassVar[ErrorCode] = "too_complex"

    def __init__(self, filename: str, *, reason: str, detail: str | None = None) -> None:
        super().__init__(
            f"Le fichier {_quote(filename)} n'a pas pu être analysé : {reason}. "
            "Il est peut-être endommagé ou anormalement complexe. Exportez-le à nouveau (PDF ou Word), "
            "ou déposez une version allégée.",
            filename=filename,
            detail=detail,
        )
