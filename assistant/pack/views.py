"""Plain views of référentiel items with their context (for the CLI, JSON and the app)."""

from __future__ import annotations

import difflib
from typing import Any

from assistant.pack.referentiel import Referentiel, join

FORMAT_FR = {"written": "écrit", "oral": "oral"}
PART_FR = {"individual": "individuelle", "group": "en groupe"}


class UnknownCodeError(KeyError):
    def __init__(self, code: str, suggestions: list[str]) -> None:
        super().__init__(code)
        self.code = code
        self.suggestions = suggestions

    def message(self) -> str:
        hint = f" Codes proches : {', '.join(self.suggestions)}." if self.suggestions else ""
        return f"Code inconnu : « {self.code} ».{hint}"


def suggest(ref: Referentiel, code: str, n: int = 5) -> list[str]:
    known = list(ref.codes())
    upper = {k.upper(): k for k in known}
    close = difflib.get_close_matches(code.upper(), list(upper), n=n, cutoff=0.5)
    return [upper[c] for c in close]


def item_view(ref: Referentiel, code: str) -> dict[str, Any]:
    """A JSON-able description of one item with its context."""
    try:
        kind = ref.kind_of(code)
    except KeyError:
        raise UnknownCodeError(code, suggest(ref, code)) from None
    if kind == "criterion":
        crit = ref.criterion(code)
        ev = ref.evaluation(crit.evaluation)
        block = ref.block(crit.block)
        return {
            "kind": kind,
            "code": crit.code,
            "text": join(crit.text),
            "related_text": crit.related_text,
            "derived": crit.derived,
            "note": crit.note,
            "part": crit.part,
            "evaluation": {"key": ev.key, "title": join(ev.title)},
            "bloc": _bloc_ref(ref, ev.bloc),
            "competencies": [{"code": c, "text": join(ref.competency(c).text)} for c in crit.competencies],
            "block_as_printed": {"raw_code": block.raw_code, "codes": block.codes, "text": join(block.text)},
            "attendus": [a.model_dump() for a in crit.attendus],
        }
    if kind == "evaluation":
        ev = ref.evaluation(code)
        return {
            "kind": kind,
            "key": ev.key,
            "title": join(ev.title),
            "bloc": _bloc_ref(ref, ev.bloc),
            "modality": join(ev.modality),
            "parts": [p.model_dump() for p in ev.parts],
            "criteria": [{"code": c.code, "text": join(c.text), "derived": c.derived} for c in ref.criteria_of(ev.key)],
            "blocks_as_printed": [{"raw_code": b.raw_code, "codes": b.codes, "text": join(b.text)} for b in ev.blocks],
        }
    if kind == "bloc":
        bloc = ref.bloc(code)
        return {
            "kind": kind,
            "id": bloc.id,
            "label": bloc.label,
            "title": bloc.title,
            "intro": join(bloc.intro),
            "activities": [{"code": a.code, "title": join(a.title)} for a in bloc.activities],
            "competencies": [{"code": c.code, "text": join(c.text)} for c in bloc.competencies],
            "evaluations": [
                {"key": k, "title": join(ref.evaluation(k).title), "criteria": ref.evaluation(k).criteria_codes}
                for k in bloc.evaluations
            ],
        }
    if kind == "competency":
        comp = ref.competency(code)
        return {
            "kind": kind,
            "code": comp.code,
            "text": join(comp.text),
            "activity": {"code": comp.activity, "title": join(ref.activity(comp.activity).title)},
            "bloc": _bloc_ref(ref, ref.bloc_of(code).id),
            "criteria": [{"code": c.code, "text": join(c.text)} for c in ref.criteria_for_competency(code)],
        }
    if kind == "activity":
        act = ref.activity(code)
        bloc = ref.bloc_of(code)
        return {
            "kind": kind,
            "code": act.code,
            "title": join(act.title),
            "text": join(act.text),
            "bloc": _bloc_ref(ref, bloc.id),
            "competencies": [
                {"code": c.code, "text": join(c.text)} for c in bloc.competencies if c.activity == act.code
            ],
        }
    section = ref.section(code)
    return {
        "kind": kind,
        "id": section.id,
        "title": section.title,
        "text": join(section.text),
        "accommodations": section.accommodations,
    }


