"""User-facing French labels shared by the index, the reports and the UI (one place for each)."""

from __future__ import annotations

from typing import Literal

# Every warning code a document load or a review can raise (the `check --json` contract lists them).
WarningCode = Literal[
    "prompt_injection",
    "evaluation_mismatch",
    "little_text",
    "truncated",
    "hidden_text",
    "llm_fallback",
    "llm_timeout",
    "pages_without_text",
    "page_unreadable",
    "extension_mismatch",
    "encoding",
    "front_matter_invalid",
]

WARNING_TITLES: dict[str, str] = {
    "prompt_injection": "Instructions détectées dans le document",
    "evaluation_mismatch": "Le document semble correspondre à une autre évaluation",
    "little_text": "Texte insuffisant",
    "truncated": "Document tronqué",
    "hidden_text": "Texte invisible détecté",
    "llm_fallback": "Modèle de langage indisponible",
    "llm_timeout": "Modèle trop lent : avis hors ligne",
    "pages_without_text": "Pages sans texte",
    "page_unreadable": "Page illisible",
    "extension_mismatch": "Extension inattendue",
    "encoding": "Encodage du texte",
    "front_matter_invalid": "En-tête du document illisible",
}


def warning_title(code: str) -> str:
    """The French heading of a warning code (every code has one)."""
    return WARNING_TITLES.get(code, "Point d'attention")


# Référentiel item kinds, as a short noun.
ITEM_KIND_FR: dict[str, str] = {
    "section": "section",
    "bloc": "bloc",
    "activity": "activité",
    "competency": "compétence",
    "evaluation": "évaluation",
    "criterion": "critère",
}

# Chunk kinds, as the orienting header of an indexed passage.
CHUNK_KIND_FR: dict[str, str] = {
    "criterion": "critère d'évaluation",
    "block": "bloc de critères tel qu'imprimé",
    "competency": "compétence",
    "activity": "activité",
    "evaluation": "modalité d'évaluation",
    "bloc": "présentation du bloc",
    "section": "introduction du référentiel",
    "attendus": "attendus (fiche pédagogique du projet)",
}

# Substance kinds an attendu requires, as "what is missing".
SUBSTANCE_FR: dict[str, str] = {
    "amount": "montants chiffrés",
    "figure": "chiffres",
    "date": "dates ou jalons",
    "tool": "outils nommés",
    "kpi": "indicateurs avec valeurs ou cibles",
    "role": "profils ou acteurs nommés",
    "reason": "justification",
    "comparison": "comparaison",
    "verbatim": "verbatims ou citations",
    "structure": "présentation structurée (tableau, liste, étapes)",
    "person": "personnes nommées",
    "product": "quantités multipliées par un coût unitaire",
    "lines": "assez de lignes",
}

SUBSTANCE_EN: dict[str, str] = {
    "amount": "amounts in figures",
    "figure": "figures",
    "date": "dates or milestones",
    "tool": "named tools",
    "kpi": "indicators with values or targets",
    "role": "named profiles or actors",
    "reason": "justification",
    "comparison": "comparison",
    "verbatim": "verbatims or quotations",
    "structure": "structured presentation (table, list, steps)",
    "person": "named people",
    "product": "quantities times a unit cost",
    "lines": "enough lines",
}

# Review feedback phrases, by the draft's language (criterion texts always stay verbatim in French).
FEEDBACK: dict[str, dict[str, str]] = {
    "fr": {
        "no_passage": "aucun passage ne traite ce point",
        "shown_concretely": "montré avec des éléments concrets",
        "partial_without": "abordé, mais sans {missing}",
        "partial_general": "abordé, mais de façon générale",
        "partial_item": "{label} (partiel : {reason})",
        "shown_table": "montré dans un tableau complet",
        "shown_list": "montré dans une liste complète",
        "partial_table": "tableau présent, mais sans {missing}",
        "partial_list": "liste présente, mais sans {missing}",
        "method_sheet": "Méthode pas à pas : fiche « {title} » ({path}).",
        "oral_covered": "votre réponse le montre avec des éléments concrets",
        "oral_partial_without": "abordé dans votre réponse, mais sans {missing}",
        "oral_partial": "abordé dans votre réponse, mais de façon générale",
        "oral_missing": "votre réponse ne traite pas ce point",
        "oral_recital": "votre réponse reprend les mots du référentiel sans montrer votre travail",
        "oral_generic_question": "Pouvez-vous nous montrer, sur votre projet : {label} ?",
        "oral_claim": "Dans votre dossier, vous écrivez : « {claim} ». {question}",
        "oral_follow_up_claim": "Vous venez de dire : « {claim} ». {question}",
        "oral_empty": "Votre réponse est vide : écrivez ce que vous diriez au jury, puis validez.",
        "oral_finished": "La session est terminée : consultez la synthèse ou recommencez.",
        "oral_disclaimer": "Entraînement indicatif et formatif : ces avis ne sont ni une note ni une prédiction de "
        "réussite. Seul le jury de certification évalue votre oral.",
    },
    "en": {
        "no_passage": "no passage addresses this point",
        "shown_concretely": "shown with concrete evidence",
        "partial_without": "addressed, but without {missing}",
        "partial_general": "addressed, but only in general terms",
        "partial_item": "{label} (partial: {reason})",
        "shown_table": "shown in a complete table",
        "shown_list": "shown in a complete list",
        "partial_table": "a table is there, but without {missing}",
        "partial_list": "a list is there, but without {missing}",
        "method_sheet": "Step-by-step method: sheet “{title}” ({path}).",
        "oral_covered": "your answer shows it with concrete evidence",
        "oral_partial_without": "addressed in your answer, but without {missing}",
        "oral_partial": "addressed in your answer, but only in general terms",
        "oral_missing": "your answer does not address this point",
        "oral_recital": "your answer repeats the référentiel's words without showing your work",
        "oral_generic_question": "Can you show us, on your project: {label}?",
        "oral_claim": "In your file, you write: “{claim}”. {question}",
        "oral_follow_up_claim": "You just said: “{claim}”. {question}",
        "oral_empty": "Your answer is empty: write what you would tell the jury, then submit.",
        "oral_finished": "The session is over: read the summary or start again.",
        "oral_disclaimer": "Indicative, formative practice: this feedback is neither a mark nor a prediction of "
        "success. Only the certification jury assesses your oral.",
    },
}
SUBSTANCE: dict[str, dict[str, str]] = {"fr": SUBSTANCE_FR, "en": SUBSTANCE_EN}
