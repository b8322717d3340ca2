"""Composers over the structured référentiel: one item, the structure, an evaluation's modality, a comparison."""

from __future__ import annotations

from assistant.answer.compose.context import Composition, Context
from assistant.answer.compose.evidence import topic
from assistant.answer.phrases import t
from assistant.answer.plan import Prepared
from assistant.answer.sources import SourceBook
from assistant.retrieve.crosscut import crosscut

MAX_EVALUATIONS = 3


def item(p: Prepared, ctx: Context, book: SourceBook) -> Composition:
    """What named items say. A container asked about its members (« les critères de l'E3 sur le budget »)
    gives those members."""
    plan = p.plan
    if not plan.targets:
        return topic(p, ctx, book)
    codes = list(plan.targets)
    narrower = ctx.corpus.narrower
    narrowed = narrower.narrow(plan.question, codes) if narrower.members_answer(plan.question, codes) else []
    return Composition(ctx.structured.items(narrowed or codes, book, p.audience, plan.lang), "item")


def structure(p: Prepared, ctx: Context, book: SourceBook) -> Composition:
    """The title's blocs (no item named), or the members of the named items (a bloc's activities and
    evaluation, an evaluation's criteria)."""
    plan = p.plan
    if plan.targets:
        narrower = ctx.corpus.narrower
        listed = narrower.members_of_kind(plan.question, list(plan.targets))
        if listed and not narrower.by_topic(plan.question, list(plan.targets)):  # « les compétences du bloc 4 »
            kinds = ctx.pack.ref.codes()
            heads = [f"**{c}** — {ctx.structured.overview_label(c)}{ctx.structured.cite(book, kinds[c], c)}"
                     for c in plan.targets if c not in listed]  # fmt: skip
            return Composition([*heads, *ctx.structured.overview(listed, book, plan.lang)], "structure")
        return item(p, ctx, book)
    cc = crosscut(ctx.pack, plan.question, ctx.settings.retrieval.crosscut_ratio)
    if cc and cc.matches and (cc.format_query or cc.concepts):  # « les épreuves entièrement individuelles »
        return Composition(ctx.structured.crosscut(cc, book, plan.lang), "crosscut")
    ref = ctx.pack.ref
    numbers = list(dict.fromkeys(b.number for b in ref.blocs))
    lines = [t("structure_head", plan.lang, n=len(numbers), title=ctx.pack.vocab.title)]
    for bloc in ref.blocs:
        cite = ctx.structured.cite(book, "bloc", bloc.id)
        title = ctx.pack.display_title(bloc.id)
        evaluations = ", ".join(f"**{key}**{ctx.structured.cite(book, 'evaluation', key)}" for key in bloc.evaluations)
        lines.append(f"- **{bloc.id}** ({bloc.label}) — {title}{cite} — {t('evaluated_by', plan.lang)} {evaluations}")
    optional = sorted({b.number for b in ref.blocs if b.option is not None})
    for number in optional:
        options = [b for b in ref.blocs if b.number == number]
        lines.append(t("structure_options", plan.lang, number=number, n=len(options)))
    return Composition(lines, "structure")


def _evaluations(ctx: Context, codes: list[str]) -> list[str]:
    """The evaluations that assess the named items (an evaluation is its own)."""
    ref = ctx.pack.ref
    kinds = ref.codes()
    out: list[str] = []
    for code in codes:
        kind = kinds.get(code)
        if kind == "evaluation":
            out.append(code)
        elif kind == "bloc":
            out += ref.bloc(code).evaluations
        elif kind == "criterion":
            out.append(ref.criterion(code).evaluation)
        elif kind == "competency":
            out += [c.evaluation for c in ref.criteria_for_competency(code)]
        elif kind == "activity":
            out += ref.bloc_of(code).evaluations
    return list(dict.fromkeys(out))[:MAX_EVALUATIONS]


def modality(p: Prepared, ctx: Context, book: SourceBook) -> Composition:
    """How an evaluation takes place: its modality as written, its parts, its criteria. The evaluation is
    the named one, or the one assessing the named items, or the one assessing the best evidence."""
    plan = p.plan
    narrower, targets = ctx.corpus.narrower, list(plan.targets)
    if targets and narrower.members_of_kind(plan.question, targets) and narrower.by_topic(plan.question, targets):
        # « Dans l'E1, quel critère évalue l'analyse de la concurrence ? » asks for members, not the modality.
        return item(p, ctx, book)
    keys = _evaluations(ctx, list(plan.targets))
    if not keys:
        found = [h.chunk.codes[0] for h in p.hits[:3] if h.chunk.doc_type == "referentiel" and h.chunk.codes]
        keys = _evaluations(ctx, found)[:1]
    if not keys:
        return topic(p, ctx, book)
    blocks = [ctx.structured.evaluation(key, book, p.audience, plan.lang, criteria=False) for key in keys]
    lines = [line for block in blocks for line in [*block, ""]][:-1]
    return Composition(lines, "modality")


def compare(p: Prepared, ctx: Context, book: SourceBook) -> Composition:
    """Both sides (or every side) of a comparison, each with its own cited text."""
    plan = p.plan
    if len(plan.targets) < 2:
        return item(p, ctx, book)
    lines = [t("compare_head", plan.lang, items=", ".join(plan.targets))]
    lines += ctx.structured.items(list(plan.targets), book, p.audience, plan.lang)
    return Composition(lines, "compare")
