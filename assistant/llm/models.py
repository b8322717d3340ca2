"""Optional chat model from configuration (`JB_LLM=provider:model`), never given tools.

Providers: ``ollama:<model>``, ``openai:<model>`` (any OpenAI-compatible server through
``JB_LLM_BASE_URL``), ``mistralai:<model>``. Construction makes no network call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from assistant.settings import Settings

if TYPE_CHECKING:  # the offline path never loads chat-model machinery
    from langchain_core.language_models.chat_models import BaseChatModel

PROVIDERS = ("ollama", "openai", "mistralai")


class LLMConfigError(ValueError):
    pass


def provider_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "the provider failed" (connection, timeout, HTTP error, bad output)."""
    errors: list[type[BaseException]] = [httpx.HTTPError, TimeoutError, ConnectionError, ValueError]
    try:
        import openai

        errors += [openai.APIError]
    except ImportError:  # pragma: no cover - openai ships with langchain-openai
        pass
    return tuple(errors)


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None when the assistant runs offline."""
    if not settings.llm:
        return None
    provider, _, model = settings.llm.partition(":")
    if provider not in PROVIDERS or not model:
        raise LLMConfigError(
            f"JB_LLM invalide : « {settings.llm} » (attendu : ollama:<modèle>, openai:<modèle> ou mistralai:<modèle>)"
        )
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"temperature": 0}
    # A request never outlives the overall deadline, and no retry multiplies the wait.
    timeout = min(settings.llm_timeout_s, settings.llm_deadline_s)
    if provider == "openai":
        kwargs.update(timeout=timeout, max_retries=0, api_key=settings.llm_api_key or "not-needed")
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
    elif provider == "ollama":
        kwargs["client_kwargs"] = {"timeout": timeout}
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
    else:
        kwargs.update(timeout=max(1, int(timeout)), max_retries=0, api_key=settings.llm_api_key or "not-needed")
        if settings.llm_base_url:
            kwargs["endpoint"] = settings.llm_base_url
    chat: BaseChatModel = init_chat_model(f"{provider}:{model}", **kwargs)
    return chat


def model_label(settings: Settings) -> str:
    return f"llm:{settings.llm}" if settings.llm else "extractive"
