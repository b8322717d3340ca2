"""Composers of what the référentiel's rules do not decide: accommodations, school facts, refusals."""

from __future__ import annotations

from assistant.answer.compose.context import Composition, Context
from assistant.answer.models import Source
from assistant.answer.phrases import t
from assistant.answer.plan import Prepared
from assistant.answer.sources import SourceBook
from assistant.text.language import Lang

SCHOOL_SOURCE = "ecole.yaml"


def _school_field(p: Prepared, ctx: Context, book: SourceBook, known_only: bool = True) -> list[str]:
    """The first filled school-file field the question is about, cited (none when no field is filled)."""
    for name, school_field in ctx.school_fields(p.plan.question, p.vector):
        if known_only and not school_field.known:
            continue
        source = Source(rank=len(book) + 1, source=SCHOOL_SOURCE, section=name, text=str(school_field.value),
                        title=school_field.label)  # fmt: skip
        book.sources.append(source)
        return [f"{t('school_answer', p.plan.lang, label=school_field.label)} {school_field.value} [{source.rank}]"]
    return []


def school_fact(p: Prepared, ctx: Context, book: SourceBook) -> Composition:
    """Fees, dates, duration, RNCP number…: only the school file holds them; unknown means a refusal with the
    school's contact, never a guess."""
    lines = _school_field(p, ctx, book)
    if lines:
        return Composition(lines, "school")
    return refusal(p, ctx, book)


def accommodation(p: Prepared, ctx: Context, book: SourceBook) -> Composition:
    """The référentiel's sections on accommodations (disability, exam arrangements), quoted whole, and the
    school's disability contact when the school file gives it."""
    lang: Lang = p.plan.lang
    sections = [s for s in ctx.pack.ref.sections if s.accommodations]
    if not sections:
        return refusal(p, ctx, book)
    lines: list[str] = []
    for section in sections:
        lines += ctx.structured.section(section.id, book, lang)
    lines += _school_field(p, ctx, book)
    return Composition(lines, "accommodation")


def refusal(p: Prepared, ctx: Context, book: SourceBook) -> Composition:
    """Not in our documents: said plainly, with where to turn (the school's contact, or who can help)."""
    return Composition(ctx.refusal_lines(p.plan.lang, p.audience), "refusal")
