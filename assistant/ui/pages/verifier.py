"""Page script registered by streamlit_app.py (the page itself lives in assistant.ui.check_page)."""

from assistant.ui.check_page import render

render()
