"""Password hashes for the Administration page: scrypt with a per-password salt, PHC-style strings.

A hash reads ``$scrypt$ln=15,r=8,p=1$<salt>$<key>``: ``ln`` is log2 of scrypt's cost N, ``r`` its block
size, ``p`` its parallelism; salt (16 random bytes) and key (32 bytes) are base64 without padding. The
parameters are bounded (and so is the memory and work they imply), so a hostile or mistyped
configuration cannot make the server allocate gigabytes or spin for minutes on one login.

The old format, a bare SHA-256 hex digest of the password (no salt), is still recognised
(:func:`is_legacy`) so an existing installation can log in while it moves to the new one.
Every comparison goes through :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from hmac import compare_digest

SCHEME = "scrypt"
DEFAULT_LN = 15  # N = 32768: about 0.1 s and 32 MiB per verification on a small server
DEFAULT_R = 8
DEFAULT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
LN_RANGE = (10, 20)
R_RANGE = (1, 16)
P_RANGE = (1, 4)
SALT_RANGE = (8, 64)  # bytes accepted in a stored hash
KEY_RANGE = (16, 64)
MAX_MEMORY = 256 * 1024 * 1024  # bytes scrypt's main array (128·r·N) may take
MAX_WORK = 16 * (1 << DEFAULT_LN) * DEFAULT_R  # p·r·N: at most 16 times the default cost

_PHC = re.compile(r"\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)")
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class ScryptHash:
    """A parsed scrypt hash: cost parameters, salt and derived key."""

    ln: int
    r: int
    p: int
    salt: bytes
    key: bytes

    def derive(self, password: str) -> bytes:
        """The key this hash's salt and parameters derive from ``password``."""
        return _scrypt(password, ln=self.ln, r=self.r, p=self.p, salt=self.salt, size=len(self.key))

    def encode(self) -> str:
        return f"${SCHEME}$ln={self.ln},r={self.r},p={self.p}${_b64(self.salt)}${_b64(self.key)}"


def _scrypt(password: str, *, ln: int, r: int, p: int, salt: bytes, size: int) -> bytes:
    n = 1 << ln
    maxmem = 2 * 128 * r * n  # twice scrypt's main array: room enough for its other buffers
    return hashlib.scrypt(_encode(password), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=size)


def _encode(password: str) -> bytes:
    """Password bytes: UTF-8 of the NFC form, so a composed and a decomposed « é » are one password."""
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str, what: str) -> bytes:
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data or _b64(data) != text:
        raise ValueError(f"Empreinte de mot de passe mal formée : {what} n'est pas en base64 sans remplissage.")
    return data


def _check_bounds(ln: int, r: int, p: int, salt: bytes, key: bytes) -> None:
    checks = [
        (LN_RANGE, ln, "ln"),
        (R_RANGE, r, "r"),
        (P_RANGE, p, "p"),
        (SALT_RANGE, len(salt), "la taille du sel (octets)"),
        (KEY_RANGE, len(key), "la taille de la clé (octets)"),
    ]
    for (low, high), value, name in checks:
        if not low <= value <= high:
            raise ValueError(
                f"Empreinte de mot de passe refusée : {name} vaut {value}, hors des bornes admises ({low} à {high})."
            )
    if ln >= 16 * r:  # scrypt needs N < 2**(16·r)
        raise ValueError(f"Empreinte de mot de passe refusée : ln={ln} est trop grand pour r={r} (scrypt).")
    if 128 * r * (1 << ln) > MAX_MEMORY:
        raise ValueError(
            f"Empreinte de mot de passe refusée : ln={ln} et r={r} demanderaient plus de "
            f"{MAX_MEMORY // (1024 * 1024)} Mo de mémoire par vérification."
        )
    if p * r * (1 << ln) > MAX_WORK:
        raise ValueError(
            f"Empreinte de mot de passe refusée : ln={ln}, r={r} et p={p} rendraient chaque vérification "
            "beaucoup trop lente."
        )


def parse(stored: str) -> ScryptHash:
    """Read a ``$scrypt$…`` string; ``ValueError`` (French message) when malformed or out of bounds."""
    match = _PHC.fullmatch(stored.strip())
    if match is None:
        raise ValueError(
            "Empreinte de mot de passe mal formée : attendu « $scrypt$ln=…,r=…,p=…$<sel>$<clé> », "
            "tel que l'écrit `jury-blanc admin-password`."
        )
    ln, r, p = (int(match.group(i)) for i in (1, 2, 3))
    salt = _unb64(match.group(4), "le sel")
    key = _unb64(match.group(5), "la clé")
    _check_bounds(ln, r, p, salt, key)
    return ScryptHash(ln=ln, r=r, p=p, salt=salt, key=key)


def hash_password(password: str, *, ln: int = DEFAULT_LN) -> str:
    """A new PHC string for ``password`` with a fresh random salt (two calls never give the same string)."""
    salt = secrets.token_bytes(SALT_BYTES)
    _check_bounds(ln, DEFAULT_R, DEFAULT_P, salt, bytes(KEY_BYTES))
    key = _scrypt(password, ln=ln, r=DEFAULT_R, p=DEFAULT_P, salt=salt, size=KEY_BYTES)
    return ScryptHash(ln=ln, r=DEFAULT_R, p=DEFAULT_P, salt=salt, key=key).encode()


def is_legacy(stored: str) -> bool:
    """True for the old format: a bare SHA-256 hex digest (64 hexadecimal characters)."""
    return bool(_HEX64.fullmatch(stored.strip()))


def legacy_digest(stored: str) -> str:
    """The legacy digest in its canonical form (trimmed, lower-case)."""
    return stored.strip().lower()


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (a PHC scrypt string, or a legacy SHA-256 hex digest).

    The legacy digest is of the raw UTF-8 bytes, as it was made. Raises ``ValueError`` when ``stored`` is
    neither format.
    """
    if is_legacy(stored):
        digest = hashlib.sha256(password.encode("utf-8")).hexdigest()
        return compare_digest(digest, legacy_digest(stored))
    parsed = parse(stored)
    return compare_digest(parsed.derive(password), parsed.key)
