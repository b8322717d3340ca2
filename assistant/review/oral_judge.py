"""An oral answer judged by the review engine: a short draft scoped to the attendus a question targets.

The answer goes through the same path as a draft (instruction blocks set aside, passages, keywords and
meaning, substance, echo of the référentiel), and its sentences are compared by meaning with the attendu's
sample answers (pack data: what a prepared candidate says, in other words and about other cases). Per
targeted attendu, what the engine measured becomes one feature row, and an ordinal model fitted on the
**tune** split of ``evals/oral`` (scripts/fit_oral_verdict.py) gives P(missing), P(partial), P(covered).
The evidence rule is the review's: "covered" needs a quote verified verbatim in the answer, and an answer
that mostly recites the référentiel shows nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.documents.text import load_text
from assistant.pack import Attendu, Criterion
from assistant.review.engine import AttenduJudgement, DraftIndex, ReviewEngine, best_quote, trigrams
from assistant.review.models import Status
from assistant.review.oral_models import AttenduFeedback
from assistant.review.passages import DraftText, Passage, build_passages
from assistant.review.quotes import verify_quote
from assistant.review.verdict import VerdictModel, load_verdict_model
from assistant.text.labels import FEEDBACK, SUBSTANCE
from assistant.text.sentences import split_sentences

ORAL_MODEL_FILE = Path("models") / "oral_verdict.json"
ORAL_FEATURES: tuple[str, ...] = (
    "rule_covered",
    "rule_partial",
    "relevance",
    "dense",
    "keywords",
    "answer_sim",
    "answer_sim_margin",
    "substance",
    "specifics",
    "echo",
    "answer_words",
    "foreign",
    "sample_sim",
)
WRITTEN_ONLY = frozenset({"structure", "lines"})
"""Substance a spoken answer cannot show (a table, enough rows): never asked of an answer in feedback."""
_BULLET = re.compile(r"^\s*([-*•–]|\d+[.)])\s+")


def normalise_answer(text: str) -> str:
    """Wrapped lines joined (a spoken answer is paragraphs); list items keep their own line."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        joined: list[str] = []
        for line in lines:
            if joined and not _BULLET.match(line):
                joined[-1] = f"{joined[-1]} {line}"
            else:
                joined.append(line)
        if joined:
            paragraphs.append("\n".join(joined))
    return "\n\n".join(paragraphs)


@dataclass
class AnswerIndex:
    """An answer read once for every attendu its question targets."""

    text: str
    draft: DraftText
    index: DraftIndex
    kinds: set[str]
    specifics: int
    named: bool
    """The answer names something (a brand, a tool, a person) outside the référentiel's vocabulary."""
    echo: float
    sims: dict[str, float]
    sample_sims: dict[str, float]
    """Per attendu: the closest meaning between a sentence of the answer and one of the attendu's sample answers."""

    @property
    def lang(self) -> str:
        return self.index.lang


@dataclass
class Measured:
    attendu: Attendu
    rule: Status
    """The engine's own status for the attendu (covered only with a verified quote)."""
    quote: str | None
    values: dict[str, float]


@dataclass
class Judged:
    attendu: Attendu
    feedback: AttenduFeedback
    features: dict[str, float]


