"""The référentiel as verified data: models, loader, code parsing."""

from assistant.referentiel.codes import find_codes, fold, normalize_code
from assistant.referentiel.loader import load_referentiel, load_referentiel_from, source_text
from assistant.referentiel.models import (
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
    "fold",
    "fragments",
    "join",
    "load_referentiel",
    "load_referentiel_from",
    "normalize_code",
    "source_text",
]
