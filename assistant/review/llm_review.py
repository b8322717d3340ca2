"""LLM mode of the review: one structured call per criterion, then verification and a conservative merge.

The draft is passed as delimited data (injected instructions were already set aside); every quote the
model returns is checked against the passages it was given and dropped if not found; a "covered" with
no verified quote is downgraded; the model may move the offline verdict by one step at most, up only
with verified evidence (so a "covered" backed by quotes from the draft is doubted, never turned into
"missing" on a model's say-so). Provider failures fall back to the offline verdict for that criterion;
so do the criteria left once the review's deadline has expired. Each call is capped in tokens and goes
through the structured-output method the server accepts (``structured_call``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Literal

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from assistant.llm.bounds import Deadline
from assistant.llm.prompts import load_prompt
from assistant.pack import Criterion, Pack
from assistant.review.engine import DraftIndex
from assistant.review.models import STATUS_ORDER, CriterionVerdict, Evidence, Status
from assistant.review.quotes import shorten, verify_quote
from assistant.review.signals import Signals
from assistant.review.structured_call import Method, call_structured
from assistant.safety.guard import guard_output
from assistant.safety.injection import is_injection

log = logging.getLogger(__name__)
MAX_PASSAGES = 6
STATUSES: tuple[Status, Status, Status] = ("missing", "partial", "covered")


class CriterionJudgement(BaseModel):
    """What the model must return for one criterion."""

    # The descriptions reach the model (schema, tool or prompt): French, like the prompts.
    status: Literal["covered", "partial", "missing"]
    evidence_quotes: list[str] = Field(
        default_factory=list, description="citations copiées mot pour mot, chacune d'un seul extrait"
    )
    missing: list[str] = Field(default_factory=list, description="ce qui manque, en phrases courtes")
    advice: list[str] = Field(default_factory=list, description="conseils concrets, au vouvoiement")


@dataclass
class LLMRun:
    """One review's use of the model: its deadline, the calls made, the structured-output methods used.

    ``replies`` counts the calls the server answered, ``parsed`` the criteria whose structured call gave
    an object of the schema (before verification and merge), whatever the verdict then became.
    """

    deadline: Deadline
    calls: int = 0
    replies: int = 0
    parsed: int = 0
    methods: list[Method] = field(default_factory=list)

    @property
    def method(self) -> str | None:
        return ", ".join(dict.fromkeys(self.methods)) or None


class LLMReviewer:
    def __init__(self, model: BaseChatModel, label: str, pack: Pack, *, max_tokens: int, deadline_s: float) -> None:
        self.model = model
        self.label = label
        self.pack = pack
        self.max_tokens = max_tokens
        self.deadline_s = deadline_s
        self.signals = Signals(pack.vocab, pack.ref.codes())

    def start(self, started: float | None = None) -> LLMRun:
        """A new review: its deadline runs from ``started`` (a ``time.perf_counter()`` value; default: now)."""
        return LLMRun(Deadline(self.deadline_s) if started is None else Deadline(self.deadline_s, started))

    def passages_for(self, verdict: CriterionVerdict, index: DraftIndex, crit: Criterion) -> list[int]:
        """The offline engine's best passages for this criterion, then keyword hits on its text."""
        chosen: list[int] = []
        for result in verdict.attendus:
            for ev in result.evidence:
                for passage in index.draft.passages:
                    if verify_quote(ev.quote, [passage.text]) is not None and passage.id not in chosen:
                        chosen.append(passage.id)
                        break
        for pid, _ in index.keyword.search(crit.full_text, MAX_PASSAGES):
            if int(pid) not in chosen:
                chosen.append(int(pid))
        return chosen[:MAX_PASSAGES]

    def review(
        self, crit: Criterion, offline: CriterionVerdict, index: DraftIndex, run: LLMRun | None = None
    ) -> CriterionVerdict:
        """The model's verdict merged with the offline one; the offline one when the model fails or time is up."""
        run = run or self.start()
        if run.deadline.expired:
            return offline.model_copy(update={"source": "llm->timeout"})
        ids = self.passages_for(offline, index, crit)
        passages = [index.draft.passages[i] for i in ids]
        signals = "\n".join(f"- {a.label} : {a.status} ({a.reason})" for a in offline.attendus) or "- aucun"
        attendus = "\n".join(f"- {a.label} : {a.evidence}" for a in crit.attendus)
        excerpts = "\n\n".join(f"[extrait {n}] ({p.location})\n{p.text}" for n, p in enumerate(passages, 1))
        user = load_prompt("review_user.md").format(
            code=crit.code, evaluation=crit.evaluation, criterion=crit.full_text, attendus=attendus,
            signals=signals, passages=excerpts or "(aucun extrait pertinent)",
        )  # fmt: skip
        messages: list[BaseMessage] = [
            SystemMessage(content=load_prompt("review_system.md").format(headline=self.pack.headline)),
            HumanMessage(content=user),
        ]
        t0 = time.perf_counter()
        outcome = call_structured(
            self.model, CriterionJudgement, messages, max_tokens=self.max_tokens, deadline=run.deadline, label=crit.code
        )
        spent = {"llm_ms": round((time.perf_counter() - t0) * 1000, 1)}
        run.calls += outcome.calls
        run.replies += outcome.replies
        judgement = outcome.value
        if judgement is None:
            log.warning("LLM review failed on %s: %s %s", crit.code, outcome.failure, outcome.error)
            source = "llm->timeout" if outcome.failure == "deadline" else "llm->offline"
            return offline.model_copy(update={"source": source, **spent})
        run.parsed += 1
        if outcome.method is not None:
            run.methods.append(outcome.method)
        merged = merge(offline, judgement, passages_text=[p.text for p in passages],
                       locations=[p.location for p in passages], signals=self.signals)  # fmt: skip
        return merged.model_copy(update=spent)


