"""Page script registered by streamlit_app.py (the page itself lives in assistant.ui.referentiel_page)."""

from assistant.ui.referentiel_page import render

render()
