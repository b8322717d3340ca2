"""Quality floors: the lowest figures the dev evaluations may give on the **test** split with the default
embedder (e5-small). `make test` (tests/test_quality_floors.py) fails below any of them.

Each floor sits a little under the figure measured when it was set (given in its comment, with the
command that measured it). Raise a floor when the product improves; never lower one silently: a lower
floor is a finding for the closing note, with the figure that forced it.

Measured with: ``JB_DATA_DIR=<e5 index> jury-blanc eval all --split test --json`` on 2026-12-06; the answer
floors again after the planner landed (issue 20), with ``jury-blanc eval answers --set dev|realworld --split test``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class QualityFloors(BaseModel):
    """Lowest acceptable test-split figures (higher is better unless the name says ``max``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- retrieval (101 in-scope test questions)
    retrieval_recall_at_5: float = Field(
        0.86, description="Mean recall@5 of the gold items."
    )  # measured 0.867 with the sentence-ranked list (0.885 before it; tune went 0.884 -> 0.897: a tune-test gap)
    retrieval_mrr: float = Field(0.81, description="Mean reciprocal rank of the first gold item.")  # measured 0.842

    # --- answers (143 test questions, offline)
    answers_valid_citation: float = Field(
        1.0, description="Share of answered in-scope questions citing at least one returned source."
    )  # measured 1.000
    answers_must_mention: float = Field(
        0.71, description="Share of the expected mentions found in the answers."
    )  # measured 0.741 with the planner (0.710 before; tune gives 0.784: a tune-test gap)
    answers_out_of_scope_refusal: float = Field(
        0.85, description="Share of out-of-scope questions refused."
    )  # measured 0.857 with the planner (0.881 before; tune gives 0.939: a tune-test gap)
    answers_false_refusal_max: float = Field(
        0.06, description="Highest share of in-scope questions refused."
    )  # measured 0.030 with the planner (0.168 before)
    answers_citation_precision: float = Field(
        0.67, description="Share of cited sources holding a key term of the question or gold item."
    )  # measured 0.699 with the planner (0.670 before)

    # --- answers to questions harvested from public pages (evals/realworld, 76 scored test questions, offline)
    realworld_out_of_scope_refusal: float = Field(
        0.79, description="Share of the realworld questions our documents cannot answer that are refused."
    )  # measured 0.824 (0.794 before the planner; the 1-NN baseline gives 0.765)
    realworld_false_refusal_max: float = Field(
        0.22, description="Highest share of answerable realworld questions refused."
    )  # measured 0.190 (0.405 before the planner; the 1-NN baseline gives 0.095; tune gives 0.082)
    realworld_must_mention: float = Field(
        0.28, description="Share of the expected mentions found in the realworld answers."
    )  # measured 0.310 (0.250 before the planner; tune gives 0.449)
    realworld_citation_precision: float = Field(
        0.76, description="Share of cited sources holding a key term of the realworld question or gold item."
    )  # measured 0.784

    # --- draft review (179 criterion labels over the Markdown and office test drafts' source formats, offline)
    drafts_qw_kappa: float = Field(
        0.62, description="Quadratic-weighted kappa of the verdicts against the gold labels."
    )  # measured 0.669 (learned verdict; the Markdown test drafts alone: 0.635)
    drafts_macro_f1: float = Field(0.58, description="Macro-F1 over covered / partial / missing.")  # measured 0.625
    drafts_stuffing_resistance: float = Field(
        1.0, description="Share of gold-missing criteria in stuffed or injected drafts not called covered."
    )  # measured 1.000
    drafts_english_qw_kappa: float = Field(
        0.30, description="Quadratic-weighted kappa on the English test drafts (36 labels: a weak spot)."
    )  # measured 0.344
    drafts_format_agreement: float = Field(
        0.95, description="Share of criterion verdicts of a PDF or Word rendering equal to its source's."
    )  # measured 0.982 (Chromium PDF 0.972, LibreOffice PDF 1.000, deck PDF 0.929)

    # --- mock jury (125 attendu labels of the 70 test answers of evals/oral, offline)
    oral_qw_kappa: float = Field(
        0.80, description="Quadratic-weighted kappa of the attendu verdicts given to oral answers."
    )  # measured 0.844 with the sample answers' meaning (0.762 without; issue 24 target: 0.75)
    oral_stuffing_resistance: float = Field(
        0.95, description="Share of attendus of answers reciting the référentiel or the guidance not called covered."
    )  # measured 1.000 (11 attendus)

    # --- renderings (each test-split Markdown draft rendered to PDF, DOCX and LibreOffice PDF)
    renderings_qw_kappa: float = Field(
        0.60, description="Quadratic-weighted kappa of each format's verdicts against the gold labels."
    )  # measured 0.641 for fpdf, DOCX and LibreOffice PDF alike (94 labels; pytest -s tests/test_renderings.py)


FLOORS = QualityFloors()
