"""Page script registered by streamlit_app.py (the page itself lives in assistant.ui.chat_page)."""

from assistant.ui.chat_page import render

render()
