"""The référentiel as verified data: models, loader, code parsing."""

from assistant.pack.certification import Pack, load_pack, pack_from
from assistant.pack.codes import CodeParser
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
    Shape,
    fragments,
    join,
)
from assistant.pack.routes import Intent, Routes, load_routes

__all__ = [
    "Activity",
    "Attendu",
    "Bloc",
    "CodeParser",
    "Competency",
    "CriteriaBlock",
    "Criterion",
    "Evaluation",
    "Intent",
    "Pack",
    "Referentiel",
    "Routes",
    "Section",
    "Shape",
    "fragments",
    "join",
    "load_pack",
    "load_referentiel",
    "load_referentiel_from",
    "load_routes",
    "pack_from",
    "source_text",
]
