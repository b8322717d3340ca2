"""PDFs printed by Chromium (a browser's or Google Docs' export) give the units of the document.

Small HTML pages are printed to PDF with Debian's Chromium, the way ``evals/office_drafts.py``
prints the office drafts, and read back with ``load_document``. Chromium draws list bullets as
vector paths (no "•" in the text), table borders as thin filled rectangles and cell padding of
its own; the loader must still give one table unit per table (a table going on over the next page
included, its repeated header dropped, wrapped cell text joined), one list unit per list and the
heading path of the HTML headings.

The tests are skipped without Chromium, except where ``JB_REQUIRE_CHROMIUM=1`` (CI installs it and
sets that), where its absence fails.
"""

from __future__ import annotations

import html
import os

import pytest

from assistant.documents import LoadedDocument, TextUnit, load_document
from evals.office_drafts import HTML_STYLE, chromium, print_to_pdf

WRAPPING = "une cellule dont le texte est assez long pour revenir à la ligne dans sa colonne"


@pytest.fixture(scope="module")
def printer(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if chromium() is None:
        if os.environ.get("JB_REQUIRE_CHROMIUM") == "1":
            pytest.fail("Chromium is required here (JB_REQUIRE_CHROMIUM=1): apt-get install -y chromium")
        pytest.skip("Chromium is not installed")
    out = tmp_path_factory.mktemp("chromium")

    def print_html(name: str, body: str) -> LoadedDocument:
        page = out / f"{name}.html"
        page.write_text(
            f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>{name}</title>'
            f"<style>{HTML_STYLE}</style></head><body>\n{body}\n</body></html>\n",
            encoding="utf-8",
        )
        pdf = out / f"{name}.pdf"
        print_to_pdf(page, pdf)
        return load_document(pdf)

    return print_html


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _kinds(doc: LoadedDocument, kind: str) -> list[TextUnit]:
    return [unit for unit in doc.units if unit.kind == kind]


def test_a_table_over_two_pages_is_one_unit_with_wrapped_cells_joined_and_no_repeated_header(printer) -> None:  # type: ignore[no-untyped-def]
    header = ["Lot", "Description", "Responsable", "Coût"]
    rows = [
        [
            f"Lot {number}",
            f"{WRAPPING} (lot {number})",
            "cheffe de projet" if number % 2 else "agence",
            f"{number} 000 €",
        ]
        for number in range(1, 31)
    ]
    body = (
        "<h2>Budget</h2>"
        + _table(header, rows)
        + "<p>Le total comprend une réserve pour les aléas.</p>"
        + _table(["Outil", "Usage"], [["Notion", "suivi des livrables"], ["Slack", "échanges quotidiens"]])
    )
    doc = printer("table", body)

    assert doc.pages is not None and doc.pages >= 2
    tables = _kinds(doc, "table")
    assert len(tables) == 2
    assert tables[0].rows == [header, *rows]  # the header repeated on page 2 is dropped
    assert tables[0].section == ("Budget",)
    assert tables[1].rows == [["Outil", "Usage"], ["Notion", "suivi des livrables"], ["Slack", "échanges quotidiens"]]
    assert [unit.text for unit in _kinds(doc, "paragraph")] == ["Le total comprend une réserve pour les aléas."]


def test_drawn_bullets_make_list_units_and_numbered_lists_keep_their_numbers(printer) -> None:  # type: ignore[no-untyped-def]
    body = (
        "<h2>Actions</h2>"
        "<p>Ce que nous proposons :</p>"
        "<ul><li>refaire le formulaire de contact, trop long aujourd'hui pour un visiteur sur mobile qui veut "
        "seulement un devis rapide</li><li>suivre les conversions<ul><li>Google Ads</li><li>Meta Ads</li></ul>"
        "</li><li>publier deux reels par semaine</li></ul>"
        "<p>Étapes :</p>"
        "<ol><li>recueil des besoins</li><li>maquettes</li><li>lancement</li></ol>"
        "<p>Une revue a lieu chaque trimestre.</p>"
    )
    doc = printer("lists", body)

    lists = _kinds(doc, "list")
    assert [unit.text for unit in lists] == [
        "• refaire le formulaire de contact, trop long aujourd'hui pour un visiteur sur mobile qui veut "
        "seulement un devis rapide\n• suivre les conversions\n• Google Ads\n• Meta Ads\n"
        "• publier deux reels par semaine",
        "1. recueil des besoins\n2. maquettes\n3. lancement",
    ]
    assert all(unit.section == ("Actions",) for unit in lists)
    assert [unit.text for unit in _kinds(doc, "paragraph")] == [
        "Ce que nous proposons :",
        "Étapes :",
        "Une revue a lieu chaque trimestre.",
    ]


def test_heading_levels_follow_font_sizes_and_the_title_is_no_parent(printer) -> None:  # type: ignore[no-untyped-def]
    body = (
        "<h1>Cargo &amp; Co – Projet « Boutique en ligne et réseau de revendeurs partenaires »</h1>"
        "<p>Dossier E2, cadrage individuel.</p>"
        "<h2>1. Contexte</h2><p>Une entreprise de vélos cargo.</p>"
        "<h3>1.1 Outils retenus</h3><p>Shopify et Brevo.</p>"
        "<h3>1.2 Contraintes</h3><p>Un budget serré.</p>"
        "<h2>2. Budget</h2><p>18 500 € au total.</p>"
    )
    doc = printer("headings", body)

    title = "Cargo & Co – Projet « Boutique en ligne et réseau de revendeurs partenaires »"
    assert [(unit.kind, unit.section, unit.text) for unit in doc.units] == [
        ("heading", (title,), title),  # wrapped over two lines: still one heading
        ("paragraph", (), "Dossier E2, cadrage individuel."),
        ("heading", ("1. Contexte",), "1. Contexte"),
        ("paragraph", ("1. Contexte",), "Une entreprise de vélos cargo."),
        ("heading", ("1. Contexte", "1.1 Outils retenus"), "1.1 Outils retenus"),
        ("paragraph", ("1. Contexte", "1.1 Outils retenus"), "Shopify et Brevo."),
        ("heading", ("1. Contexte", "1.2 Contraintes"), "1.2 Contraintes"),
        ("paragraph", ("1. Contexte", "1.2 Contraintes"), "Un budget serré."),
        ("heading", ("2. Budget",), "2. Budget"),
        ("paragraph", ("2. Budget",), "18 500 € au total."),
    ]


def test_the_office_drafts_chromium_exports_agree_with_their_docx() -> None:
    """The built drafts (when present): rows, lists and headings of the .chromium.pdf are the DOCX's."""
    from evals.unit_agreement import compare, pairs

    found = pairs("chromium-pdf")
    if not found:
        pytest.skip("the office drafts are not built")
    for name, source, rendering in found:
        scores = compare(load_document(source), load_document(rendering))
        for measure in ("rows", "items", "headings"):
            assert scores[measure].share >= 0.9, (name, measure, scores[measure].missing[:3])
