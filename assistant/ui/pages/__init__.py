"""Page scripts: each one is executed by Streamlit's navigation, not imported."""