def merge(offline: CriterionVerdict, judgement: CriterionJudgement, *, passages_text: list[str],
          locations: list[str], signals: Signals) -> CriterionVerdict:  # fmt: skip
    """Verify the model's quotes, downgrade unsupported claims, resolve disagreements conservatively."""
    verified: list[Evidence] = []
    for quote in judgement.evidence_quotes[:5]:
        where = verify_quote(quote, passages_text)
        # Evidence must be in the draft AND show something: a bare claim or an instruction is not evidence.
        if where is None or is_injection(quote) or signals.specifics(quote) < 1:
            continue
        if all(quote != e.quote for e in verified):
            verified.append(Evidence(quote=shorten(quote.strip()), location=locations[where]))
    status: Status = judgement.status
    if status == "covered" and not verified:
        status = "partial"
    offline_rank = STATUS_ORDER[offline.status]
    rank = STATUS_ORDER[status]
    if rank > offline_rank:
        # The model may lift the offline verdict by one step, and only with verified evidence.
        rank = offline_rank + 1 if verified else offline_rank
    elif rank < offline_rank - 1:
        # ... and lower it by one step: a verdict backed by quotes from the draft is doubted, not erased.
        rank = offline_rank - 1
    final: Status = STATUSES[rank]
    evidence = verified or offline.evidence
    if final == "covered" and not evidence:
        final = "partial"
    model_missing = [guard_output(m)[0] for m in judgement.missing[:3] if m.strip()]
    model_advice = [guard_output(a)[0] for a in judgement.advice[:3] if a.strip()]
    missing = list(dict.fromkeys([*offline.missing, *[m for m in model_missing if m.strip()]]))
    advice = list(dict.fromkeys([*[a for a in model_advice if a.strip()], *offline.advice]))
    return offline.model_copy(
        update={
            "status": final,
            "evidence": evidence if final != "missing" else offline.evidence,
            "missing": missing if final != "covered" else [],
            "advice": advice if final != "covered" else [],
            "source": "llm",
            "confidence": offline.confidence if final == offline.status else 0.6,
        }
    )
