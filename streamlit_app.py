"""Jury Blanc — Streamlit entry point: page configuration and navigation.

Run with ``jury-blanc app`` (or ``streamlit run streamlit_app.py``). The pages live in
``assistant/ui/``; nothing heavy is loaded here, so the first page paints at once and the
index, models and reviewer load (cached) when a page needs them.
"""

from __future__ import annotations

import streamlit as st

from assistant.pack import load_pack
from assistant.ui.components import sidebar

PAGES = "assistant/ui/pages"

st.set_page_config(
    page_title="Jury Blanc",
    page_icon="⚖️",
    layout="wide",
    initial_sidebar_state="expanded",
    menu_items={"About": f"Jury Blanc — assistant du {load_pack().headline}."},
)

navigation = st.navigation(
    [
        st.Page(
            f"{PAGES}/question.py",
            title="Poser une question",
            icon=":material/forum:",
            url_path="question",
            default=True,
        ),
        st.Page(
            f"{PAGES}/verifier.py", title="Vérifier mon livrable", icon=":material/fact_check:", url_path="verifier"
        ),
        st.Page(f"{PAGES}/referentiel.py", title="Référentiel", icon=":material/menu_book:", url_path="referentiel"),
        st.Page(
            f"{PAGES}/administration.py",
            title="Administration",
            icon=":material/admin_panel_settings:",
            url_path="administration",
        ),
    ]
)
sidebar()
navigation.run()
