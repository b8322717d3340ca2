"""Load the structured référentiel and its attendus from corpus/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from assistant.pack.referentiel import Attendu, Referentiel
from assistant.pack.vocabulary import Vocabulary

REFERENTIEL_FILE = "referentiel/referentiel.yaml"
ATTENDUS_FILE = "referentiel/attendus.yaml"
REFERENTIEL_DIR = "referentiel"
VOCABULARY_FILE = "vocabulary.yaml"
# The C loader when PyYAML was built with it (several times faster on the référentiel).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ReferentielDataError(ValueError):
    """The structured data is missing or inconsistent (a developer error, not a user one)."""


def _read_yaml(path: Path) -> object:
    if not path.is_file():
        raise ReferentielDataError(f"missing data file: {path}")
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=YAML_LOADER)


def load_attendus(corpus_dir: Path) -> dict[str, list[Attendu]]:
    raw = _read_yaml(corpus_dir / ATTENDUS_FILE)
    if not isinstance(raw, dict):
        raise ReferentielDataError("attendus.yaml must map criterion codes to lists")
    return {str(code): [Attendu.model_validate(a) for a in items] for code, items in raw.items()}


def load_referentiel_from(corpus_dir: Path) -> Referentiel:
    raw = _read_yaml(corpus_dir / REFERENTIEL_FILE)
    if not isinstance(raw, dict):
        raise ReferentielDataError("referentiel.yaml must be a mapping")
    attendus = load_attendus(corpus_dir) if (corpus_dir / ATTENDUS_FILE).is_file() else {}
    unknown = set(attendus) - {c["code"] for c in raw.get("criteria", [])}
    if unknown:
        raise ReferentielDataError(f"attendus for unknown criteria: {sorted(unknown)}")
    for crit in raw.get("criteria", []):
        crit["attendus"] = [a.model_dump() for a in attendus.get(crit["code"], [])]
    return Referentiel.model_validate(raw)


@lru_cache(maxsize=4)
def _cached(corpus_dir: str) -> Referentiel:
    return load_referentiel_from(Path(corpus_dir))


def load_referentiel(corpus_dir: Path | None = None) -> Referentiel:
    """The référentiel of ``corpus_dir`` (default: the configured corpus), cached."""
    if corpus_dir is None:
        from assistant.settings import get_settings

        corpus_dir = get_settings().corpus_dir
    return _cached(str(corpus_dir.resolve()))


def source_path(corpus_dir: Path, ref: Referentiel) -> Path:
    """The source text the référentiel's verbatim fields are copied from (``source`` in referentiel.yaml)."""
    return corpus_dir / REFERENTIEL_DIR / ref.source


def source_text(corpus_dir: Path) -> str:
    return source_path(corpus_dir, load_referentiel(corpus_dir)).read_text(encoding="utf-8")


def load_vocabulary(corpus_dir: Path) -> Vocabulary:
    raw = _read_yaml(corpus_dir / VOCABULARY_FILE)
    if not isinstance(raw, dict):
        raise ReferentielDataError("vocabulary.yaml must be a mapping")
    try:
        return Vocabulary.model_validate(raw)
    except ValueError as exc:
        raise ReferentielDataError(f"{corpus_dir / VOCABULARY_FILE}: {exc}") from exc
