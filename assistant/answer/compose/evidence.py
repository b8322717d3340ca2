"""Composers that quote evidence sentences: a topic across the référentiel, methodology from the course sheets."""

from __future__ import annotations

from assistant.answer.compose.context import Composition, Context
from assistant.answer.evidence import Evidence
from assistant.answer.phrases import ITEM_KIND, t
from assistant.answer.plan import Prepared
from assistant.answer.sources import SourceBook
from assistant.retrieve.crosscut import crosscut
from assistant.text.language import Lang

REFERENTIEL = ("referentiel",)
COURSES = ("cours", "programme", "document")


def quoted(evidence: list[Evidence], ctx: Context, book: SourceBook, lang: Lang) -> list[str]:
    """One line per passage: its sentences quoted under the item (or sheet) that holds them, cited."""
    lines: list[str] = []
    kinds = ctx.pack.ref.codes()
    for chunk_id in dict.fromkeys(e.chunk.id for e in evidence):
        group = [e for e in evidence if e.chunk.id == chunk_id]
        chunk = group[0].chunk
        text = " […] ".join(e.sentence for e in group)
        cite = book.cite(chunk)
        code = chunk.codes[0] if chunk.codes else ""
        if chunk.doc_type == "referentiel" and kinds.get(code) not in (None, "section"):
            where = f", {chunk.evaluation}" if chunk.evaluation else ""
            lines.append(f"- **{code}** ({ITEM_KIND[lang][kinds[code]]}{where}) : « {text} » {cite}")
        else:
            lines.append(f"- **{chunk.title}** : « {text} » {cite}")
    return lines


def _sheet_hint(p: Prepared, book: SourceBook, lang: Lang, skip: set[str]) -> list[str]:
    """The course sheets among the evidence passages, to read further (two at most)."""
    seen: dict[str, str] = {}
    for hit in p.hits:
        c = hit.chunk
        if c.doc_type == "cours" and c.source not in seen and c.id not in skip:
            seen[c.source] = f"- « {c.title} » {book.cite(c)}"
    return ["", t("sheets", lang), *list(seen.values())[:2]] if seen else []


def topic(p: Prepared, ctx: Context, book: SourceBook) -> Composition:
    """The items on a topic: the référentiel's items that hold the concept (from its structured data) when the
    question names one, else the closest sentences, référentiel first."""
    plan = p.plan
    cc = crosscut(ctx.pack, plan.question, ctx.settings.retrieval.crosscut_ratio)
    if cc and cc.matches:
        lines = ctx.structured.crosscut(cc, book, plan.lang)
        return Composition(lines + _sheet_hint(p, book, plan.lang, set()), "crosscut")
    evidence = ctx.evidence.pick(plan.question, p.vector, p.hits)
    if not evidence:
        return Composition(ctx.refusal_lines(plan.lang, p.audience), "refusal")
    lines = [t("extractive_head", plan.lang), *quoted(evidence, ctx, book, plan.lang)]
    return Composition(lines + _sheet_hint(p, book, plan.lang, {e.chunk.id for e in evidence}), "extractive")


def methodology(p: Prepared, ctx: Context, book: SourceBook) -> Composition:
    """How to do it, from the course sheets first; the référentiel's closest sentences after them."""
    plan = p.plan
    courses = ctx.evidence.pick(plan.question, p.vector, p.hits, doc_types=COURSES)
    rules = ctx.evidence.pick(plan.question, p.vector, p.hits, doc_types=REFERENTIEL)[:2]
    if not courses and not rules:
        return Composition(ctx.refusal_lines(plan.lang, p.audience), "refusal")
    lines = [t("extractive_head", plan.lang), *quoted(courses + rules, ctx, book, plan.lang)]
    return Composition(lines, "extractive")