def _bloc_ref(ref: Referentiel, bloc_id: str) -> dict[str, str]:
    bloc = ref.bloc(bloc_id)
    return {"id": bloc.id, "label": bloc.label, "title": bloc.title}


def tree_view(ref: Referentiel) -> list[dict[str, Any]]:
    """Blocs -> evaluations -> criteria."""
    return [
        {
            "id": bloc.id,
            "label": bloc.label,
            "title": bloc.title,
            "evaluations": [
                {
                    "key": key,
                    "title": join(ref.evaluation(key).title),
                    "criteria": [
                        {"code": c.code, "text": join(c.text), "attendus": len(c.attendus)}
                        for c in ref.criteria_of(key)
                    ],
                }
                for key in bloc.evaluations
            ],
        }
        for bloc in ref.blocs
    ]


def item_markdown(view: dict[str, Any]) -> str:
    """Human-readable French rendering of an ``item_view``."""
    kind = view["kind"]
    lines: list[str] = []
    if kind == "criterion":
        title = f"{view['code']} — critère d'évaluation ({view['evaluation']['key']}, {view['bloc']['label']})"
        lines += [f"# {title}", "", f"> {view['text']}", ""]
        lines += [f"> {extra}" for extra in view["related_text"]]
        if view["note"]:
            lines += ["", f"_{view['note']}_"]
        lines += ["", f"Évaluation {view['evaluation']['key']} : {view['evaluation']['title']}"]
        lines += [f"Partie : {PART_FR[view['part']]}"]
        lines += [f"Compétence {c['code']} : {c['text']}" for c in view["competencies"]]
        raw = view["block_as_printed"]["raw_code"] or "(sans code imprimé)"
        if len(view["block_as_printed"]["codes"]) > 1:
            lines += [f"Bloc de critères tel qu'imprimé : {raw}"]
        if view["attendus"]:
            lines += ["", "## Attendus"]
            for a in view["attendus"]:
                lines += [f"- **{a['label']}** — {a['evidence']}", f"  Conseil : {a['advice']}"]
    elif kind == "evaluation":
        lines += [f"# {view['key']} — {view['title']}", "", f"{view['bloc']['label']} : {view['bloc']['title']}", ""]
        lines += [f"> {view['modality']}", ""]
        for part in view["parts"]:
            formats = " et ".join(FORMAT_FR[f] for f in part["formats"])
            lines += [f"- Partie {PART_FR[part['kind']]} ({formats}) : " + " ; ".join(part["deliverables"])]
            lines += [f"  Critères : {', '.join(part['criteria'])}"]
        lines += ["", "## Critères"]
        lines += [f"- **{c['code']}** : {c['text']}" for c in view["criteria"]]
    elif kind == "bloc":
        lines += [f"# {view['label']} — {view['title']}", "", view["intro"], ""]
        lines += [f"- Activité {a['code']} : {a['title']}" for a in view["activities"]]
        lines += [f"- Compétence {c['code']} : {c['text']}" for c in view["competencies"]]
        lines += [f"- Évaluation {e['key']} : {e['title']} ({', '.join(e['criteria'])})" for e in view["evaluations"]]
    elif kind == "competency":
        lines += [f"# {view['code']} — compétence ({view['bloc']['label']})", "", f"> {view['text']}", ""]
        lines += [f"Activité {view['activity']['code']} : {view['activity']['title']}"]
        lines += [f"- Critère {c['code']} : {c['text']}" for c in view["criteria"]]
    elif kind == "activity":
        lines += [f"# {view['code']} — {view['title']} ({view['bloc']['label']})", "", f"> {view['text']}", ""]
        lines += [f"- Compétence {c['code']} : {c['text']}" for c in view["competencies"]]
    else:
        lines += [f"# {view['title']}", "", view["text"]]
    return "\n".join(lines)


def tree_markdown(tree: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for bloc in tree:
        lines.append(f"{bloc['label']} — {bloc['title']}  [{bloc['id']}]")
        for ev in bloc["evaluations"]:
            lines.append(f"  └─ {ev['key']} — {ev['title']}")
            for crit in ev["criteria"]:
                text = crit["text"]
                short = text if len(text) <= 90 else text[:87] + "…"
                lines.append(f"       • {crit['code']:<6} {short}")
    return "\n".join(lines)
