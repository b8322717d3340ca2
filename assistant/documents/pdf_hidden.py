"""Hidden text in a PDF: text drawn white on white, or at an unreadable size.

White (or near-white) text is hidden only when nothing but white lies behind it (see
:mod:`~assistant.documents.pdf_paint`): white text on a coloured table cell, banner or highlight
is visible, white text on the bare page or on a white fill is not. Text below
:data:`~assistant.documents.hidden.TINY_PT` is hidden wherever it is.

pypdf hands text over in pieces, once it flushes them (at ``ET``, a new line, a font change...),
possibly after the colour has changed. So every text-showing operator is judged when it is read,
with the graphics state of the moment, and a piece is hidden when one of its operators was white
on white; the state at the flush is checked too, as a safety net for what the first check misses.
"""

from __future__ import annotations

from collections.abc import Mapping

from .hidden import TINY_PT
from .pdf_paint import Color, PagePaint, is_white

_SHOW = frozenset({b"Tj", b"TJ", b"'", b'"'})
_NEXT_LINE_SHOW = frozenset({b"'", b'"'})


class PdfHiddenTracker:
    """pypdf visitors for one page that record text drawn white on white or at an unreadable size.

    ``resources``: the page's ``/Resources`` (alpha and colour spaces of the paint behind text).
    """

    def __init__(self, resources: Mapping[str, object] | None = None) -> None:
        self.paint = PagePaint(resources)
        self.hidden: list[str] = []
        self._pending = False
        """An operator of the piece being built drew white on white."""
        self._carry = False
        """The same for a ' or " operator being read: its own line follows the flush it causes."""

    @property
    def fill(self) -> Color:
        """The current fill (text) colour."""
        return self.paint.state.fill

    def before(self, op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        if op in _SHOW:
            unseen = self._white_on_white(cm, tm, self.paint.state.font_size)
            self._pending = self._pending or unseen
            if op in _NEXT_LINE_SHOW:
                self._carry = unseen
        self.paint.before(op, args, cm, tm)

    def after(self, op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        self._carry = False
        self.paint.after(op, args, cm, tm)

    def text(self, text: str, cm: list[float], tm: list[float], font_dict: object, font_size: float) -> None:
        pending, self._pending = self._pending, self._carry
        if not text.strip():
            return
        scale_tm = (tm[2] ** 2 + tm[3] ** 2) ** 0.5 if tm else 1.0
        scale_cm = (cm[2] ** 2 + cm[3] ** 2) ** 0.5 if cm else 1.0
        size = abs(font_size) * (scale_tm or 1.0) * (scale_cm or 1.0)
        if pending or size < TINY_PT or self._white_on_white(cm, tm, font_size):
            self.hidden.append(text)

    def _white_on_white(self, cm: list[float], tm: list[float], font_size: float) -> bool:
        return is_white(self.fill) and not self.paint.painted_behind(cm, tm, font_size)
