"""Structure as evidence: a budget written as a Word table and a MoSCoW list are seen whole.

The draft below is built the way a candidate writes it in Word: a budget table with line items,
amounts, internal days × day rate, a 10 % contingency line and a total, and a list of needs
prioritised Indispensable / Important / Souhaitable / Exclu. Reviewed for E2, its budget (CR7) is
covered with a table excerpt as evidence and its prioritised needs (CR6's attendu) are found.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from assistant.documents import load_document
from assistant.pack import Shape, load_pack
from assistant.review.models import Report
from assistant.review.quotes import verify_quote
from assistant.review.service import Reviewer
from assistant.review.signals import Signals
from assistant.review.structure import ShapeReader, list_block, table_block
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PACK = load_pack(ROOT / "corpus")
READER = ShapeReader(PACK.vocab, Signals(PACK.vocab), share=0.5)

BUDGET = [
    ["Poste", "Détail", "Montant HT"],
    ["Agence web", "Refonte et intégration (forfait Atelier Sillon)", "17 800 €"],
    ["Licences", "Shopify 12 mois × 1 900 €", "22 800 €"],
    ["Photos produits", "280 visuels", "3 900 €"],
    ["Campagne de lancement", "Google Ads et Meta Ads, 3 mois", "8 400 €"],
    ["Chef de projet interne", "40 jours × 350 €", "14 000 €"],
    ["Formation de l'équipe", "2 sessions d'une journée", "1 500 €"],
    ["Provision pour aléas 10 %", "Imprévus techniques", "6 840 €"],
    ["Total", "", "75 240 €"],
]
NEEDS = [
    "Indispensable : catalogue de 2 300 références avec le stock de chaque magasin",
    "Indispensable : retrait en magasin avec choix du créneau",
    "Important : prise de rendez-vous en ligne pour l'atelier de réparation",
    "Souhaitable : fiches conseils reliées aux produits",
    "Exclu de cette version : application mobile",
]


def budget_docx(path: Path) -> Path:
    """A 600-word-style E2 draft as Word writes it: headings, a MoSCoW bullet list, a real budget table."""
    document = docx.Document()
    document.add_heading("Cahier des charges – nouveau site de Cycles Vauban", 0)
    document.add_heading("1. Contexte et objectifs", 1)
    document.add_paragraph(
        "Cycles Vauban vend et répare des vélos dans deux magasins de Besançon. La stratégie validée vise "
        "35 000 visites par mois sur le site d'ici avril 2027, 600 demandes de réparation en ligne par trimestre "
        "et un taux de conversion de 1,6 % sur le retrait en magasin."
    )
    document.add_heading("2. Besoins fonctionnels priorisés (MoSCoW)", 1)
    for need in NEEDS:
        document.add_paragraph(need, style="List Bullet")
    document.add_heading("3. Budget prévisionnel", 1)
    document.add_paragraph("Le budget ci-dessous couvre la première année du projet, hors taxes.")
    table = document.add_table(rows=len(BUDGET), cols=3)
    table.style = "Table Grid"
    for i, row in enumerate(BUDGET):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    document.add_heading("4. Planning", 1)
    document.add_paragraph(
        "La mise en ligne est prévue le 12 avril 2027 : lot catalogue livré en janvier, recette de deux semaines "
        "en mars, formation des vendeurs la semaine du 5 avril."
    )
    document.save(path)
    return path


@pytest.fixture(scope="module")
def reviewer() -> Reviewer:
    from assistant.index.embeddings import make_embeddings

    return Reviewer.from_settings(Settings(corpus_dir=ROOT / "corpus"), make_embeddings("e5-small"))


@pytest.fixture(scope="module")
def report(reviewer: Reviewer, tmp_path_factory: pytest.TempPathFactory) -> Report:
    path = budget_docx(tmp_path_factory.mktemp("draft") / "cahier_des_charges.docx")
    return reviewer.review(reviewer.load(path), "E2")


def test_the_budget_table_covers_cr7_with_a_table_excerpt(report: Report) -> None:
    cr7 = report.verdict("CR7")
    assert cr7.status == "covered"
    excerpts = [e for e in cr7.evidence if "\n" in e.quote]
    assert excerpts, [e.quote for e in cr7.evidence]
    lines = excerpts[0].quote.split("\n")
    assert lines[0] == "Poste | Détail | Montant HT"  # the header comes first, then matching rows
    assert all(line in {" | ".join(row) for row in BUDGET} for line in lines)
    # Every attendu of the budget is found: line items, production, agency and licences, internal days, total.
    assert all(a.status != "missing" for a in cr7.attendus), [(a.id, a.status) for a in cr7.attendus]
    # No advice tells the candidate to add the budget lines they wrote.
    assert not any("Détaillez votre budget poste par poste" in advice for advice in cr7.advice)


def test_the_moscow_list_is_found_as_prioritised_needs(report: Report) -> None:
    cr6 = report.verdict("CR6")
    prioritised = next(a for a in cr6.attendus if a.id == "CR6.2")
    assert prioritised.status == "covered"
    assert "Indispensable" in prioritised.evidence[0].quote


def test_every_quote_shown_is_in_the_draft_and_the_evidence_agrees_with_the_attendus(
    report: Report, reviewer: Reviewer, tmp_path: Path
) -> None:
    doc = reviewer.load(budget_docx(tmp_path / "again.docx"))
    units = [unit.text for unit in doc.units]
    for verdict in report.criteria:
        found = {e.quote for a in verdict.attendus if a.status != "missing" for e in a.evidence}
        assert {e.quote for e in verdict.evidence} <= found  # the evidence block only shows what attendus found
        if found:
            assert verdict.evidence  # ... and is never empty when they found something
        for evidence in [*verdict.evidence, *(e for a in verdict.attendus for e in a.evidence)]:
            assert verify_quote(evidence.quote, units) is not None, evidence.quote
    assert all(v.certainty for v in report.criteria)


def test_a_total_is_recognised_by_its_arithmetic_whatever_its_label() -> None:
    rows = [["Poste", "Coût"], ["Site", "12 000 €"], ["Photos", "3 000 €"], ["Ensemble", "15 000 €"]]
    block = table_block(0, rows, "§ 1", "Budget")
    assert block is not None
    facets = READER.line_facets(block, ["total", "amount"])
    assert "total" in facets[2] and "total" not in facets[0]
    assert all("amount" in f for f in facets)


def test_a_gantt_header_dates_the_rows_that_have_a_mark() -> None:
    rows = [["Tâche", "S1", "S2", "S3"], ["Maquettes", "X", "X", ""], ["Recette", "", "", "X"], ["Idée", "", "", ""]]
    block = table_block(0, rows, "§ 1", "Planning")
    assert block is not None
    facets = READER.line_facets(block, ["date"])
    assert "date" in facets[0] and "date" in facets[1] and "date" not in facets[2]


def test_a_currency_header_makes_its_numbers_amounts() -> None:
    block = table_block(0, [["Poste", "Montant (€)"], ["Agence", "18 500"], ["Licences", "à voir"]], "§ 1", "")
    assert block is not None
    facets = READER.line_facets(block, ["amount"])
    assert "amount" in facets[0] and "amount" not in facets[1]


def test_a_shape_needs_its_lines_and_facets() -> None:
    shape = Shape(lines=4, each=["amount"], some=["total"])
    full = table_block(0, BUDGET, "§ 3", "Budget")
    assert full is not None and READER.match(shape, full).score == 1.0
    vague = table_block(0, [["Poste", "Montant"], ["Agence", "à définir"], ["Licences", "à définir"]], "§ 3", "")
    assert vague is not None
    match = READER.match(shape, vague)
    assert match.score < 0.5 and {"lines", "amount", "total"} <= set(match.missing)


def test_a_list_keeps_its_items_and_their_priorities() -> None:
    block = list_block(0, "\n".join(f"• {need}" for need in NEEDS), "§ 2", "Besoins")
    assert block is not None and len(block.rows) == len(NEEDS)
    assert READER.match(Shape(lines=4, each=["priority"]), block).score == 1.0


def test_an_excerpt_is_verified_line_by_line_in_one_unit() -> None:
    table = "\n".join(" | ".join(row) for row in BUDGET)
    other = "Poste | Montant\nDivers | 10 €"
    excerpt = "Poste | Détail | Montant HT\nTotal |  | 75 240 €"
    assert verify_quote(excerpt, [other, table]) == 1
    stitched = "Poste | Détail | Montant HT\nDivers | 10 €"  # lines from two different tables
    assert verify_quote(stitched, [table, other]) is None


def test_a_table_of_criterion_words_without_amounts_is_not_a_budget(reviewer: Reviewer) -> None:
    text = (
        "# Budget\n\nNotre budget est exhaustif, structuré et réaliste, conformément au référentiel.\n\n"
        "| Poste | Montant |\n| --- | --- |\n| Agence | à définir |\n| Licences | à définir |\n"
        "| Ressources internes | à chiffrer |\n| Total | à venir |\n\n"
        + "Le budget sera finalisé plus tard avec la direction financière. "
        * 6
    )
    report = reviewer.review(load_document(text.encode("utf-8"), filename="budget.md"), "E2")
    assert report.verdict("CR7").status != "covered"
    assert all(a.status != "covered" for a in report.verdict("CR7").attendus)
