"""The app's pages and their French addresses, and what an unknown address does.

Streamlit answers an address no page has (``/questions``, an old bookmark) with an English « Page not
found » dialog before running the default page. :func:`land_unknown_paths_home` runs first and drops such
a request's page name, so the visitor simply lands on the home page.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

PAGES_DIR = "assistant/ui/pages"


@dataclass(frozen=True)
class PageSpec:
    script: str  # file name in PAGES_DIR
    title: str
    icon: str
    url_path: str  # the page's French address; the home page is served at "/"
    home: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("question.py", "Poser une question", ":material/forum:", "question", home=True),
    PageSpec("verifier.py", "Vérifier mon livrable", ":material/fact_check:", "verifier"),
    PageSpec("oral.py", "S'entraîner à l'oral", ":material/record_voice_over:", "oral"),
    PageSpec("referentiel.py", "Référentiel", ":material/menu_book:", "referentiel"),
    PageSpec("administration.py", "Administration", ":material/admin_panel_settings:", "administration"),
)


def land_unknown_paths_home() -> None:
    """Before ``st.navigation``: a request for an address no page has runs the home page, without a dialog.

    The home page's own name (``/question``) counts as unknown to Streamlit (it serves the home page at
    ``/`` only): it lands home too. Requests that name a page by its script hash (the sidebar links) are
    left alone.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    manager = ctx.pages_manager
    name = manager.intended_page_name
    served = {page.url_path for page in PAGES if not page.home}  # Streamlit serves the home page at "/" only
    if not manager.intended_page_script_hash and name and name not in served:
        manager.set_script_intent("", "")


def pages() -> list[st.Page]:
    return [
        st.Page(f"{PAGES_DIR}/{p.script}", title=p.title, icon=p.icon, url_path=p.url_path, default=p.home)
        for p in PAGES
    ]