class OralJudge:
    """Judges answers with the review engine's evidence and the pack's (or the house) oral model."""

    def __init__(self, engine: ReviewEngine, model: VerdictModel | None = None) -> None:
        self.engine = engine
        self.pack = engine.pack
        self.model = model or load_verdict_model(engine.pack.root, engine.settings.house_oral_model, ORAL_MODEL_FILE)
        self._given: dict[str, set[tuple[str, ...]]] = {}

    def given_grams(self, key: str) -> set[tuple[str, ...]]:
        """Word trigrams a candidate was handed: the référentiel's, and the pack's guidance and jury questions.

        Saying them back (the criterion, what the jury expects, the question itself) shows no work: a passage
        of an answer that mostly repeats them is an echo, as a draft's passage echoing the référentiel is.
        """
        if key not in self._given:
            grams = set(self.engine.echo_grams(key))
            for crit in self.engine.ref.criteria_of(key):
                for att in crit.attendus:
                    texts = [att.label, att.evidence, att.advice, *(q.fr for q in att.jury_questions)]
                    texts += [q.en for q in att.jury_questions]
                    texts += [self.pack.feedback.label(att, "en"), self.pack.feedback.advice(att, "en")]
                    for text in texts:
                        grams |= trigrams(text)
            self._given[key] = grams
        return self._given[key]

    def read(self, answer: str, key: str, crit: Criterion) -> AnswerIndex:
        engine = self.engine
        text = normalise_answer(answer)
        engine.prepare_attendus(key)
        draft = build_passages(load_text(text, name="réponse.txt")) if text else DraftText([], [], 0, [])
        index = engine.index(draft, key)
        given = self.given_grams(key)
        for fact, passage in zip(index.facts, draft.passages, strict=True):
            own = trigrams(passage.text)
            fact.echo = max(fact.echo, len(own & given) / len(own) if own else 0.0)
        kept = "\n\n".join(p.text for p in draft.passages)  # instruction blocks set aside are not evidence
        shown = engine.signals.shown(kept)
        common = engine.common_words(key)
        grams = trigrams(kept)
        sims: dict[str, float] = {}
        sample_sims: dict[str, float] = {}
        if engine.embedding is not None and kept:
            limit = engine.settings.dense_chars
            whole = kept[:limit]
            # Most answers are one passage, already embedded by the index with the same text: not embedded twice.
            only = draft.passages[0] if len(draft.passages) == 1 else None
            if only is not None and only.id in index.vectors and only.index_text[:limit] == whole:
                vector = index.vectors[only.id]
            else:
                vector = engine.embedding.embeddings.embed_documents([whole])[0]
            for att in crit.attendus:
                att_vector = engine.attendu_vector(att)
                if att_vector is not None:
                    sims[att.id] = sum(a * b for a, b in zip(att_vector, vector, strict=True))
            sentences = [s[:limit] for s in split_sentences(kept)]
            if sentences == [whole]:
                rows = np.asarray([vector], dtype=np.float64)
            else:
                rows = np.asarray(engine.embedding.embeddings.embed_documents(sentences or [whole]), dtype=np.float64)
            for att_id, samples in engine.sample_vectors(crit.attendus).items():
                sample_sims[att_id] = float((rows @ samples.T).max())
        return AnswerIndex(
            text=text,
            draft=draft,
            index=index,
            kinds=engine.signals.kinds_present(shown, False),
            specifics=engine.signals.specifics(shown, common),
            named=bool(engine.signals.names(shown, common)),
            echo=len(grams & given) / len(grams) if grams else 0.0,
            sims=sims,
            sample_sims=sample_sims,
        )

    def features(
        self, att: Attendu, read: AnswerIndex, judgement: AttenduJudgement, status: Status
    ) -> dict[str, float]:
        stems = set().union(*(f.stems for f in read.index.facts)) if read.index.facts else set()
        own = read.sims.get(att.id, 0.0)
        others = [v for k, v in read.sims.items() if k != att.id]
        return {
            "rule_covered": 1.0 if status == "covered" else 0.0,
            "rule_partial": 1.0 if status == "partial" else 0.0,
            "relevance": judgement.rel,
            "dense": judgement.dense,
            "keywords": self.engine.keyword_coverage(att, stems),
            "answer_sim": own,
            "answer_sim_margin": own - (sum(others) / len(others) if others else own),
            "substance": sum(k in read.kinds for k in att.substance) / len(att.substance),
            "specifics": math.log1p(read.specifics),
            "echo": read.echo,
            "answer_words": math.log1p(read.draft.words) / 10,
            "foreign": 1.0 if read.index.foreign else 0.0,
            "sample_sim": read.sample_sims.get(att.id, 0.0),
        }

    def measure(
        self, answer: str, key: str, crit: Criterion, attendu_ids: list[str]
    ) -> tuple[AnswerIndex, list[Measured]]:
        """What the engine finds in the answer for each targeted attendu of ``crit`` (no verdict yet)."""
        read = self.read(answer, key, crit)
        out: list[Measured] = []
        for att in (a for a in crit.attendus if a.id in attendu_ids):
            if not read.draft.passages:
                out.append(Measured(att, "missing", None, dict.fromkeys(ORAL_FEATURES, 0.0)))
                continue
            judgement = self.engine.judge_attendu(att, read.index)
            rule: Status = judgement.status
            quote = judgement.quote
            if not (quote and verify_quote(quote, read.draft.unit_texts) is not None):
                quote = None
                rule = "partial" if rule == "covered" else rule
            out.append(Measured(att, rule, quote, self.features(att, read, judgement, rule)))
        return read, out

    def judge(self, answer: str, key: str, crit: Criterion, attendu_ids: list[str]) -> tuple[AnswerIndex, list[Judged]]:
        """Verdicts for the targeted attendus of ``crit`` (the others are not asked about)."""
        if self.model is None:
            raise RuntimeError("no oral verdict model for this pack: run scripts/fit_oral_verdict.py")
        read, measured = self.measure(answer, key, crit, attendu_ids)
        embedder = self.engine.embedding.model_id if self.engine.embedding is not None else ""
        out: list[Judged] = []
        for m in measured:
            status, confidence = self.model.decide(m.values, embedder)
            if not read.draft.passages:
                status, confidence = "missing", 1.0  # nothing left to judge (empty, or only instructions)
            quote = m.quote
            if status != "missing" and quote is None:
                quote = self._best_sentence(m.attendu, read)
            if status == "covered" and quote is None:
                status = "partial"  # "covered" needs a verified quote, as in the review
            feedback = AttenduFeedback(
                id=m.attendu.id, label=self.pack.feedback.label(m.attendu, read.lang), status=status,
                confidence=round(confidence, 2), quotes=[quote] if quote and status != "missing" else [],
                reason=self._reason(m.attendu, read, status, m.values),
                wanted=self.pack.feedback.advice(m.attendu, read.lang),
            )  # fmt: skip
            out.append(Judged(m.attendu, feedback, m.values))
        return read, out

    def _best_sentence(self, att: Attendu, read: AnswerIndex) -> str | None:
        """The answer's sentence that best shows the attendu, verified verbatim."""
        best: str | None = None
        stems = self.engine.attendu_stems(att)
        for passage in read.draft.passages:
            quote = best_quote(Passage(passage.id, passage.text, passage.location, ""), att, stems, self.engine.signals)
            if quote and verify_quote(quote, read.draft.unit_texts) is not None:
                best = best or quote
        return best

    def _reason(self, att: Attendu, read: AnswerIndex, status: Status, values: dict[str, float]) -> str:
        say = FEEDBACK[read.lang]
        if status == "covered":
            return say["oral_covered"]
        if status == "missing":
            recital = values.get("echo", 0.0) >= self.engine.settings.echo_max
            return say["oral_recital"] if recital else say["oral_missing"]
        # A tool the pack's vocabulary does not list is still a named tool: never "without named tools" then.
        lacking = [
            k for k in att.substance
            if k not in read.kinds and k not in WRITTEN_ONLY and not (k == "tool" and read.named)
        ]  # fmt: skip
        if lacking:
            return say["oral_partial_without"].format(missing=", ".join(SUBSTANCE[read.lang][k] for k in lacking))
        return say["oral_partial"]
