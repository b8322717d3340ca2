"""Hidden text: words a reader cannot see (white, tiny or "hidden" runs) but a parser reads.

It is a classic way to slip instructions to an automated reviewer. Hidden text is kept out of the
document's units and reported in a ``hidden_text`` warning (its text in ``detail``) so that the
review can flag it.
"""

from __future__ import annotations

from docx.text.paragraph import Paragraph

from .models import DocumentWarning

WHITE_MIN = 0.94  # fill colour components at or above this are "white"
TINY_PT = 2.0  # rendered size below this (points) is unreadable


HIDDEN_MESSAGE = "Le document contient du texte invisible (blanc, minuscule ou masqué) : il n'est pas pris en compte."


def hidden_warning(pieces: list[str], *, message: str = HIDDEN_MESSAGE) -> DocumentWarning | None:
    """The ``hidden_text`` warning for the hidden ``pieces`` (their text in ``detail``), None when there are none."""
    text = " ".join(" ".join(p.split()) for p in pieces if p.strip())
    if len(text) < 3:
        return None
    return DocumentWarning(code="hidden_text", message=message, detail=text[:2000])


def split_docx_paragraph(paragraph: Paragraph) -> tuple[str, str]:
    """(visible text, hidden text) of a Word paragraph, run by run."""
    visible: list[str] = []
    hidden: list[str] = []
    runs = list(paragraph.runs)
    if not runs:
        return paragraph.text, ""
    for run in runs:
        font = run.font
        rgb = None
        try:
            rgb = font.color.rgb if font.color is not None and font.color.type is not None else None
        except (AttributeError, ValueError):
            rgb = None
        white = rgb is not None and str(rgb).upper() in {"FFFFFF", "FEFEFE", "FDFDFD"}
        tiny = font.size is not None and font.size.pt < TINY_PT
        (hidden if font.hidden or white or tiny else visible).append(run.text)
    # Text outside runs (hyperlinks, fields) is visible text python-docx folds into paragraph.text.
    run_text = "".join(r.text for r in runs)
    full = paragraph.text
    if len(full) > len(run_text) and not hidden:
        return full, ""
    return "".join(visible), "".join(hidden)
