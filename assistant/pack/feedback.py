"""The attendus' label and advice in other languages, so feedback follows the draft's language.

``referentiel/attendus.<lang>.yaml`` maps each attendu id to its ``label`` and ``advice`` in that
language (French is the référentiel's own, in ``attendus.yaml``). A pack without such a file, or an
attendu missing from it, falls back to French: feedback is never lost for want of a translation.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from assistant.pack.referentiel import Attendu

FILE_PATTERN = "attendus.{lang}.yaml"


class AttenduText(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    advice: str


class FeedbackTexts(BaseModel):
    """Attendu texts by language (``"fr"`` is never stored: it is the attendu itself)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    by_lang: dict[str, dict[str, AttenduText]] = {}

    def label(self, attendu: Attendu, lang: str) -> str:
        text = self.by_lang.get(lang, {}).get(attendu.id)
        return text.label if text else attendu.label

    def advice(self, attendu: Attendu, lang: str) -> str:
        text = self.by_lang.get(lang, {}).get(attendu.id)
        return text.advice if text else attendu.advice


def load_feedback_texts(root: Path, langs: tuple[str, ...] = ("en",)) -> FeedbackTexts:
    by_lang: dict[str, dict[str, AttenduText]] = {}
    for lang in langs:
        path = root / "referentiel" / FILE_PATTERN.format(lang=lang)
        if path.is_file():
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            by_lang[lang] = {str(key): AttenduText.model_validate(value) for key, value in (data or {}).items()}
    return FeedbackTexts(by_lang=by_lang)
