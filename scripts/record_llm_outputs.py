"""Record what a real model writes for our answer prompts, as fixtures for the clean-or-discard rules.

Sends the exact answer messages of `LLMAnswerer` (system prompt + sources block + question) for a few
dev questions to the configured OpenAI-compatible server, capped like a real answer, and writes each
raw output with its sources text to tests/fixtures/llm_outputs/<n>.json. `tests/test_llm_outputs.py`
then checks that whatever the model wrote, what the user would see is clean or discarded. Fixtures
written by hand (``"origin": "hand-written: …"``) are never overwritten: recordings skip their numbers.

Usage: JB_LLM=openai:gemma3-270m JB_LLM_BASE_URL=http://127.0.0.1:8766/v1 JB_LLM_API_KEY=none \
       python scripts/record_llm_outputs.py [--n 8]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.answer.ask import Asker
from assistant.answer.sources import SourceBook
from assistant.evaluate.dataset import load_questions
from assistant.llm.bounds import capped
from assistant.runtime import build_runtime

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "llm_outputs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8)
    args = parser.parse_args()
    runtime = build_runtime()
    asker = Asker(runtime)
    assert asker.llm is not None, "set JB_LLM and JB_LLM_BASE_URL"
    questions = [q for q in load_questions() if q.in_scope][:: max(1, 200 // args.n)][: args.n]
    OUT.mkdir(parents=True, exist_ok=True)
    hand_written = {
        path.name
        for path in OUT.glob("*.json")
        if str(json.loads(path.read_text(encoding="utf-8")).get("origin", "")).startswith("hand-written")
    }
    free = (n for n in range(1, 1000) if f"{n:02d}.json" not in hand_written)
    for q in questions:
        p = asker.service.prepare(q.question, q.audience)
        if not p.scope.in_scope or not p.hits:
            continue
        book = SourceBook()
        messages = asker.llm._messages(p, book)
        model = capped(asker.llm.model, runtime.settings.llm_max_tokens)
        raw = str(model.invoke(messages).content)
        record = {
            "origin": f"recorded: scripts/record_llm_outputs.py, {runtime.settings.llm}",
            "question": q.question,
            "lang": p.lang,
            "ranks": [s.rank for s in book.sources],
            "sources_text": "\n".join(s.text for s in book.sources),
            "output": raw,
        }
        number = next(free)
        (OUT / f"{number:02d}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        print(number, q.question[:60], "->", raw[:80].replace("\n", " "))


if __name__ == "__main__":
    main()
