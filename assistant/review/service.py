"""Check a draft against the criteria of its evaluation: the `check` command and the app call this."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.documents import DocumentError, LoadedDocument, LoadLimits, load_document_isolated, sanitize_filename
from assistant.index.embeddings import EmbeddingChoice
from assistant.index.shipped import shipped_first
from assistant.pack import Pack, Referentiel, load_pack
from assistant.review.engine import ReviewEngine
from assistant.review.models import CriterionVerdict, Report, ReviewWarning
from assistant.review.passages import build_passages
from assistant.review.vector_cache import cache_file
from assistant.safety.injection import injection_spans
from assistant.settings import ReviewSettings, Settings

if TYPE_CHECKING:  # the offline path never imports the chat-model machinery
    from langchain_core.language_models.chat_models import BaseChatModel

    from assistant.review.llm_review import LLMReviewer


class ReviewInputError(ValueError):
    """The evaluation key or the draft cannot be reviewed (French message for the user)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Reviewer:
    pack: Pack
    engine: ReviewEngine
    limits: LoadLimits
    settings: ReviewSettings
    llm: LLMReviewer | None = None

    @property
    def ref(self) -> Referentiel:
        return self.pack.ref

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        embedding: EmbeddingChoice | None,
        *,
        pack: Pack | None = None,
        model: BaseChatModel | None = None,
        model_label: str = "llm",
    ) -> Reviewer:
        """The one way to build a reviewer: the pack, limits and thresholds come from ``settings``."""
        pack = pack or load_pack(settings.corpus_dir)
        review = settings.review
        llm = None
        if model is not None:  # the chat-model machinery loads only when a model is configured
            from assistant.review.llm_review import LLMReviewer

            llm = LLMReviewer(model, model_label, pack, max_tokens=settings.llm_review_max_tokens,
                              deadline_s=settings.llm_review_deadline_s)  # fmt: skip
        limits = LoadLimits(max_bytes=settings.max_upload_mb * 1024 * 1024, max_chars=review.max_draft_chars)
        engine = ReviewEngine(pack, embedding, review)
        if embedding is not None:
            engine.vector_cache = cache_file(settings.data_dir / "cache", pack, embedding.model_id)
            engine.sample_embeddings = shipped_first(settings, embedding, pack.root)
        return cls(pack, engine, limits, review, llm)

    def check_key(self, key: str) -> str:
        keys = self.ref.evaluation_keys

        def squash(text: str) -> str:
            return text.strip().lower().replace(" ", "").replace("-", "").replace("option", "opt")

        normalised = {squash(k): k for k in keys}
        found = normalised.get(squash(key))
        if found is None:
            raise ReviewInputError(
                "unknown_evaluation", f"Évaluation inconnue : « {key} ». Évaluations possibles : {', '.join(keys)}."
            )
        return found

    def load(self, source: Path | bytes, filename: str | None = None) -> LoadedDocument:
        """Parse an untrusted draft (PDF/DOCX in a killable, memory-capped child process)."""
        return load_document_isolated(source, filename=filename, limits=self.limits)

    def review(self, doc: LoadedDocument, key: str, *, file_label: str | None = None) -> Report:
        started = time.perf_counter()
        key = self.check_key(key)
        timings: dict[str, float] = {}
        draft = build_passages(doc)
        # Too little text is judged on what was uploaded: a draft that is mostly instructions is still
        # reviewed (every criterion it does not show is missing) and its instructions are reported.
        if draft.words + draft.set_aside_words < self.settings.min_words:
            raise ReviewInputError(
                "little_text",
                f"Le document « {doc.name} » contient trop peu de texte ({draft.words} mots) pour être vérifié. "
                "Déposez votre livrable complet (texte sélectionnable, pas une image).",
            )
        warnings: list[ReviewWarning] = [ReviewWarning(code=w.code, message=w.message) for w in doc.warnings]
        if draft.words < self.settings.short_words:
            warnings.append(ReviewWarning(code="little_text", message=(
                f"Le document est très court ({draft.words} mots) : l'avis ne porte que sur ce texte et reste partiel."
            )))  # fmt: skip
        hidden = " ".join(w.detail or "" for w in doc.warnings if w.code == "hidden_text")
        injections = draft.injections + injection_spans(hidden)
        if injections:
            shown = " | ".join(f"« {s[:160]} »" for s in injections[:3])
            warnings.append(ReviewWarning(code="prompt_injection", message=(
                "Le document contient des instructions adressées à l'assistant ; elles ont été ignorées et "
                f"n'influencent aucun avis : {shown}"
            )))  # fmt: skip
        t0 = time.perf_counter()
        self.engine.prepare_attendus(key)
        timings["attendus_ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        index = self.engine.index(draft, key)
        timings["embedding_ms"] = (time.perf_counter() - t0) * 1000
        timings["passage_embedding_ms"] = index.embed_ms
        t0 = time.perf_counter()
        verdicts = [self.engine.judge_criterion(crit, index) for crit in self.ref.criteria_of(key)]
        timings["judging_ms"] = (time.perf_counter() - t0) * 1000
        mode = "offline"
        llm_method = None
        if self.llm is not None:
            t0 = time.perf_counter()
            run = self.llm.start(started)  # one deadline for the whole review, every criterion included
            pairs = zip(self.ref.criteria_of(key), verdicts, strict=True)
            verdicts = [self.llm.review(c, v, index, run) for c, v in pairs]
            timings["llm_ms"] = (time.perf_counter() - t0) * 1000
            timings["llm_calls"] = run.calls
            timings["llm_replies"] = run.replies  # calls the server answered
            timings["llm_parsed"] = run.parsed  # criteria given a structured judgement by the model
            mode = self.llm.label
            llm_method = run.method
            fallen = [v.code for v in verdicts if v.source == "llm->offline"]
            if fallen:
                warnings.append(ReviewWarning(code="llm_fallback", message=(
                    "Le modèle de langage n'a pas donné d'avis exploitable pour " + ", ".join(fallen)
                    + " : ces critères ont reçu l'avis hors ligne."
                )))  # fmt: skip
            late = [v.code for v in verdicts if v.source == "llm->timeout"]
            if late:
                warnings.append(ReviewWarning(code="llm_timeout", message=(
                    f"Le modèle de langage n'a pas terminé la relecture dans le délai de {self.llm.deadline_s:g} s : "
                    + ", ".join(late) + " ont reçu l'avis hors ligne."
                )))  # fmt: skip
        mismatch = self._mismatch(index, key)
        if mismatch:
            warnings.append(mismatch)
            # In a document about something else, partial matches are incidental (a dashboard's
            # euros are not a budget): only criteria with real, verified evidence keep a status.
            verdicts = [_demote_partial(v) for v in verdicts]
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        return Report(
            file=file_label or doc.name,
            evaluation=key,
            evaluation_title=f"{self.ref.bloc(self.ref.evaluation(key).bloc).label} : {self.pack.display_title(key)}",
            criteria=verdicts,
            warnings=warnings,
            mode=mode,
            llm_method=llm_method,
            timings_ms={k: round(v, 1) for k, v in timings.items()},
        )

    def _mismatch(self, index: object, key: str) -> ReviewWarning | None:
        from assistant.review.engine import DraftIndex

        assert isinstance(index, DraftIndex)
        fits = {k: self.engine.evaluation_fit(index, k) for k in self.ref.evaluation_keys}
        declared = fits[key]
        best = max(fits.values())
        if best - declared < self.settings.mismatch_gap:
            return None
        # Name every evaluation about as close as the best one (an e-commerce dashboard fits two of them).
        likely = sorted((k for k in fits if k != key and fits[k] >= best - 0.05), key=lambda k: -fits[k])
        names = " ou ".join(f"{k} ({self.pack.display_title(k)})" for k in likely[:2])  # whole, accented titles
        return ReviewWarning(code="evaluation_mismatch", message=(
            f"Ce document ressemble davantage à un livrable de l'évaluation {names} qu'à un livrable de {key}. "
            f"Vérifiez l'évaluation choisie : les critères de {key} sont jugés tels quels."
        ))  # fmt: skip


def _demote_partial(verdict: CriterionVerdict) -> CriterionVerdict:
    if verdict.status != "partial":
        return verdict
    note = "Le document semble porter sur une autre évaluation : les éléments trouvés ne répondent pas à ce critère."
    # The attendus list follows: what was found stays listed, as not answering this criterion.
    attendus = [a.model_copy(update={"status": "missing", "evidence": []}) for a in verdict.attendus]
    missing = [note, *(a.label for a in attendus)]
    update = {"status": "missing", "confidence": 0.6, "evidence": [], "missing": missing, "attendus": attendus}
    return verdict.model_copy(update=update)


def check_file(reviewer: Reviewer, path: Path, key: str) -> Report:
    """Validate the key first (cheap), then load and review. Raises DocumentError / ReviewInputError."""
    reviewer.check_key(key)
    doc = reviewer.load(path)
    return reviewer.review(doc, key, file_label=sanitize_filename(path.name))


__all__ = ["DocumentError", "ReviewInputError", "Reviewer", "check_file"]
