"""User-facing wording of offline answers, per language and audience (French by default)."""

from __future__ import annotations

from assistant.answer.models import Audience
from assistant.text.language import Lang

REFUSAL = {
    "fr": "Je ne trouve pas cette information dans nos documents.",
    "en": "I can't find this information in our documents.",
}
REFUSAL_MARKERS = tuple(REFUSAL.values())

P: dict[str, dict[str, str]] = {
    "criterion_head": {
        "fr": "**{code}** est un critère d'évaluation de l'épreuve **{ev}** ({bloc}).",
        "en": "**{code}** is an assessment criterion of **{ev}** ({bloc}).",
    },
    "derived": {
        "fr": "Le référentiel n'imprime pas ce code : il est nommé d'après la compétence qu'il évalue.",
        "en": "The référentiel prints no code for it: it is named after the competency it assesses.",
    },
    "verbatim": {"fr": "Texte exact du référentiel :", "en": "Exact wording in the référentiel (French):"},
    "assesses": {"fr": "Il évalue la compétence **{code}** :", "en": "It assesses competency **{code}**:"},
    "within": {
        "fr": "Épreuve {ev} — {title}",
        "en": "Evaluation {ev} — {title}",
    },
    "part": {"fr": "Partie {kind} ({formats}).", "en": "{kind} part ({formats})."},
    "attendus_candidate": {
        "fr": "Ce que le jury voudra voir dans ton livrable (attendus rédigés par l'équipe pédagogique) :",
        "en": "What the jury will look for in your deliverable (expectations written by our teaching team):",
    },
    "attendus_tutor": {"fr": "Attendus observables :", "en": "Observable expectations:"},
    "attendus_admissions": {
        "fr": "Concrètement, le candidat doit montrer :",
        "en": "In practice, the candidate must show:",
    },
    "sheets": {"fr": "Pour aller plus loin :", "en": "To go further (in French):"},
    "competency_head": {
        "fr": "**{code}** est une compétence du {bloc} (activité {act} : {act_title}).",
        "en": "**{code}** is a competency of {bloc} (activity {act}: {act_title}).",
    },
    "assessed_by": {"fr": "Elle est évaluée par :", "en": "It is assessed by:"},
    "activity_head": {
        "fr": "**{code}** est une activité du {bloc} : {title}.",
        "en": "**{code}** is an activity of {bloc}: {title}.",
    },
    "activity_comps": {"fr": "Compétences associées :", "en": "Related competencies:"},
    "evaluation_head": {"fr": "**{ev}** ({bloc}) — {title}", "en": "**{ev}** ({bloc}) — {title}"},
    "modality": {
        "fr": "Modalité telle qu'écrite dans le référentiel :",
        "en": "Assessment method as written (French):",
    },
    "parts": {"fr": "Organisation :", "en": "Format:"},
    "criteria_list": {"fr": "Critères évalués :", "en": "Criteria assessed:"},
    "bloc_head": {"fr": "**{label} — {title}**", "en": "**{label} — {title}**"},
    "bloc_evals": {"fr": "Évaluation :", "en": "Evaluation:"},
    "bloc_acts": {"fr": "Activités :", "en": "Activities:"},
    "crosscut_head": {
        "fr": "Voici les éléments du référentiel qui correspondent ({n}) :",
        "en": "Here are the items of the référentiel that match ({n}):",
    },
    "structure_head": {
        "fr": "Le titre « {title} » compte {n} blocs de compétences :",
        "en": "The title « {title} » has {n} competency blocs:",
    },
    "evaluated_by": {"fr": "évaluation", "en": "evaluation"},
    "structure_options": {
        "fr": "Le bloc {number} se choisit parmi {n} options.",
        "en": "Bloc {number} comes in {n} options, one to choose.",
    },
    "compare_head": {
        "fr": "Voici, côte à côte, ce que dit le référentiel ({items}) :",
        "en": "Side by side, what the référentiel says ({items}):",
    },
    "extractive_head": {
        "fr": "Voici ce que disent nos documents :",
        "en": "Here is what our documents say (quoted in French):",
    },
    "refusal_contact": {
        "fr": "Pour cette question, adressez-vous à l'école : {contact}",
        "en": "Please ask the school: {contact}",
    },
    "refusal_no_contact_candidate": {
        "fr": "Les coordonnées de contact de l'école ne sont pas encore renseignées : adressez-vous au service "
        "admissions de votre école ou à votre tuteur.",
        "en": "The school's contact details have not been filled in yet: please ask your school's admissions team "
        "or your tutor.",
    },
    "refusal_no_contact_staff": {
        "fr": "Les coordonnées de contact de l'école ne sont pas encore renseignées : l'équipe de l'école les "
        "complète dans Administration › Informations de l'école.",
        "en": "The school's contact details have not been filled in yet: school staff fill them in under "
        "Administration › Informations de l'école.",
    },
    "school_answer": {
        "fr": "D'après les informations de l'école ({label}) :",
        "en": "According to the school's information ({label}):",
    },
    "llm_fallback": {
        "fr": "Le modèle de langage n'a pas répondu : réponse produite hors ligne.",
        "en": "The language model did not answer: offline answer instead.",
    },
}

FORMAT_HEAD = {
    "group": {"fr": "Épreuves comportant une partie en groupe :", "en": "Evaluations with a group part:"},
    "individual_only": {"fr": "Épreuves entièrement individuelles :", "en": "Fully individual evaluations:"},
    "oral": {
        "fr": "Épreuves comportant un oral (soutenance ou présentation) :",
        "en": "Evaluations with an oral part (defence or presentation):",
    },
}

KIND_WORD = {
    "fr": {"individual": "individuelle", "group": "en groupe", "written": "écrit", "oral": "oral"},
    "en": {"individual": "Individual", "group": "Group", "written": "written", "oral": "oral"},
}
ITEM_KIND = {
    "fr": {"criterion": "critère", "competency": "compétence", "activity": "activité", "evaluation": "épreuve",
           "bloc": "bloc", "section": "introduction"},
    "en": {"criterion": "criterion", "competency": "competency", "activity": "activity", "evaluation": "evaluation",
           "bloc": "bloc", "section": "introduction"},
}  # fmt: skip


def t(key: str, lang: Lang, **kw: object) -> str:
    return P[key][lang].format(**kw)


def no_contact_line(audience: Audience, lang: Lang) -> str:
    """What a refusal says while the school file has no contact details: candidates are sent to their school's
    admissions team or tutor, staff (tutors, admissions) to the Administration page where they fill them in."""
    return t("refusal_no_contact_candidate" if audience == "candidate" else "refusal_no_contact_staff", lang)


def attendus_intro(audience: Audience, lang: Lang) -> str:
    return t(f"attendus_{audience}", lang)


def render_lines(lines: list[str]) -> str:
    """Join answer lines as Markdown: list items stay together, other lines become paragraphs."""
    out = ""
    prev = ""
    for line in lines:
        if not out:
            out = line
        elif line.lstrip().startswith("- ") and prev.lstrip().startswith("- "):
            out += "\n" + line
        elif line.startswith(">") and prev.startswith(">"):
            out += "\n>\n" + line
        else:
            out += "\n\n" + line
        prev = line
    return out.strip()
