"""Structure-aware chunking: one chunk per référentiel item; course documents by heading then size."""

from __future__ import annotations

import hashlib

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.documents import LoadedDocument, TextUnit
from assistant.index.chunks import Chunk, DocKind
from assistant.pack import CodeParser, Referentiel, join
from assistant.pack.loader import REFERENTIEL_FILE
from assistant.safety.injection import injection_spans
from assistant.settings import ChunkingSettings
from assistant.text.labels import CHUNK_KIND_FR


def _header(bloc_label: str, code: str, kind: str) -> str:
    parts = [p for p in (bloc_label, code, CHUNK_KIND_FR[kind]) if p]
    return " — ".join(parts) + " :"


def referentiel_chunks(ref: Referentiel) -> list[Chunk]:
    """One chunk per référentiel item, each with a short orienting header."""
    out: list[Chunk] = []

    def add(code: str, kind: str, body: str, codes: list[str], *, bloc: str = "", evaluation: str = "",
            title: str = "", doc_type: DocKind = "referentiel") -> None:  # fmt: skip
        label = ref.bloc(bloc).label if bloc else ""
        header = _header(label, code, kind)
        out.append(
            Chunk(
                id=f"ref:{kind}:{code}",
                text=f"{header} {title + ' — ' if title else ''}{body}",
                body=body,
                source=REFERENTIEL_FILE if doc_type == "referentiel" else "referentiel/attendus.yaml",
                title=title or code,
                doc_type=doc_type,
                section=(f"{label} > {code}" if label else code) + (" > attendus" if kind == "attendus" else ""),
                codes=codes,
                kind=kind,
                bloc=bloc,
                evaluation=evaluation,
            )
        )

    for section in ref.sections:
        body = join(section.text)
        add(section.id, "section", body, [section.id], title=section.title)
    for bloc in ref.blocs:
        add(bloc.id, "bloc", f"{bloc.title}. {join(bloc.intro)}", [bloc.id], bloc=bloc.id, title=bloc.title)
        for act in bloc.activities:
            add(act.code, "activity", join(act.text), [act.code], bloc=bloc.id, title=join(act.title))
        for comp in bloc.competencies:
            add(comp.code, "competency", join(comp.text), [comp.code], bloc=bloc.id)
    for ev in ref.evaluations:
        body = f"{join(ev.title)} {join(ev.modality)}"
        add(ev.key, "evaluation", body, [ev.key], bloc=ev.bloc, evaluation=ev.key)
        for block in ev.blocks:
            if len(block.codes) > 1:
                text = " ".join(filter(None, [block.preamble, join(block.text)]))
                add(block.raw_code or block.id, "block", text, list(block.codes), bloc=ev.bloc, evaluation=ev.key)
    for crit in ref.criteria:
        ev = ref.evaluation(crit.evaluation)
        add(crit.code, "criterion", crit.full_text, [crit.code], bloc=ev.bloc, evaluation=ev.key)
        if crit.attendus:
            lines = [f"{a.label} : {a.evidence}" for a in crit.attendus]
            add(crit.code, "attendus", " ".join(lines), [crit.code], bloc=ev.bloc, evaluation=ev.key,
                title=f"{crit.code} — attendus (équipe pédagogique)", doc_type="attendus")  # fmt: skip
    return out


def _sections(doc: LoadedDocument) -> list[tuple[str, int | None, list[TextUnit]]]:
    """Group consecutive units by (heading path, page)."""
    groups: list[tuple[str, int | None, list[TextUnit]]] = []
    for unit in doc.units:
        path = " > ".join(unit.section)
        if groups and groups[-1][0] == path and groups[-1][1] == unit.page:
            groups[-1][2].append(unit)
        else:
            groups.append((path, unit.page, [unit]))
    return groups


def scrub_instructions(text: str) -> tuple[str, list[str]]:
    """Remove sentences that address the assistant (document text is data, never instructions)."""
    spans = injection_spans(text)
    for span in spans:
        text = text.replace(span, " ")
    return text, spans


def document_chunks(
    doc: LoadedDocument,
    source: str,
    doc_type: DocKind,
    codes: CodeParser,
    scrubbed: list[str] | None = None,
    settings: ChunkingSettings | None = None,
) -> list[Chunk]:
    """Split a course document by headings, then by size with overlap (instructions removed first)."""
    meta = doc.metadata
    title = str(meta.get("title") or doc.name)
    # A sheet is about its criteria; evaluations it serves stay document-level (the programme guide
    # serves them all, which would make every one of its passages "ground" every evaluation).
    criteres = meta.get("criteres") or []
    served = [str(c) for c in criteres] if isinstance(criteres, list) else []
    settings = settings or ChunkingSettings()
    splitter = RecursiveCharacterTextSplitter(chunk_size=settings.chunk_chars, chunk_overlap=settings.overlap_chars)
    out: list[Chunk] = []
    digest = hashlib.sha1(source.encode()).hexdigest()[:10]
    for path, page, units in _sections(doc):
        text = "\n\n".join(u.text for u in units if u.kind != "heading" or len(units) == 1)
        text, spans = scrub_instructions(text)
        if scrubbed is not None:
            scrubbed.extend(spans)
        if not text.strip():
            continue
        for piece in splitter.split_text(text):
            found = list(dict.fromkeys([*served, *codes.find(piece)]))
            header = " — ".join(p for p in (title, path) if p and p != title) or title
            out.append(
                Chunk(
                    id=f"doc:{digest}:{len(out)}",
                    text=f"{header} : {piece}",
                    body=piece,
                    source=source,
                    title=title,
                    doc_type=doc_type,
                    page=page,
                    section=path,
                    codes=found,
                    kind="passage",
                )
            )
    return out
