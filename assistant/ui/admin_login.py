"""The Administration page's door: the stored admin password, the login form, the per-address guard.

The password is checked against ``JB_ADMIN_PASSWORD_HASH`` (or the ``admin_password_hash`` key of
``.streamlit/secrets.toml``), a salted scrypt hash made by ``jury-blanc admin-password``
(:mod:`assistant.safety.passwords`). The old unsalted SHA-256 (``JB_ADMIN_PASSWORD_SHA256`` /
``admin_password_sha256``), used only when no scrypt hash is set, opens the page once, with a warning to
replace it; that use is recorded in the data directory and the digest is refused ever after. With neither
set, the page only explains how to set one; a malformed value is named and the form is not shown.

Wrong passwords are counted per client address by the process-wide guard of
:mod:`assistant.serve.login_guard` (every session and tab of that address together): growing delays, then
lockouts; while a client waits, its attempts are refused without looking at the password.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from assistant.safety import passwords
from assistant.serve import login_guard

if TYPE_CHECKING:
    from collections.abc import Callable

    from assistant.settings import Settings

AUTH = "admin_authenticated"
LEGACY_LOGIN = "admin_legacy_login"
UNKNOWN_CLIENT = "inconnu"

NEW_HASH_HOW_TO = (
    "créez-en une nouvelle avec `jury-blanc admin-password` et définissez JB_ADMIN_PASSWORD_HASH "
    "(ou `admin_password_hash` dans `.streamlit/secrets.toml`), puis relancez l'application."
)
LEGACY_WARNING = (
    "Ce mot de passe est enregistré avec l'ancienne empreinte SHA-256 : créez-en une nouvelle avec "
    "`jury-blanc admin-password` et définissez JB_ADMIN_PASSWORD_HASH. Cette ancienne empreinte n'ouvrira "
    "plus la page Administration."
)
LEGACY_USED = (
    "L'ancienne empreinte SHA-256 du mot de passe administrateur a déjà servi une fois : elle n'ouvre plus "
    f"la page Administration. Pour la remplacer, {NEW_HASH_HOW_TO}"
)


@dataclass(frozen=True)
class StoredPassword:
    """The configured admin password hash, where it was read (named in messages), and its format."""

    value: str  # a scrypt PHC string, or the legacy SHA-256 hex digest (lower-case)
    source: str
    legacy: bool


def _secret(name: str) -> str | None:
    if not st.secrets.load_if_toml_exists():
        return None
    raw = st.secrets.get(name)
    return str(raw) if raw is not None else None


def _first_set(config: Settings) -> tuple[str, str, bool] | None:
    """(value, where it was read, legacy?) of the first admin password setting with a value."""
    candidates: list[tuple[Callable[[], str | None], str, bool]] = [
        (lambda: config.admin_password_hash, "JB_ADMIN_PASSWORD_HASH", False),
        (lambda: _secret("admin_password_hash"), "admin_password_hash (.streamlit/secrets.toml)", False),
        (lambda: config.admin_password_sha256, "JB_ADMIN_PASSWORD_SHA256", True),
        (lambda: _secret("admin_password_sha256"), "admin_password_sha256 (.streamlit/secrets.toml)", True),
    ]
    for read, source, legacy in candidates:
        value = (read() or "").strip()
        if value:
            return value, source, legacy
    return None


def expected_hash(config: Settings) -> StoredPassword | None:
    """The stored admin password: the scrypt hash first, else the legacy SHA-256 (each: environment, then
    ``.streamlit/secrets.toml``); None when none is set.

    Raises ``ValueError`` (French, naming the variable) when the value found is malformed.
    """
    found = _first_set(config)
    if found is None:
        return None
    value, source, legacy = found
    if legacy:
        if not passwords.is_legacy(value):
            raise ValueError(
                f"La page Administration reste fermée : {source} n'est pas une empreinte SHA-256 valide "
                f"(64 caractères hexadécimaux). Corrigez-la, ou mieux : {NEW_HASH_HOW_TO}"
            )
        return StoredPassword(passwords.legacy_digest(value), source, legacy=True)
    try:
        passwords.parse(value)
    except ValueError as exc:
        raise ValueError(
            f"La page Administration reste fermée : {source} n'est pas utilisable. {exc} Pour la remplacer, "
            f"{NEW_HASH_HOW_TO}"
        ) from exc
    return StoredPassword(value, source, legacy=False)


def _how_to() -> None:
    st.info(
        "La page Administration est verrouillée : aucun mot de passe n'est configuré.",
        icon=":material/lock:",
    )
    st.markdown(
        "Pour l'activer, créez l'empreinte du mot de passe choisi (scrypt, salée ; le mot de passe est "
        "demandé deux fois, sans s'afficher) :\n\n"
        "```bash\njury-blanc admin-password\n```\n\n"
        "puis définissez-la avant de lancer l'application, au choix :\n\n"
        "- variable d'environnement (ou fichier `.env`) : `JB_ADMIN_PASSWORD_HASH='<empreinte>'` "
        "(entre apostrophes : l'empreinte contient des `$`) ;\n"
        '- fichier `.streamlit/secrets.toml` : `admin_password_hash = "<empreinte>"`.\n\n'
        "Voir la section **Configuration** du README. Le mot de passe lui-même n'est jamais stocké."
    )


def _client_key() -> str:
    # The TCP peer's address. It is None for connections from localhost and unknown under AppTest (not even
    # a string there), and behind a reverse proxy every client shows the proxy's address: such clients all
    # share one counter, « inconnu » or the proxy's, so wrong passwords from one of them delay the others too.
    address = st.context.ip_address
    return address if isinstance(address, str) and address else UNKNOWN_CLIENT


def _wait_text(wait: float) -> str:
    seconds = max(math.ceil(wait), 1)
    delay = f"{math.ceil(seconds / 60)} min" if seconds >= 120 else f"{seconds} s"
    return f"Trop de tentatives depuis cette adresse. Réessayez dans {delay}."


def _login(stored: StoredPassword, config: Settings) -> None:
    if stored.legacy and login_guard.legacy_already_used(config.data_dir, stored.value):
        st.error(LEGACY_USED, icon=":material/lock:")  # no form: that digest opens nothing any more
        return
    with st.form("admin_login", clear_on_submit=True):
        password = st.text_input("Mot de passe administrateur", type="password")
        submitted = st.form_submit_button("Se connecter", type="primary")
    if not submitted:
        return
    guard = login_guard.shared_login_guard(config)
    # The guard refuses without verifying while this address must wait; its delays do the slowing down.
    outcome = guard.attempt(_client_key(), lambda: bool(password) and passwords.verify_password(password, stored.value))
    if outcome.wait > 0:
        st.error(_wait_text(outcome.wait), icon=":material/hourglass_empty:")
        return
    if not outcome.accepted:
        st.error("Mot de passe incorrect.", icon=":material/block:")
        return
    if stored.legacy:
        try:
            first = login_guard.claim_legacy_use(config.data_dir, stored.value)
        except OSError:
            st.error(
                "L'usage unique de l'ancienne empreinte SHA-256 n'a pas pu être enregistré dans le dossier de "
                f"données : connexion refusée. Pour y remédier, {NEW_HASH_HOW_TO}",
                icon=":material/error:",
            )
            return
        if not first:
            st.error(LEGACY_USED, icon=":material/lock:")
            return
    st.session_state[AUTH] = True
    st.session_state[LEGACY_LOGIN] = stored.legacy
    st.rerun()


def _logout() -> None:
    st.session_state[AUTH] = False


def gate(config: Settings) -> bool:
    """True when this session may see the Administration tabs; otherwise shows why not (how to set a password,
    a malformed one, the login form or its refusal) and returns False."""
    try:
        stored = expected_hash(config)
    except ValueError as exc:
        st.error(str(exc), icon=":material/error:")
        return False
    if stored is None:
        _how_to()
        return False
    if not st.session_state.get(AUTH):
        _login(stored, config)
        return False
    if st.session_state.get(LEGACY_LOGIN):
        st.warning(LEGACY_WARNING, icon=":material/warning:")
    st.button("Se déconnecter", icon=":material/logout:", on_click=_logout)
    return True
