"""Run the dev-set evaluations of the configured pack and format their results."""

from __future__ import annotations

from typing import Any, Literal, get_args

EvalSet = Literal["retrieval", "answers", "answerability", "drafts", "oral", "redteam", "all"]
EVAL_SETS: tuple[str, ...] = get_args(EvalSet)
Split = Literal["tune", "test", "all"]
SPLITS: tuple[str, ...] = get_args(Split)


def run_evals(
    which: str, split: str = "tune", *, llm: bool = False, sample: int = 0, question_set: str = "dev"
) -> tuple[dict[str, Any], str]:
    """Run ``which`` on the questions of ``split`` (tune: the thresholds are set on it; test: held out).

    ``question_set``: ``dev`` (the pack's questions.yaml) or ``realworld`` (questions harvested from public
    pages); ambiguous questions are kept in the file but not scored.
    """
    from assistant.evaluate.dataset import dev_sets_dir, load_questions, spread
    from assistant.runtime import build_runtime

    results: dict[str, Any] = {}
    texts: list[str] = []
    runtime = build_runtime()
    evals_dir = dev_sets_dir(runtime.settings)
    in_split = [q for q in load_questions(evals_dir, question_set) if split == "all" or q.split == split]
    questions = [q for q in in_split if q.scored]
    questions = spread(questions, lambda q: (q.type, q.lang), sample)  # stratified by type and language
    header = f"Split: {split}"
    if which not in ("drafts", "oral"):
        header += f" ({len(questions)} {question_set} questions"
        header += f", {len(in_split) - len(questions)} ambiguous not scored)" if len(in_split) > len(questions) else ")"
    texts.append(header)
    results["split"] = split
    results["question_set"] = question_set
    if which in ("retrieval", "all"):
        from assistant.evaluate.retrieval_eval import evaluate_retrieval, format_retrieval

        res = evaluate_retrieval(runtime.retriever, questions)
        results["retrieval"] = res
        texts.append(format_retrieval(res))
    if which in ("answers", "all"):
        from assistant.evaluate.answers_eval import evaluate_answers, format_answers

        res = evaluate_answers(runtime, questions, llm=llm)
        results["answers"] = res
        texts.append(format_answers(res))
        from assistant.evaluate.baseline import format_baseline, nearest_neighbour_refusals

        # The yardstick: 1-NN over the dev questions the evaluated ones are not drawn from.
        dev = load_questions(evals_dir)
        train = [q for q in dev if q.split == "tune"] if question_set == "dev" else dev
        base = nearest_neighbour_refusals(runtime.embedding.embeddings, train, questions)
        results["baseline_1nn"] = base
        texts.append(format_baseline(base, "dev tune" if question_set == "dev" else "dev"))
    if which == "answerability":  # the fitted model's calibration (not in "all": it needs the pack's model)
        from assistant.evaluate.answerability_eval import evaluate_answerability, format_calibration

        res = evaluate_answerability(runtime, questions)
        results["answerability"] = res
        texts.append(format_calibration(res, f"Answerability model ({question_set}, {split})"))
    if which in ("drafts", "all"):
        from assistant.evaluate.drafts_eval import evaluate_drafts, format_drafts

        res = evaluate_drafts(runtime, evals_dir, split, llm=llm, sample=sample)
        results["drafts"] = res
        texts.append(format_drafts(res))
    has_oral = (evals_dir / "oral" / "answers.yaml").is_file()
    if which == "oral" or (which == "all" and has_oral):
        from assistant.evaluate.oral_eval import evaluate_oral, format_oral

        res = evaluate_oral(runtime, evals_dir, split)
        results["oral"] = res
        texts.append(format_oral(res))
    has_redteam = (evals_dir / "redteam" / "payloads.yaml").is_file()
    if which == "redteam" or (which == "all" and has_redteam):
        from assistant.evaluate.redteam_eval import evaluate_redteam, format_redteam

        res = evaluate_redteam(runtime, evals_dir)
        results["redteam"] = res
        texts.append(format_redteam(res))
    elif which == "all":
        texts.append(f"Red team — skipped: {evals_dir / 'redteam'} holds no payloads.yaml")
    results["embedding_model"] = runtime.embedding.model_id
    results["evals_dir"] = str(evals_dir)
    return results, "\n\n".join(texts) + f"\n\n(embeddings: {runtime.embedding.model_id}; dev sets: {evals_dir})"
