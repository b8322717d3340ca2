"""A mock-jury session: which question comes next, judging each answer, and the summary.

The questions are the pack's (``jury_questions`` of each attendu). With a checked draft the session
starts with the criteria it left missing, then partial, and a question quotes the draft's own words
where the review found them; without a draft it covers every criterion in the référentiel's order.
An answer that leaves a targeted attendu partial brings one follow-up question on it (quoting the
answer). A rephrasing hook (the LLM path) may reword a question; the target and the verdict never move.
The session is plain memory: nothing is written anywhere.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.pack import Attendu, Criterion
from assistant.pack.courses import sheets_for
from assistant.review.models import STATUS_ORDER, AttenduResult, Report, SheetRef, Status
from assistant.review.oral_judge import OralJudge, normalise_answer
from assistant.review.oral_models import CriterionSummary, OralQuestion, OralReport, OralTurn, QuestionKind
from assistant.review.quotes import shorten
from assistant.review.service import ReviewInputError
from assistant.text.labels import FEEDBACK

Rephrase = Callable[[OralQuestion], str | None]
CLAIM_CHARS = 200
_LIST_MARKER = re.compile(r"^\s*(?:[-*•–▪◦]|\d{1,2}[.)])\s+")


class OralInputError(ReviewInputError):
    """The answer cannot be judged, or the session is over (``code`` and a French ``message`` for the user)."""


@dataclass
class Planned:
    criterion: Criterion
    attendu: Attendu
    kind: QuestionKind = "question"
    claim: str | None = None


@dataclass
class OralSession:
    judge: OralJudge
    key: str
    lang: str = "fr"
    report: Report | None = None
    rephrase: Rephrase | None = None
    turns: list[OralTurn] = field(default_factory=list)
    queue: list[Planned] = field(default_factory=list)
    followed: set[str] = field(default_factory=set)
    current: OralQuestion | None = None

    def __post_init__(self) -> None:
        self.queue = plan(self.judge, self.key, self.report)
        self._ask_next()

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def remaining(self) -> int:
        """Questions still planned after the current one (follow-ups may add some)."""
        return len(self.queue)

    def _ask_next(self) -> None:
        if not self.queue:
            self.current = None
            return
        planned = self.queue.pop(0)
        self.current = self._question(planned, len(self.turns) + 1)

    def _question(self, planned: Planned, number: int) -> OralQuestion:
        att = planned.attendu
        say = FEEDBACK[self.lang]
        pool = att.jury_questions
        if pool:
            chosen = pool[1] if planned.kind == "follow_up" and len(pool) > 1 else pool[0]
            template = chosen.en if self.lang == "en" else chosen.fr
        else:  # a pack without jury questions: the attendu itself, asked plainly
            template = say["oral_generic_question"].format(label=self.judge.pack.feedback.label(att, self.lang))
        text = template
        if planned.claim:
            lead = "oral_follow_up_claim" if planned.kind == "follow_up" else "oral_claim"
            text = say[lead].format(claim=planned.claim, question=template)
        question = OralQuestion(
            number=number, criterion=planned.criterion.code, attendus=[att.id], text=text, template=template,
            kind=planned.kind, claim=planned.claim, seconds=self.judge.pack.vocab.oral.seconds(self.key),
        )  # fmt: skip
        if self.rephrase is not None:
            reworded = self.rephrase(question)
            if reworded:
                question = question.model_copy(update={"text": reworded, "rephrased": True})
        return question

    def answer(self, text: str, *, seconds_taken: float | None = None) -> OralTurn:
        """Judge the answer to the current question, plan a follow-up if needed, ask the next one."""
        if self.current is None:
            raise OralInputError("finished", FEEDBACK[self.lang]["oral_finished"])
        if not normalise_answer(text):
            raise OralInputError("empty_answer", FEEDBACK[self.lang]["oral_empty"])
        question = self.current
        crit = self.judge.engine.ref.criterion(question.criterion)
        started = time.perf_counter()
        read, judged = self.judge.judge(text, self.key, crit, question.attendus)
        feedback_ms = (time.perf_counter() - started) * 1000
        sheets = [
            SheetRef(slug=s.slug, title=s.title, path=s.path) for s in sheets_for(crit.code, self.judge.pack.root)
        ]
        turn = OralTurn(
            question=question, answer=read.text, attendus=[j.feedback for j in judged], sheets=sheets,
            ignored=read.draft.injections, seconds_taken=seconds_taken, feedback_ms=round(feedback_ms, 1),
        )  # fmt: skip
        self.turns.append(turn)
        for j in judged:
            if j.feedback.status == "partial" and j.attendu.id not in self.followed:
                self.followed.add(j.attendu.id)
                claim = _claim(j.feedback.quotes[0]) if j.feedback.quotes else None
                self.queue.insert(0, Planned(crit, j.attendu, "follow_up", claim))
        self._ask_next()
        return turn

    def stop(self) -> None:
        """End the session now (the candidate stops; the summary covers what was asked)."""
        self.current = None
        self.queue = []

    def summary(self) -> OralReport:
        return summarise(self)


def _claim(quote: str) -> str:
    """A quote as a jury reads it out: one line (a table or list excerpt gives its fullest row, its cells
    separated by semicolons), short (cut at a word, marked « … »), without closing punctuation."""
    line = max((row for row in quote.split("\n") if row.strip()), key=len, default=quote)
    line = _LIST_MARKER.sub("", line)  # « • le compte Instagram… » is read out without its bullet
    text = " ; ".join(cell.strip() for cell in line.split(" | ") if cell.strip())
    short = shorten(" ".join(text.split()), CLAIM_CHARS).rstrip(" .;:,")
    return short if len(short) >= len(text.rstrip(" .;:,")) else f"{short} …"


def _weakest(crit: Criterion, results: dict[str, AttenduResult]) -> Attendu:
    """The criterion's first attendu with the weakest review status (an attendu not reviewed counts as partial)."""
    return min(crit.attendus, key=lambda att: STATUS_ORDER[results[att.id].status] if att.id in results else 1)


