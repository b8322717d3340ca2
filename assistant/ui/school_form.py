"""Administration tab « Informations de l'école »: the school facts (corpus/ecole.yaml) edited in a form.

The values are checked before anything is written (one French error listing every problem, the form keeps
what was typed); a valid form copies the current file to corpus/backups/ and replaces it at once. The
assistant reads the file at each question, so the new facts count from the next one.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import streamlit as st
import yaml
from pydantic import ValidationError

from assistant.pack.school import CONTACT_HELP, CONTACT_LABELS, MAX_LINE, MAX_TEXT, SchoolInfo, load_school
from assistant.pack.school_store import (
    SchoolFormError,
    apply_form,
    contact_key,
    field_key,
    french_problems,
    save_school,
)
from assistant.ui.components import safe

if TYPE_CHECKING:
    from assistant.settings import Settings

FLASH = "school_flash"
ONE_LINE = ("label", "email", "phone", "url")  # contact entries typed on one line; the message may be longer


def _widget_key(key: str) -> str:
    """Stable Streamlit key of a form entry: ``contact.email`` -> ``school_contact_email``."""
    return "school_" + key.replace(".", "_")


def _updated(info: SchoolInfo) -> str:
    if not info.last_updated:
        return "Dernière mise à jour : jamais."
    return f"Dernière mise à jour : {date.fromisoformat(info.last_updated):%d/%m/%Y}."


def _problems_text(intro: str, problems: list[tuple[str, str]]) -> str:
    return intro + "\n" + "\n".join(f"- **{safe(label)}** : {safe(message)}" for label, message in problems)


def render(config: Settings) -> None:
    """The tab: what the file is for, when it was last updated, the form, and the outcome of a save."""
    corpus_dir = config.corpus_dir
    try:
        info = load_school(corpus_dir)
    except ValidationError as exc:
        st.error(_problems_text("Le fichier ecole.yaml contient des valeurs invalides ; corrigez-le à la main :",
                                french_problems(exc)), icon=":material/error:")  # fmt: skip
        return
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        st.error(f"Le fichier ecole.yaml est illisible ({safe(type(exc).__name__)}) ; corrigez-le à la main.",
                 icon=":material/error:")  # fmt: skip
        return
    st.caption(
        "Les informations que le référentiel ne donne pas (contact, frais, dates, numéro RNCP, référent "
        "handicap…). Un champ vide fait répondre à l'assistant qu'il ne trouve pas l'information, avec les "
        "coordonnées de contact : renseignez-les en premier. Fichier : `ecole.yaml` du corpus ; chaque "
        "enregistrement garde une copie de la version précédente dans `backups/`."
    )
    st.markdown(_updated(info))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(str(flash), icon=":material/check_circle:")
    values: dict[str, str] = {}
    with st.form("school_form", enter_to_submit=False):
        st.markdown("**Contact de l'école**")
        for name, label in CONTACT_LABELS.items():
            key = contact_key(name)
            current = str(getattr(info.contact, name))
            if name in ONE_LINE:
                values[key] = st.text_input(label, value=current, help=CONTACT_HELP[name], max_chars=MAX_LINE,
                                            key=_widget_key(key))  # fmt: skip
            else:
                values[key] = st.text_area(label, value=current, help=CONTACT_HELP[name], max_chars=MAX_TEXT,
                                           key=_widget_key(key))  # fmt: skip
        st.markdown("**Informations de la formation**")
        for name, school_field in info.fields.items():
            key = field_key(name)
            values[key] = st.text_area(school_field.label, value=school_field.value, help=school_field.help or None,
                                       max_chars=MAX_TEXT, key=_widget_key(key))  # fmt: skip
        submitted = st.form_submit_button("Enregistrer", type="primary", icon=":material/save:", key="school_save")
    if submitted:
        _save(config, info, values)


def _save(config: Settings, info: SchoolInfo, values: dict[str, str]) -> None:
    try:
        new = apply_form(info, values)
    except SchoolFormError as exc:
        st.error(_problems_text("Rien n'a été enregistré : corrigez ces informations.", exc.problems),
                 icon=":material/block:")  # fmt: skip
        return
    try:
        backup = save_school(config.corpus_dir, new)
    except OSError as exc:
        st.error(f"Le fichier ecole.yaml n'a pas pu être enregistré ({safe(exc.strerror or type(exc).__name__)}) ; "
                 "il n'a pas été modifié.", icon=":material/error:")  # fmt: skip
        return
    kept = f"L'ancienne version est sauvegardée dans « {backup.name} »." if backup else "Aucune version précédente."
    st.session_state[FLASH] = (
        f"Informations de l'école enregistrées. {kept} L'assistant les utilise dès la prochaine question."
    )
    st.rerun()
