"""Answer-level checks on the dev questions: must-mention coverage, citation validity, refusals."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

from assistant.answer.models import Answer
from assistant.evaluate.dataset import EvalQuestion, group_mean, percentile
from assistant.retrieve.crosscut import item_texts
from assistant.retrieve.evidence import KeyTerms
from assistant.text.fold import fold

_CITE = re.compile(r"\[(\d+)\]")


def normalise(text: str) -> str:
    text = fold(text).replace("’", "'")
    text = re.sub(r"(\w)-\s+(\w)", r"\1-\2", text)
    return re.sub(r"\s+", " ", text)


def citations(answer: Answer) -> tuple[list[int], list[int]]:
    """(valid, invalid) citation numbers found in the answer text."""
    ranks = {s.rank for s in answer.sources}
    cited = [int(n) for n in _CITE.findall(answer.answer)]
    return [n for n in cited if n in ranks], [n for n in cited if n not in ranks]


GOLD_TERMS = 5  # the rarest key terms of a gold item's text that stand for it


def cited_precision(q: EvalQuestion, a: Answer, terms: KeyTerms, texts: Mapping[str, tuple[str, str]]) -> list[bool]:
    """For each cited source: is it a gold item, or does it hold a key term of the question or of a gold item?

    A gold item stands for its ``GOLD_TERMS`` rarest key terms (those the corpus holds), so a
    criterion's competency that shares its topic counts, a passage about something else does not.
    """
    valid, _ = citations(a)
    asked = terms.terms(q.question)
    for code in q.codes:
        own = {s: w for s, w in terms.terms(texts[code][1]).items() if s in terms.df}
        asked.update(dict(sorted(own.items(), key=lambda kv: -kv[1])[:GOLD_TERMS]))
    by_rank = {s.rank: s for s in a.sources}
    out = []
    for rank in dict.fromkeys(valid):
        source = by_rank[rank]
        out.append(bool(set(q.codes) & set(source.codes)) or terms.holds_any(asked, source.text))
    return out


def score(q: EvalQuestion, a: Answer, terms: KeyTerms, texts: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    valid, invalid = citations(a)
    text = normalise(a.answer)
    mentions = [normalise(m) in text for m in q.must_mention]
    precise = cited_precision(q, a, terms, texts) if not a.refused else []
    return {
        "id": q.id,
        "type": q.type,
        "lang": q.lang,
        "split": q.split,
        "failure_class": q.failure_class,
        "cited": len(precise),
        "cited_on_topic": sum(precise),
        "in_scope": q.in_scope,
        "refused": a.refused,
        "has_valid_citation": bool(valid),
        "invalid_citations": len(invalid),
        "must_mention": sum(mentions) / len(mentions) if mentions else None,
        "kind": a.kind,
        "total_ms": a.timings_ms.get("total_ms", 0.0),
    }


def evaluate_answers(runtime: Any, questions: list[EvalQuestion], *, llm: bool = False) -> dict[str, Any]:
    """The answer figures; with ``llm``, through the configured model (same figures, plus the LLM's own)."""
    from assistant.answer.service import AnswerService

    service = AnswerService(runtime)
    terms = runtime.corpus.key_terms
    texts = item_texts(runtime.ref)
    answer = service.answer
    if llm:
        from assistant.answer.ask import Asker

        asker = Asker(runtime)
        if asker.llm is None:
            raise ValueError("eval --llm needs a configured model (JB_LLM, JB_LLM_BASE_URL)")
        answer = asker.answer
    answers = []
    for n, q in enumerate(questions, 1):
        if llm:  # minutes per run on a small local server: say where it is
            print(f"  [{n}/{len(questions)}] {q.id}", file=sys.stderr, flush=True)
        answers.append((q, answer(q.question, q.audience)))
    rows = [score(q, a, terms, texts) for q, a in answers]
    ins = [r for r in rows if r["in_scope"]]
    oos = [r for r in rows if not r["in_scope"]]
    mm = [r for r in ins if r["must_mention"] is not None]
    answered = [r for r in ins if not r["refused"]]
    summary = {
        "n": len(rows),
        "in_scope_with_valid_citation": sum(r["has_valid_citation"] for r in answered) / max(len(answered), 1),
        "invalid_citations_total": sum(r["invalid_citations"] for r in rows),
        "must_mention_coverage": sum(r["must_mention"] for r in mm) / max(len(mm), 1),
        "out_of_scope_refusal_rate": sum(r["refused"] for r in oos) / max(len(oos), 1),
        "false_refusal_rate": sum(r["refused"] for r in ins) / max(len(ins), 1),
        "refused_with_citations": sum(r["refused"] and r["has_valid_citation"] for r in rows),
        "citation_precision": sum(r["cited_on_topic"] for r in rows) / max(sum(r["cited"] for r in rows), 1),
    }
    if llm:
        summary.update(llm_figures([a for _, a in answers]))
    by_class: dict[str, dict[str, float]] = {}
    for cls in sorted({r["failure_class"] for r in rows if r["failure_class"]}):
        members = [r for r in rows if r["failure_class"] == cls]
        inside = [r for r in members if r["in_scope"]]
        outside = [r for r in members if not r["in_scope"]]
        by_class[str(cls)] = {
            "n": len(members),
            "answered_right": sum(not r["refused"] and (r["must_mention"] or 0) >= 1 for r in inside) / len(inside)
            if inside
            else float("nan"),
            "refused_right": sum(r["refused"] for r in outside) / len(outside) if outside else float("nan"),
        }
    for r in mm:
        r["mm"] = r["must_mention"]
    return {
        "summary": summary,
        "must_mention_by_type": group_mean(mm, "type", "mm"),
        "must_mention_by_lang": group_mean(mm, "lang", "mm"),
        "by_failure_class": by_class,
        "rows": rows,
    }


def llm_figures(answers: list[Any]) -> dict[str, Any]:
    """Fallback rate, per-call time and what was returned from the model, over answers made in LLM mode."""
    from assistant.safety.guard import prompt_fragments

    tried = [a for a in answers if a.kind == "llm" or any(w.startswith("llm_") for w in a.warnings)]
    fell_back = [a for a in tried if a.kind != "llm"]
    calls = [a.timings_ms["llm_ms"] for a in tried if "llm_ms" in a.timings_ms]
    walls = [a.timings_ms.get("total_ms", 0.0) for a in answers]  # the whole wait, fallback included

    shown = [" ".join(a.answer.split()).lower() for a in answers if a.kind == "llm"]
    reasons: dict[str, int] = {}
    for a in fell_back:
        for w in a.warnings:
            if w.startswith("llm_"):
                reasons[w] = reasons.get(w, 0) + 1
    return {
        "llm_answers_tried": len(tried),
        "llm_fallback_rate": len(fell_back) / max(len(tried), 1),
        "llm_fallback_reasons": reasons,
        "llm_call_ms_p50": percentile(calls, 0.5),
        "llm_call_ms_p95": percentile(calls, 0.95),
        "answer_ms_p50": percentile(walls, 0.5),
        "answer_ms_p95": percentile(walls, 0.95),
        "answer_ms_max": max(walls, default=0.0),
        "llm_prompt_echoes_returned": sum(any(f in text for f in prompt_fragments()) for text in shown),
    }


def format_answers(result: dict[str, Any]) -> str:
    s = result["summary"]
    mode = "through the configured LLM" if "llm_fallback_rate" in s else "offline"
    lines = [
        f"Answers — {s['n']} questions ({mode})",
        f"  in-scope answers with ≥1 valid citation  {s['in_scope_with_valid_citation']:.3f}",
        f"  citations pointing outside the sources    {s['invalid_citations_total']}",
        f"  must-mention coverage                     {s['must_mention_coverage']:.3f}",
        f"  out-of-scope refusal rate                 {s['out_of_scope_refusal_rate']:.3f}",
        f"  false refusal rate (in-scope refused)     {s['false_refusal_rate']:.3f}",
        f"  refusals carrying citations               {s['refused_with_citations']}",
        f"  citation precision (cited holds the ask)  {s['citation_precision']:.3f}",
    ]
    if "llm_fallback_rate" in s:
        lines += [
            f"  LLM answers tried / fallback rate         {s['llm_answers_tried']} / {s['llm_fallback_rate']:.3f}",
            f"  LLM call time p50 / p95                   {s['llm_call_ms_p50']:.0f} / {s['llm_call_ms_p95']:.0f} ms",
            f"  answer wall p50 / p95 / max               {s['answer_ms_p50']:.0f} / {s['answer_ms_p95']:.0f} / "
            f"{s['answer_ms_max']:.0f} ms",
            f"  prompt echoes returned to the user        {s['llm_prompt_echoes_returned']}",
            f"  fallback reasons                          {s['llm_fallback_reasons']}",
        ]
    for cls, row in result.get("by_failure_class", {}).items():
        lines.append(
            f"  failure class {cls}  n={int(row['n']):<3} in-scope fully answered {row['answered_right']:.3f}"
            f"  out-of-scope refused {row['refused_right']:.3f}"
        )
    for key in ("must_mention_by_type", "must_mention_by_lang"):
        for value, (mean, n) in result[key].items():
            lines.append(f"  {key.removeprefix('must_mention_')}={value:<13} n={n:<3} must-mention {mean:.3f}")
    weak = [r for r in result["rows"] if r["in_scope"] and (r["refused"] or (r["must_mention"] or 0) < 1)]
    if weak:
        lines.append(
            "  incomplete: "
            + ", ".join(f"{r['id']}({'refused' if r['refused'] else round(r['must_mention'], 2)})" for r in weak)
        )
    missed = [r["id"] for r in result["rows"] if not r["in_scope"] and not r["refused"]]
    if missed:
        lines.append("  out-of-scope answered: " + ", ".join(missed))
    return "\n".join(lines)
