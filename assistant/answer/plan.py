"""Plan, then compose: every decision taken before an answer is written, made once and from meaning.

:class:`Planner` turns a question (and the conversation before it) into a frozen :class:`Plan`:

- **the intent**, from the question's nearest exemplar questions in the embedding space (the pack's
  ``routes.yaml``); the follow-up intents count only when there is a previous question;
- **the items it targets**: the codes the pack's parser reads (a strong signal), or, for a follow-up
  without codes of its own, the codes of the question it continues;
- **the language**;
- **whether it is a follow-up**: only when the router says the question is an elliptical continuation
  (« et le CR8 ? », « et ses attendus ? »). A self-contained question never inherits anything;
- **answerability**, as the calibrated probability of the pack's fitted model (see
  :mod:`assistant.answer.answerability`), with the reason of the decision.

The question is embedded once: the same query vector routes it and retrieves its evidence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from assistant.answer.answerability import AnswerabilityModel, feature_row, load_model
from assistant.answer.models import Audience
from assistant.answer.router import make_router
from assistant.retrieve.hybrid import Hit
from assistant.retrieve.intents import IntentDecision, IntentRouter
from assistant.runtime import Runtime
from assistant.text.language import Lang, detect_language

HISTORY_TURNS = 3  # user turns looked back through for the items a follow-up continues


@dataclass(frozen=True)
class Plan:
    """What the answer will be, decided before a word of it is written."""

    asked: str  # the question as the user typed it
    question: str  # what is answered: the asked question, or the previous one and this follow-up together
    intent: str  # the composer that writes the answer (an intent id of routes.yaml, or "refusal")
    routed: str  # the intent the router chose (before answerability had its say)
    targets: tuple[str, ...]  # item codes the answer is about (may be empty: a topic, a list, a refusal)
    lang: Lang
    follow_up: bool
    answerable: float  # calibrated P(our documents answer the question)
    refuse: bool
    reason: str  # why it is answered or refused, for logs and reports
    alternatives: tuple[tuple[str, float], ...] = ()  # the best intents with their posterior


@dataclass
class Prepared:
    """A plan with its evidence: shared by the offline composers and the LLM answerer."""

    plan: Plan
    audience: Audience
    hits: list[Hit] = field(default_factory=list)
    vector: list[float] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what the answer must report (e.g. a discarded rewrite)

    @property
    def question(self) -> str:
        return self.plan.question

    @property
    def lang(self) -> Lang:
        return self.plan.lang


class Planner:
    """Plans questions against one runtime (its pack's routes, its index, its embedder)."""

    def __init__(self, runtime: Runtime, router: IntentRouter, model: AnswerabilityModel | None) -> None:
        self.rt = runtime
        self.router = router
        self.model = model
        routes = router.routes
        self.follow_ups = routes.follow_ups
        self.refusing = routes.refusing
        self.threshold = runtime.settings.answer.min_answerable

    @classmethod
    def for_runtime(cls, runtime: Runtime, router: IntentRouter | None = None) -> Planner:
        """The planner of a runtime: the pack's router (built here unless given) and fitted model, if any."""
        model = load_model(runtime.settings.corpus_dir, runtime.embedding.model_id)
        return cls(runtime, router or make_router(runtime), model)

    # ---- pieces ------------------------------------------------------------------------------
    def codes(self, text: str) -> list[str]:
        known = self.rt.ref.codes()
        return [c for c in self.rt.pack.codes.find(text) if c in known]

    def _previous(self, history: list[tuple[str, str]]) -> tuple[str, list[str]]:
        """The last user question, and the codes the conversation was about (looking a few turns back)."""
        asked = [text for role, text in history if role == "user"][-HISTORY_TURNS:]
        for text in reversed(asked):
            if codes := self.codes(text):
                return asked[-1], codes
        return (asked[-1] if asked else ""), []

    def _embed(self, text: str) -> list[float]:
        return list(self.rt.embedding.embeddings.embed_query(text))

    def _retrieve(self, question: str, vector: list[float],
                  routing: list[float] | None = None) -> tuple[IntentDecision, list[Hit], float]:  # fmt: skip
        """Route the question (by ``routing``, the vector of what the intent is read from, when it differs), then
        retrieve its passages where its intent says the answer lives (course sheets lose the référentiel's
        authority prior for a methodology question). Also the dense cosine of the closest passage."""
        decision = self.router.route(routing or vector, exclude=self.follow_ups)
        from_courses = self.router.routes.intent(decision.intent).evidence == "courses"
        hits, similarity = self.rt.retriever.search_scored(question, k=self.rt.settings.top_k, vector=vector,
                                                           course_weight=1.0 if from_courses else None)  # fmt: skip
        return decision, hits, similarity

    def features(self, question: str) -> dict[str, float]:
        """The answerability features of a standalone question, computed exactly as :meth:`prepare` does (the
        fitting script and the calibration report use this)."""
        decision, hits, similarity = self._retrieve(question, self._embed(question))
        return feature_row(self.rt, question, decision, similarity, hits)

    def _answerability(self, question: str, decision: IntentDecision, similarity: float,
                       hits: list[Hit]) -> tuple[float, str]:  # fmt: skip
        if self.model is None:  # no model fitted for this embedder: the router's refusing mass alone
            return 1.0 - decision.refuse_mass, "router (no answerability model for this embedder)"
        return self.model.probability(feature_row(self.rt, question, decision, similarity, hits)), "model"

    # ---- the plan ------------------------------------------------------------------------------
    def prepare(self, asked: str, audience: Audience = "candidate",
                history: list[tuple[str, str]] | None = None) -> Prepared:  # fmt: skip
        """Plan ``asked`` and retrieve its evidence (one query embedding; a follow-up adds the embedding of both
        questions, and of itself with the items it is about)."""
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        vector = self._embed(asked)
        question, follow_up, targets = asked, False, self.codes(asked)
        routing: list[float] | None = None
        if history:
            first = self.router.route(vector)
            if sum(first.posterior[i] for i in self.follow_ups) >= self.rt.settings.routing.follow_up:
                previous, inherited = self._previous(history)
                if previous:
                    # The intent is read from both questions (« Comment se déroule l'E3 ? » + « et pour l'E4 ? »);
                    # the evidence is that of the items it is about, or of both questions when it names none.
                    follow_up = True
                    routing = self._embed(f"{previous} {asked}")
                    targets = targets or inherited
                    question = f"{asked} ({' '.join(targets)})" if targets else f"{previous} {asked}"
                    vector = self._embed(question) if targets else routing
        timings["plan_ms"] = (time.perf_counter() - t0) * 1000
        t1 = time.perf_counter()
        decision, hits, similarity = self._retrieve(question, vector, routing)
        timings["retrieval_ms"] = (time.perf_counter() - t1) * 1000
        answerable, source = self._answerability(question, decision, similarity, hits)
        intent, refuse, reason = self._decide(decision, answerable, source)
        plan = Plan(
            asked=asked,
            question=question,
            intent=intent,
            routed=decision.intent,
            targets=tuple(targets),
            lang=detect_language(asked),
            follow_up=follow_up,
            answerable=round(answerable, 4),
            refuse=refuse,
            reason=reason,
            alternatives=tuple((i, round(p, 4)) for i, p in decision.ranked()[:3]),
        )
        return Prepared(plan, audience, hits=hits, vector=vector, timings=timings)

    def _decide(self, decision: IntentDecision, answerable: float, source: str) -> tuple[str, bool, str]:
        """(composer intent, refused, reason). School facts go to the school file whatever the documents
        hold; otherwise the calibrated probability decides, and an answerable question the router sent to
        a refusing family is answered by its best in-scope intent."""
        p = f"P(answerable) {answerable:.2f} ({source}), threshold {self.threshold:.2f}"
        if decision.intent == "school_fact":
            return "school_fact", False, f"school fact; {p}"
        if answerable < self.threshold:
            return "refusal", True, f"intent {decision.intent}; {p}"
        if decision.intent in self.refusing:
            in_scope = [i for i, _ in decision.ranked() if i not in self.refusing and i not in self.follow_ups]
            return in_scope[0], False, f"router chose {decision.intent}, but {p}"
        return decision.intent, False, p
