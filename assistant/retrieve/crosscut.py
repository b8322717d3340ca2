"""Cross-cutting questions ("quels critères parlent d'accessibilité ?") answered from the structured data.

Plain top-k retrieval is weak here: a complete answer needs every matching item. We detect the
list intent and the target kind (criteria, competencies, evaluations…), extract the concept words,
and scan every référentiel item's verbatim text for them (accent-folded, Snowball-stemmed).
Evaluation *formats* (group / individual / oral) come from the evaluations' parts, not from words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from assistant.pack import Pack, Referentiel, join
from assistant.pack.vocabulary import ItemKind
from assistant.text.fold import fold
from assistant.text.tokens import stem, words


@dataclass
class CrossCut:
    kinds: list[ItemKind]
    concepts: list[str]
    matches: list[str] = field(default_factory=list)  # item ids, document order
    format_query: str | None = None


def item_texts(ref: Referentiel) -> dict[str, tuple[ItemKind, str]]:
    """Every item's searchable verbatim text (criteria include their attached sentences)."""
    out: dict[str, tuple[ItemKind, str]] = {}
    for section in ref.sections:
        out[section.id] = ("section", join(section.text))
    for bloc in ref.blocs:
        out[bloc.id] = ("bloc", f"{bloc.title} {join(bloc.intro)}")
        for act in bloc.activities:
            out[act.code] = ("activity", f"{join(act.title)} {join(act.text)}")
        for comp in bloc.competencies:
            out[comp.code] = ("competency", join(comp.text))
    for ev in ref.evaluations:
        out[ev.key] = ("evaluation", f"{join(ev.title)} {join(ev.modality)}")
    for crit in ref.criteria:
        out[crit.code] = ("criterion", crit.full_text)
    return out


OVERVIEW_ORDER: list[ItemKind] = ["bloc", "evaluation", "activity", "competency", "criterion"]
ALL_KINDS: list[ItemKind] = ["section", "bloc", "activity", "competency", "evaluation", "criterion"]


def detect(pack: Pack, question: str) -> tuple[list[ItemKind], list[str]] | None:
    """(target kinds, concept words) when the question asks for a list of items; else None.

    A question naming codes is about those codes, not a cross-cutting one.
    """
    if pack.codes.find(question):
        return None
    vocab = pack.vocab
    folded = re.sub(r"criteres?\s+d['’ ]?\s*evaluations?", "criteres", fold(question))
    toks = [w for w in words(folded) if not re.search(r"-(t-)?(il|elle|ils|elles|on)$", w)]
    kinds = [kind for kind, forms in vocab.item_words.items() if any(w in forms for w in toks)]
    has_marker = any(w in vocab.list_markers for w in toks)
    where_in_ref = ("ou" in toks or "where" in toks) and ("referentiel" in toks or "mention" in toks)
    if not (kinds and has_marker) and not where_in_ref:
        return None
    frame = vocab.frame_set
    concepts = [vocab.glossary.get(w, w) for w in toks if w not in frame and len(w) > 2 and not w.isdigit()]
    if not concepts and not kinds:
        return None
    return (kinds or ALL_KINDS), list(dict.fromkeys(concepts))


def _format_matches(pack: Pack, concepts: list[str]) -> tuple[str, list[str]] | None:
    ref = pack.ref
    for name, forms in pack.vocab.format_words.items():
        if any(c in forms for c in concepts):
            if name == "group":
                return name, [e.key for e in ref.evaluations if e.is_group]
            if name == "individual_only":
                return name, [e.key for e in ref.evaluations if not e.is_group]
            return name, [e.key for e in ref.evaluations if any("oral" in p.formats for p in e.parts)]
    return None


def crosscut(pack: Pack, question: str, ratio: float = 0.5) -> CrossCut | None:
    """Items of the requested kinds whose text holds the question's concept(s) (scoring ``ratio`` of the best)."""
    ref = pack.ref
    detected = detect(pack, question)
    if detected is None:
        return None
    kinds, concepts = detected
    result = CrossCut(kinds=kinds, concepts=concepts)
    if not concepts:
        # An overview ("quels sont les blocs ?"): every item of the broadest kind asked for.
        broadest = next(k for k in OVERVIEW_ORDER if k in kinds)
        result.kinds = [broadest]
        result.matches = [code for code, kind in ref.codes().items() if kind == broadest]
        return result
    if kinds == ["evaluation"]:
        fmt = _format_matches(pack, concepts)
        if fmt:
            result.format_query, result.matches = fmt
            return result
    texts = item_texts(ref)
    synonyms = pack.vocab.synonyms
    item_stems = {code: {stem(w) for w in words(text)} for code, (_, text) in texts.items()}
    folded = {code: fold(text) for code, (_, text) in texts.items()}

    def has(code: str, concept: str) -> bool:
        return stem(concept) in item_stems[code] or any(f in folded[code] for f in synonyms.get(concept, ()))

    # Rarer concepts name the topic ("handicap"); frequent ones ("projet") frame it: weight by IDF.
    n = len(texts)
    idf = {c: math.log((n + 1) / (1 + sum(has(code, c) for code in texts))) for c in concepts}
    total = sum(idf.values()) or 1.0
    scored = [
        (sum(idf[c] for c in concepts if has(code, c)) / total, code)
        for code, (kind, _) in texts.items()
        if kind in kinds or kind == "section"
    ]
    best = max((score for score, _ in scored), default=0.0)
    if best <= 0:
        return result
    result.matches = [code for score, code in scored if score > 0 and score >= ratio * best]
    return result
