"""Answers built from the structured référentiel: named codes and cross-cutting questions.

Every factual sentence cites the référentiel chunk it comes from; verbatim texts are quoted as is.
"""

from __future__ import annotations

from assistant.answer.models import Audience
from assistant.answer.phrases import FORMAT_HEAD, ITEM_KIND, KIND_WORD, attendus_intro, t
from assistant.answer.sources import SourceBook
from assistant.index.chunks import Chunk
from assistant.pack import Pack, join
from assistant.pack.courses import sheets_for
from assistant.retrieve.corpus import Corpus
from assistant.retrieve.crosscut import CrossCut, item_texts
from assistant.text.fold import fold
from assistant.text.language import Lang

MAX_ITEMS = 4


class StructuredAnswerer:
    def __init__(self, corpus: Corpus, pack: Pack, corpus_dir: object) -> None:
        self.corpus = corpus
        self.pack = pack
        self.ref = pack.ref
        self.corpus_dir = corpus_dir

    # ---- helpers --------------------------------------------------------------------------
    def _chunk(self, kind: str, code: str) -> Chunk | None:
        return self.corpus.item(kind, code)

    def cite(self, book: SourceBook, kind: str, code: str) -> str:
        chunk = self._chunk(kind, code)
        return f" {book.cite(chunk)}" if chunk else ""

    def _sheet_lines(self, code: str, book: SourceBook, lang: Lang) -> list[str]:
        from pathlib import Path

        lines: list[str] = []
        for sheet in sheets_for(code, Path(str(self.corpus_dir))):
            chunk = self.corpus.sheet(sheet.path)
            cite = f" {book.cite(chunk)}" if chunk else ""
            lines.append(f"- « {sheet.title} »{cite}")
        return [t("sheets", lang), *lines] if lines else []

    def _bloc_label(self, bloc_id: str) -> str:
        bloc = self.ref.bloc(bloc_id)
        return f"{bloc.label} : {self.pack.display_title(bloc_id)}"

    # ---- items ------------------------------------------------------------------------------
    def criterion(self, code: str, book: SourceBook, audience: Audience, lang: Lang, *, brief: bool) -> list[str]:
        crit = self.ref.criterion(code)
        ev = self.ref.evaluation(crit.evaluation)
        lines = [t("criterion_head", lang, code=code, ev=ev.key, bloc=self._bloc_label(ev.bloc))]
        if crit.derived:
            lines.append(t("derived", lang))
        lines += [t("verbatim", lang), f"> « {join(crit.text)} »{self.cite(book, 'criterion', code)}"]
        lines += [f"> « {extra} »" for extra in crit.related_text]
        for comp in crit.competencies:
            text = join(self.ref.competency(comp).text)
            lines.append(f"{t('assesses', lang, code=comp)} « {text} »{self.cite(book, 'competency', comp)}")
        if brief:
            return lines
        part = next(p for p in ev.parts if code in p.criteria)
        formats = " + ".join(KIND_WORD[lang][f] for f in part.formats)
        within = t("within", lang, ev=ev.key, title=join(ev.title).rstrip(" :"))
        part_text = t("part", lang, kind=KIND_WORD[lang][part.kind], formats=formats)
        lines.append(f"{within}. {part_text}{self.cite(book, 'evaluation', ev.key)}")
        if crit.attendus:
            cite = self.cite(book, "attendus", code)
            lines.append(f"{attendus_intro(audience, lang)}{cite}")
            for att in crit.attendus:
                if audience == "tutor":
                    lines.append(f"- {att.label}")
                else:
                    lines.append(f"- **{att.label}** — {att.evidence}")
        lines += self._sheet_lines(code, book, lang)
        return lines

    def competency(self, code: str, book: SourceBook, lang: Lang) -> list[str]:
        comp = self.ref.competency(code)
        act = self.ref.activity(comp.activity)
        bloc = self.ref.bloc_of(code)
        lines = [
            t("competency_head", lang, code=code, bloc=bloc.label, act=act.code, act_title=join(act.title)),
            f"> « {join(comp.text)} »{self.cite(book, 'competency', code)}",
        ]
        crits = self.ref.criteria_for_competency(code)
        if crits:
            lines.append(t("assessed_by", lang))
            for crit in crits:
                lines.append(f"- **{crit.code}** ({crit.evaluation}) : « {join(crit.text)} »"
                             f"{self.cite(book, 'criterion', crit.code)}")  # fmt: skip
        return lines

    def activity(self, code: str, book: SourceBook, lang: Lang) -> list[str]:
        act = self.ref.activity(code)
        bloc = self.ref.bloc_of(code)
        lines = [
            t("activity_head", lang, code=code, bloc=bloc.label, title=join(act.title)),
            f"> « {join(act.text)} »{self.cite(book, 'activity', code)}",
            t("activity_comps", lang),
        ]
        for comp in bloc.competencies:
            if comp.activity == code:
                lines.append(f"- **{comp.code}** : {join(comp.text)}{self.cite(book, 'competency', comp.code)}")
        return lines

    def evaluation(
        self, key: str, book: SourceBook, audience: Audience, lang: Lang, *, criteria: bool = True
    ) -> list[str]:
        """An evaluation: its modality as written and its parts; with ``criteria``, each criterion's text."""
        ev = self.ref.evaluation(key)
        lines = [
            t("evaluation_head", lang, ev=key, bloc=self._bloc_label(ev.bloc), title=join(ev.title).rstrip(" :")),
            t("modality", lang),
            f"> {join(ev.modality)}{self.cite(book, 'evaluation', key)}",
            t("parts", lang),
        ]
        for part in ev.parts:
            formats = " + ".join(KIND_WORD[lang][f] for f in part.formats)
            deliverables = " ; ".join(part.deliverables)
            lines.append(f"- {t('part', lang, kind=KIND_WORD[lang][part.kind], formats=formats)} {deliverables} "
                         f"({', '.join(part.criteria)})")  # fmt: skip
        if not criteria:
            return lines
        lines.append(t("criteria_list", lang))
        for crit in self.ref.criteria_of(key):
            text = join(crit.text)
            if audience == "admissions" and len(text) > 160:
                text = text[:157].rsplit(" ", 1)[0] + "…"
            lines.append(f"- **{crit.code}** : « {text} »{self.cite(book, 'criterion', crit.code)}")
        return lines

    def bloc(self, bloc_id: str, book: SourceBook, lang: Lang) -> list[str]:
        bloc = self.ref.bloc(bloc_id)
        lines = [
            t("bloc_head", lang, label=bloc.label, title=self.pack.display_title(bloc_id)),
            f"> {join(bloc.intro)}{self.cite(book, 'bloc', bloc_id)}",
            t("bloc_acts", lang),
        ]
        lines += [f"- {a.code} : {join(a.title)}{self.cite(book, 'activity', a.code)}" for a in bloc.activities]
        for key in bloc.evaluations:
            ev = self.ref.evaluation(key)
            lines.append(f"{t('bloc_evals', lang)} **{key}** — {join(ev.title).rstrip(' :')} "
                         f"({', '.join(ev.criteria_codes)}){self.cite(book, 'evaluation', key)}")  # fmt: skip
        return lines

    def section(self, section_id: str, book: SourceBook, lang: Lang) -> list[str]:
        section = self.ref.section(section_id)
        lines = [f"**{section.title}**"]
        if section.accommodations:
            lines.append(f"> {join(section.intro)}{self.cite(book, 'section', section_id)}")
            lines += [f"- {a}" for a in section.accommodations]
        else:
            lines.append(f"> {join(section.text)}{self.cite(book, 'section', section_id)}")
        return lines

    def items(self, codes: list[str], book: SourceBook, audience: Audience, lang: Lang) -> list[str]:
        kinds = self.ref.codes()
        brief = len(codes) > 1
        blocks: list[list[str]] = []
        for code in codes[:MAX_ITEMS]:
            kind = kinds[code]
            if kind == "criterion":
                blocks.append(self.criterion(code, book, audience, lang, brief=brief))
            elif kind == "competency":
                blocks.append(self.competency(code, book, lang))
            elif kind == "activity":
                blocks.append(self.activity(code, book, lang))
            elif kind == "evaluation":
                blocks.append(self.evaluation(code, book, audience, lang))
            elif kind == "bloc":
                blocks.append(self.bloc(code, book, lang))
            else:
                blocks.append(self.section(code, book, lang))
        return [line for block in blocks for line in [*block, ""]][:-1]

    def quote_item(self, chunk: Chunk, book: SourceBook, lang: Lang) -> str:
        """One référentiel item quoted whole, with its code and kind."""
        code = chunk.codes[0] if chunk.codes else chunk.title
        kind = self.ref.codes().get(code, "section")
        if kind == "section":
            section = self.ref.section(code)
            if section.accommodations:
                items = "\n".join(f"  - {a}" for a in section.accommodations)
                return f"- **{section.title}** : « {join(section.intro)} » {book.cite(chunk)}\n{items}"
            return f"- **{section.title}** : « {join(section.text)} » {book.cite(chunk)}"
        where = f", {chunk.evaluation}" if chunk.evaluation else ""
        return f"- **{code}** ({ITEM_KIND[lang][kind]}{where}) : « {chunk.body} » {book.cite(chunk)}"

    def overview_label(self, code: str) -> str:
        kind = self.ref.codes()[code]
        if kind == "bloc":
            bloc = self.ref.bloc(code)
            return f"{bloc.label} : {self.pack.display_title(code)} ({', '.join(bloc.evaluations)})"
        if kind == "evaluation":
            ev = self.ref.evaluation(code)
            return f"{join(ev.title).rstrip(' :')} ({', '.join(ev.criteria_codes)})"
        if kind == "activity":
            return join(self.ref.activity(code).title)
        item = self.ref.competency(code) if kind == "competency" else self.ref.criterion(code)
        text = join(item.text)
        return text if len(text) <= 140 else text[:139].rsplit(" ", 1)[0] + "…"

    def overview(self, codes: list[str], book: SourceBook, lang: Lang) -> list[str]:
        """One line per item, from the structured data, each cited."""
        kind_of = self.ref.codes()
        lines = [t("crosscut_head", lang, n=len(codes))]
        for code in codes:
            lines.append(f"- **{code}** — {self.overview_label(code)}{self.cite(book, kind_of[code], code)}")
        return lines

    # ---- cross-cutting ------------------------------------------------------------------------
    def crosscut(self, cc: CrossCut, book: SourceBook, lang: Lang) -> list[str]:
        texts = item_texts(self.ref)
        kind_of = self.ref.codes()
        if cc.format_query:
            lines = [FORMAT_HEAD[cc.format_query][lang]]
            for key in cc.matches:
                ev = self.ref.evaluation(key)
                parts = "; ".join(
                    f"{KIND_WORD[lang][p.kind]} ({' + '.join(KIND_WORD[lang][f] for f in p.formats)})" for p in ev.parts
                )
                lines.append(
                    f"- **{key}** — {join(ev.title).rstrip(' :')} : {parts}{self.cite(book, 'evaluation', key)}"
                )
            return lines
        if not cc.concepts:  # an overview: one line per item, from the structured data
            return self.overview(cc.matches, book, lang)
        lines = [t("crosscut_head", lang, n=len(cc.matches))]
        for code in cc.matches:
            kind = kind_of[code]
            chunk = self._chunk("section", code) if kind == "section" else None
            if chunk is not None:
                lines.append(self.quote_item(chunk, book, lang))
                continue
            snippet = _snippet(texts[code][1], cc.concepts)
            chunk_kind = "section" if kind == "section" else kind
            lines.append(f"- **{code}** ({ITEM_KIND[lang][kind]}) : « {snippet} »{self.cite(book, chunk_kind, code)}")
        return lines


def _snippet(text: str, concepts: list[str], width: int = 220) -> str:
    """The sentence of ``text`` that holds a concept word (else its beginning), shortened."""
    import re

    sentences = re.split(r"(?<=[.;:!?])\s+", text)
    folded = [fold(s) for s in sentences]
    best = sentences[0]
    for sentence, f in zip(sentences, folded, strict=True):
        if any(c[:6] in f for c in concepts):
            best = sentence
            break
    return best if len(best) <= width else best[: width - 1].rsplit(" ", 1)[0] + "…"
