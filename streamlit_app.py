"""Jury Blanc — Streamlit entry point: page configuration and navigation.

Run with ``jury-blanc app`` (or ``streamlit run streamlit_app.py``). The pages live in
``assistant/ui/``; nothing heavy is loaded here, so the first page paints at once and the
index, models and reviewer load (cached) when a page needs them.
"""

from __future__ import annotations

import streamlit as st

from assistant.pack import load_pack
from assistant.ui.components import french_styles, sidebar
from assistant.ui.navigation import land_unknown_paths_home, pages

st.set_page_config(
    page_title="Jury Blanc",
    page_icon="⚖️",
    layout="wide",
    initial_sidebar_state="expanded",
    menu_items={"About": f"Jury Blanc — assistant du {load_pack().headline}."},
)
french_styles()
land_unknown_paths_home()
navigation = st.navigation(pages())
sidebar()
navigation.run()
