"""Page script registered by streamlit_app.py (the page itself lives in assistant.ui.oral_page)."""

from assistant.ui.oral_page import render

render()
