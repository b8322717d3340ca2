"""Fonts of a PDF text run: family, weight, slant and glyph widths, from the pypdf font resource.

Bold is read from the font name ("Bold", "Black", "Heavy", "Semibold") or its descriptor
(ForceBold flag, weight 600 and above); italic likewise. Glyph widths come from pypdf's font model
(``/Widths`` or ``/W``, mapped to Unicode through the font's character map); when it cannot be
read, every glyph is given an average width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

try:  # pypdf's font model gives glyph widths; without it widths are estimated
    from pypdf.generic._font import Font as PypdfFont
except ImportError:  # pragma: no cover - depends on the pypdf version
    PypdfFont = None  # type: ignore[assignment,misc]

_SUBSET = re.compile(r"^[A-Z]{6}\+")
_STYLE_WORDS = re.compile(
    r"(?:[-, ]?(?:bold|black|heavy|semibold|demibold|extrabold|ultrabold|book|regular|roman|medium|light|"
    r"italic|oblique|condensed|narrow|mt|ps))+$",
    re.IGNORECASE,
)
_BOLD_WORDS = ("bold", "black", "heavy", "semibold", "demibold")
_ITALIC_WORDS = ("italic", "oblique")
_FORCE_BOLD = 1 << 18
_ITALIC_FLAG = 1 << 6
ESTIMATED_EM = 0.5  # average glyph advance, in em, when the font gives no widths


@dataclass(frozen=True)
class FontInfo:
    family: str
    bold: bool
    italic: bool
    widths: dict[str, float] = field(default_factory=dict)
    """Glyph advance per Unicode character, in thousandths of an em."""
    default_width: float = ESTIMATED_EM * 1000

    def advance(self, text: str) -> float:
        """Width of ``text`` in em."""
        return sum(self.widths.get(char, self.default_width) for char in text) / 1000


def _font_descriptor(font_dict: Any) -> dict[str, Any]:
    descriptor = font_dict.get("/FontDescriptor")
    if descriptor is None:
        descendants = font_dict.get("/DescendantFonts")
        if descendants:
            descriptor = descendants[0].get_object().get("/FontDescriptor")
    return dict(descriptor.get_object()) if descriptor is not None else {}


def font_info(font_dict: Any) -> FontInfo:
    """Family, weight, slant and glyph widths of a pypdf font resource (never raises)."""
    try:
        name = str(font_dict.get("/BaseFont", "") or "").lstrip("/")
    except Exception:
        return FontInfo("", False, False)
    name = _SUBSET.sub("", name)
    lower = name.lower()
    bold = any(word in lower for word in _BOLD_WORDS)
    italic = any(word in lower for word in _ITALIC_WORDS)
    try:
        descriptor = _font_descriptor(font_dict)
        flags = int(descriptor.get("/Flags", 0))
        bold = bold or bool(flags & _FORCE_BOLD) or float(descriptor.get("/FontWeight", 400)) >= 600
        italic = italic or bool(flags & _ITALIC_FLAG) or float(descriptor.get("/ItalicAngle", 0)) != 0
    except Exception:
        pass
    family = _STYLE_WORDS.sub("", name) or name
    widths, default = _widths(font_dict)
    return FontInfo(family, bold, italic, widths, default)


def _widths(font_dict: Any) -> tuple[dict[str, float], float]:
    if PypdfFont is None:
        return {}, ESTIMATED_EM * 1000
    try:
        font = PypdfFont.from_font_resource(font_dict)
        by_code = font.character_widths
        widths: dict[str, float] = {}
        for code, width in by_code.items():
            if code != "default":
                widths.setdefault(code, float(width))
        for code, unicode in font.character_map.items():
            if isinstance(code, str) and isinstance(unicode, str) and len(unicode) == 1 and code in by_code:
                widths[unicode] = float(by_code[code])
        default = float(by_code.get("default", ESTIMATED_EM * 1000)) or ESTIMATED_EM * 1000
        return widths, default
    except Exception:
        return {}, ESTIMATED_EM * 1000
