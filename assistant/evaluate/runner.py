"""Run the dev-set evaluations and format their results."""

from __future__ import annotations

from typing import Any

EVAL_SETS = ("retrieval", "answers", "drafts", "redteam", "all")


def run_evals(which: str) -> tuple[dict[str, Any], str]:
    from assistant.evaluate.dataset import load_questions
    from assistant.runtime import build_runtime

    results: dict[str, Any] = {}
    texts: list[str] = []
    runtime = build_runtime()
    if which in ("retrieval", "all"):
        from assistant.evaluate.retrieval_eval import evaluate_retrieval, format_retrieval

        res = evaluate_retrieval(runtime.retriever, load_questions())
        results["retrieval"] = res
        texts.append(format_retrieval(res))
    if which in ("answers", "all"):
        from assistant.evaluate.answers_eval import evaluate_answers, format_answers

        res = evaluate_answers(runtime, load_questions())
        results["answers"] = res
        texts.append(format_answers(res))
    if which in ("drafts", "all"):
        from assistant.evaluate.drafts_eval import evaluate_drafts, format_drafts

        res = evaluate_drafts(runtime)
        results["drafts"] = res
        texts.append(format_drafts(res))
    if which in ("redteam", "all"):
        from assistant.evaluate.redteam_eval import evaluate_redteam, format_redteam

        res = evaluate_redteam(runtime)
        results["redteam"] = res
        texts.append(format_redteam(res))
    results["embedding_model"] = runtime.embedding.model_id
    return results, "\n\n".join(texts) + f"\n\n(embeddings: {runtime.embedding.model_id})"