def plan(judge: OralJudge, key: str, report: Report | None) -> list[Planned]:
    """One question per criterion: with a draft, weakest criteria first and its own words quoted."""
    criteria = judge.engine.ref.criteria_of(key)
    if report is None or report.evaluation != key:
        return [Planned(c, c.attendus[0]) for c in criteria if c.attendus]
    verdicts = {v.code: v for v in report.criteria}
    planned: list[tuple[int, int, Planned]] = []
    for order, crit in enumerate(criteria):
        if not crit.attendus:
            continue
        verdict = verdicts.get(crit.code)
        if verdict is None:
            planned.append((1, order, Planned(crit, crit.attendus[0])))
            continue
        results = {r.id: r for r in verdict.attendus}
        att = _weakest(crit, results)
        result = results.get(att.id)
        quotes = [e.quote for e in result.evidence] if result else []  # the attendu's own evidence, never another's
        claim = _claim(quotes[0]) if quotes else None
        planned.append((STATUS_ORDER[verdict.status], order, Planned(crit, att, "question", claim)))
    return [p for _, _, p in sorted(planned, key=lambda t: (t[0], t[1]))]


def summarise(session: OralSession) -> OralReport:
    """Per criterion asked: the best verdict each attendu reached, the weakest of those, and the advice."""
    judge = session.judge
    ref = judge.engine.ref
    by_code: dict[str, dict[str, Status]] = {}
    asked: dict[str, int] = {}
    advice: dict[str, list[str]] = {}
    for turn in session.turns:
        code = turn.question.criterion
        asked[code] = asked.get(code, 0) + 1
        best = by_code.setdefault(code, {})
        for fb in turn.attendus:
            if fb.id not in best or STATUS_ORDER[fb.status] > STATUS_ORDER[best[fb.id]]:
                best[fb.id] = fb.status
    for turn in session.turns:
        for fb in turn.attendus:
            tips = advice.setdefault(turn.question.criterion, [])
            if by_code[turn.question.criterion][fb.id] != "covered" and fb.wanted not in tips:
                tips.append(fb.wanted)
    order = {c.code: i for i, c in enumerate(ref.criteria_of(session.key))}
    summary = [
        CriterionSummary(
            code=code,
            status=min(statuses.values(), key=lambda s: STATUS_ORDER[s]),
            attendus=statuses,
            questions=asked[code],
            advice=advice.get(code, []),
        )
        for code, statuses in sorted(by_code.items(), key=lambda kv: order.get(kv[0], 0))
    ]
    weak = sorted((s for s in summary if s.status != "covered"), key=lambda s: (STATUS_ORDER[s.status], order[s.code]))
    evaluation = ref.evaluation(session.key)
    title = f"{ref.bloc(evaluation.bloc).label} : {judge.pack.display_title(session.key)}"
    draft = session.report.file if session.report is not None and session.report.evaluation == session.key else None
    return OralReport(
        evaluation=session.key, evaluation_title=title, lang=session.lang, from_draft=draft, turns=session.turns,
        summary=summary, rehearse_first=[s.code for s in weak],
        mode="llm" if any(t.question.rephrased for t in session.turns) else "offline",
        disclaimer=FEEDBACK[session.lang]["oral_disclaimer"],
    )  # fmt: skip
