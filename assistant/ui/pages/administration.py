"""Page script registered by streamlit_app.py (the page itself lives in assistant.ui.admin_page)."""

from assistant.ui.admin_page import render

render()
