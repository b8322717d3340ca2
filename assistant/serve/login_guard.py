"""Attempt limiting for the Administration login, shared by every session and tab of the process.

A browser session is no unit of trust: a new tab starts a new one. The guard counts wrong passwords
per client key (the connection's address) in one process-wide object:

- after the n-th consecutive failure the next attempt waits ``delay_s · 2**(n-1)`` seconds;
- after ``max_failures`` failures the client is locked out for ``lockout_s``, doubled at each further
  lockout, at most :data:`LOCKOUT_CAP_S` (or ``lockout_s`` if longer); then a new series of growing
  delays starts;
- while a client waits, its attempts are refused before the password is even looked at;
- a client quiet for :data:`WINDOW_S` after its last failure, or its last wait, whichever ends later, is
  forgotten, and a success forgets it at once;
- at most :data:`MAX_KEYS` clients are remembered (the least recently seen go first).

Checking also reserves the attempt: until its outcome is recorded (or ``delay_s`` passes), the same client
waits, so a burst of parallel submissions cannot all slip through before the first failure is counted.

The counts live in memory: a restart forgets them, and two server processes count apart.

This module also keeps the « accepted once » record of the legacy SHA-256 admin digest
(:func:`claim_legacy_use`).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assistant.settings import Settings, get_settings

WINDOW_S = 15 * 60.0
LOCKOUT_CAP_S = 3600.0
MAX_KEYS = 10_000
LEGACY_RECORD = Path("admin") / "legacy-sha256-used.json"


@dataclass
class _Client:
    failures: int = 0  # consecutive failures in the current series
    lockouts: int = 0  # lockouts served since the client was last forgotten
    last_failure: float = 0.0
    allowed_at: float = 0.0  # no attempt before this time


@dataclass(frozen=True)
class Attempt:
    """Outcome of one login attempt: ``accepted``, or refused (``wait`` > 0: not even checked)."""

    accepted: bool
    wait: float = 0.0


class LoginGuard:
    """Thread-safe counts of failed logins per client key, with growing delays and lockouts."""

    def __init__(
        self,
        *,
        max_failures: int = 5,
        delay_s: float = 1.0,
        lockout_s: float = 300.0,
        lockout_cap_s: float = LOCKOUT_CAP_S,
        window_s: float = WINDOW_S,
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.delay_s = delay_s
        self.lockout_s = lockout_s
        self.lockout_cap_s = max(lockout_cap_s, lockout_s)
        self.window_s = window_s
        self.max_keys = max_keys
        self._clock = clock
        self._clients: OrderedDict[str, _Client] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginGuard:
        serve = settings.serve
        return cls(max_failures=serve.login_max_failures, delay_s=serve.login_delay_s, lockout_s=serve.login_lockout_s)

    def __len__(self) -> int:
        with self._lock:
            return len(self._clients)

    def _current(self, key: str, now: float) -> _Client | None:
        """The client's record, or None once it is forgotten (quiet for the window after its last wait)."""
        client = self._clients.get(key)
        if client is not None and now - max(client.last_failure, client.allowed_at) >= self.window_s:
            del self._clients[key]
            return None
        return client

    def _remember(self, key: str, client: _Client) -> None:
        self._clients[key] = client
        self._clients.move_to_end(key)
        while len(self._clients) > self.max_keys:
            self._clients.popitem(last=False)

    def check(self, key: str) -> float:
        """Seconds ``key`` must still wait (0.0: it may try now, and this attempt is reserved)."""
        with self._lock:
            now = self._clock()
            client = self._current(key, now) or _Client()
            wait = client.allowed_at - now
            if wait > 0:
                return wait
            client.allowed_at = now + self.delay_s  # reserved until failure() or success() says how it went
            self._remember(key, client)
            return 0.0

    def failure(self, key: str) -> None:
        """Record a wrong password from ``key``: a growing delay, then a lockout."""
        with self._lock:
            now = self._clock()
            client = self._current(key, now) or _Client()
            client.failures += 1
            client.last_failure = now
            if client.failures >= self.max_failures:
                client.lockouts += 1
                client.failures = 0
                wait = self.lockout_s * 2.0 ** min(client.lockouts - 1, 32)
            else:
                wait = self.delay_s * 2.0 ** min(client.failures - 1, 32)
            client.allowed_at = now + min(wait, self.lockout_cap_s)
            self._remember(key, client)

    def success(self, key: str) -> None:
        """Forget ``key``: a right password ends its series of failures and lockouts."""
        with self._lock:
            self._clients.pop(key, None)

    def attempt(self, key: str, verify: Callable[[], bool]) -> Attempt:
        """One login attempt: refused unchecked while ``key`` must wait, else ``verify()`` decides and is recorded.

        An exception from ``verify`` counts as a failure.
        """
        wait = self.check(key)
        if wait > 0:
            return Attempt(accepted=False, wait=wait)
        accepted = False
        try:
            accepted = verify()
        finally:
            if accepted:
                self.success(key)
            else:
                self.failure(key)
        return Attempt(accepted=accepted)


_shared: LoginGuard | None = None
_shared_lock = threading.Lock()


def shared_login_guard(settings: Settings | None = None) -> LoginGuard:
    """This process's guard, created on first use from ``settings.serve`` (default: :func:`get_settings`)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = LoginGuard.from_settings(settings or get_settings())
        return _shared


def reset_shared_login_guard(guard: LoginGuard | None = None) -> None:
    """Replace this process's guard (tests inject one with a fake clock); None = rebuilt on next use."""
    global _shared
    with _shared_lock:
        _shared = guard


# ---- legacy SHA-256 digest: accepted for one login -------------------------------------------------------

_legacy_lock = threading.Lock()


def legacy_record_path(data_dir: Path) -> Path:
    return data_dir / LEGACY_RECORD


def _fingerprint(digest: str) -> str:
    """What the record keeps of a legacy digest: its own SHA-256, never the digest (nor the password)."""
    return hashlib.sha256(digest.strip().lower().encode("ascii")).hexdigest()


def _read_used(path: Path) -> dict[str, str]:
    """Fingerprint -> time of use; raises OSError or ValueError when the record cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    used = data.get("used", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in used.items()} if isinstance(used, dict) else {}


def legacy_already_used(data_dir: Path, digest: str) -> bool:
    """Whether the legacy ``digest`` has already opened the Administration page once."""
    path = legacy_record_path(data_dir)
    try:
        return _fingerprint(digest) in _read_used(path)
    except (OSError, ValueError):
        return True  # an unreadable record must not reopen the legacy door


def claim_legacy_use(data_dir: Path, digest: str) -> bool:
    """Record the one login the legacy ``digest`` allows: True the first time, False ever after.

    The record (``<data_dir>/admin/legacy-sha256-used.json``) maps the SHA-256 of each used digest to the
    time of its use; it is rewritten atomically (temporary file, then rename). An unreadable record counts
    as « used »; an OSError while writing it propagates (the login must then be refused).
    """
    path = legacy_record_path(data_dir)
    fingerprint = _fingerprint(digest)
    with _legacy_lock:
        try:
            used = _read_used(path)
        except (OSError, ValueError):
            return False
        if fingerprint in used:
            return False
        used[fingerprint] = datetime.now(UTC).isoformat(timespec="seconds")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"used": used}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return True
