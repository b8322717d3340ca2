"""The Streamlit app: a thin French UI over the library (pages, cached resources, feedback log).

Modules: ``state`` (the shared runtime and asker of ``assistant.serve``, waiting on their build; the
cached reviewer), ``components`` (shared widgets),
``chat_page``, ``check_page``, ``referentiel_page``, ``admin_page`` (one per page), ``feedback``
(the answer feedback log), ``report_diff`` and ``admin_ops`` (pure helpers, unit-tested).
``pages/`` holds the one-line page scripts that ``streamlit_app.py`` registers with ``st.navigation``.
"""
