"""The référentiel as verified data: models, loader, code parsing."""

from assistant.pack.codes import find_codes, normalize_code
from assistant.pack.loader import load_referentiel, load_referentiel_from, source_text
from assistant.pack.referentiel import (
    Activity,
    Attendu,
    Bloc,
    Competency,
    CriteriaBlock,
    Criterion,
    Evaluation,
    Referentiel,
    Section,
    fragments,
    join,
)

__all__ = [
    "Activity",
    "Attendu",
    "Bloc",
    "Competency",
    "CriteriaBlock",
    "Criterion",
    "Evaluation",
    "Referentiel",
    "Section",
    "find_codes",
    "fragments",
    "join",
    "load_referentiel",
    "load_referentiel_from",
    "normalize_code",
    "source_text",
]
