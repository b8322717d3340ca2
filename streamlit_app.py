"""Jury Blanc — Streamlit entry point (the pages grow as the library lands)."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Jury Blanc", page_icon="⚖️", layout="wide")
st.title("Jury Blanc")
st.write(
    "Assistant du titre RNCP « Manager de la stratégie digitale » : comprendre les critères, "
    "les évaluations et le programme, et vérifier un livrable avant de le rendre."
)
