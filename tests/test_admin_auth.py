"""The Administration login resists guessing: scrypt hashes, a process-wide attempt guard, the legacy digest once.

The AppTest cases reuse ``app_env``, ``open_app`` and ``login`` from test_app.py (this module gets its own
copy of the environment) and install a shared guard driven by a fake clock.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import test_app
from conftest import make_settings
from streamlit.testing.v1 import AppTest
from test_app import ADMIN_PAGE, PASSWORD, AppEnv, _clear_settings, admin_hash, login, open_app
from typer.testing import CliRunner

from assistant.cli import app
from assistant.safety import passwords
from assistant.safety.passwords import hash_password, is_legacy, parse, verify_password
from assistant.serve import login_guard
from assistant.serve.login_guard import LoginGuard, claim_legacy_use, legacy_already_used, reset_shared_login_guard
from assistant.settings import ServeSettings

app_env = test_app.app_env  # test_app.py's environment fixture; this module gets its own copy

LOW = 10  # lowest accepted cost: fast tests
PHC = re.compile(r"\$scrypt\$ln=(\d+),r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}")
LEGACY_PASSWORD = "ancien-mot-de-passe"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def phc(ln: object = 15, r: object = 8, p: object = 1, salt: bytes = b"s" * 16, key: bytes = b"k" * 32) -> str:
    return f"$scrypt$ln={ln},r={r},p={p}${b64(salt)}${b64(key)}"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# ---- passwords: format, salt, bounds ---------------------------------------------------------


def test_hash_round_trip_and_format() -> None:
    stored = hash_password("correct horse", ln=LOW)
    assert PHC.fullmatch(stored) and stored.startswith("$scrypt$ln=10,r=8,p=1$"), stored
    parsed = parse(stored)
    assert (parsed.ln, parsed.r, parsed.p, len(parsed.salt), len(parsed.key)) == (LOW, 8, 1, 16, 32)
    assert parsed.encode() == stored
    assert verify_password("correct horse", stored)
    assert verify_password("correct horse", f"  {stored}\n")  # pasted with blanks
    assert not verify_password("correct horsE", stored)
    assert not verify_password("", stored)
    assert not is_legacy(stored)


def test_the_default_cost_is_ln_15() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("$scrypt$ln=15,r=8,p=1$") and verify_password("correct horse", stored)


def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    first, second = hash_password("même mot", ln=LOW), hash_password("même mot", ln=LOW)
    assert first != second and parse(first).salt != parse(second).salt
    assert verify_password("même mot", first) and verify_password("même mot", second)


def test_composed_and_decomposed_accents_are_one_password() -> None:
    stored = hash_password("café crème", ln=LOW)
    assert verify_password(unicodedata.normalize("NFD", "café crème"), stored)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "mot de passe",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$a2V5",
        "$scrypt$ln=15,r=8,p=1$" + b64(b"s" * 16),  # no key
        phc() + "=",  # padding
        phc().replace("$scrypt$", "$scrypt$$"),
        "$scrypt$r=8,ln=15,p=1$" + phc().split("$", 3)[3],  # parameters out of order
        phc(ln="-1"),
        phc(salt=b"s" * 16).replace(b64(b"s" * 16), "c2Fs*"),  # not base64
        phc(ln=9),  # below the bounds
        phc(ln=21),
        phc(ln=99),
        phc(r=0),
        phc(r=17),
        phc(p=0),
        phc(p=5),
        phc(ln=19, r=8),  # 512 MiB: over the memory bound
        phc(ln=17, r=16, p=4),  # memory at the bound, but 32 times the default work
        phc(ln=16, r=1),  # scrypt needs N < 2**(16·r)
        phc(salt=b"s" * 4),  # salt too short
        phc(key=b"k" * 8),  # key too short
        "a" * 63,  # nearly a SHA-256
    ],
)
def test_malformed_or_out_of_bounds_hashes_raise_in_french(stored: str) -> None:
    with pytest.raises(ValueError, match="Empreinte de mot de passe"):
        parse(stored)
    with pytest.raises(ValueError, match="Empreinte de mot de passe"):
        verify_password("x", stored)


def test_hash_password_refuses_a_cost_outside_the_bounds() -> None:
    with pytest.raises(ValueError, match="hors des bornes"):
        hash_password("correct horse", ln=9)


def test_the_legacy_sha256_is_still_recognised() -> None:
    digest = sha256_hex("s3cret")
    assert is_legacy(digest) and is_legacy(f" {digest.upper()} ")
    assert verify_password("s3cret", digest.upper())
    assert not verify_password("S3cret", digest)


def test_compare_digest_decides_for_both_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = hash_password("le bon", ln=LOW)
    legacy = sha256_hex("le bon").upper()
    calls: list[tuple[object, object]] = []

    def fake(answer: bool) -> Callable[[object, object], bool]:
        def compare(a: object, b: object) -> bool:
            calls.append((a, b))
            return answer

        return compare

    monkeypatch.setattr(passwords, "compare_digest", fake(True))
    assert verify_password("le mauvais", stored) and verify_password("le mauvais", legacy)
    monkeypatch.setattr(passwords, "compare_digest", fake(False))
    assert not verify_password("le bon", stored) and not verify_password("le bon", legacy)
    assert len(calls) == 4
    derived, key = calls[0]
    assert isinstance(derived, bytes) and key == parse(stored).key and derived != key
    assert calls[1] == (sha256_hex("le mauvais"), legacy.lower())
    assert calls[2] == (parse(stored).key, parse(stored).key)  # the right password derives the stored key
    assert calls[3] == (sha256_hex("le bon"), legacy.lower())


# ---- the guard, with a fake clock ------------------------------------------------------------


def test_each_failure_doubles_the_wait_then_a_lockout() -> None:
    clock = FakeClock()
    guard = LoginGuard(clock=clock)
    for n in range(1, 5):
        assert guard.check("1.2.3.4") == 0.0
        guard.failure("1.2.3.4")
        assert guard.check("1.2.3.4") == pytest.approx(2 ** (n - 1))
        clock.advance(2 ** (n - 1))
    assert guard.check("1.2.3.4") == 0.0
    guard.failure("1.2.3.4")  # the fifth
    assert guard.check("1.2.3.4") == pytest.approx(300)
    assert guard.check("5.6.7.8") == 0.0  # other addresses are not concerned
    clock.advance(299)
    assert guard.check("1.2.3.4") == pytest.approx(1)
    clock.advance(1)
    assert guard.check("1.2.3.4") == 0.0


def test_lockouts_double_up_to_the_cap() -> None:
    clock = FakeClock()
    guard = LoginGuard(max_failures=2, delay_s=1, lockout_s=1000, lockout_cap_s=3600, clock=clock)
    for expected in (1000, 2000, 3600, 3600):
        assert guard.check("k") == 0.0
        guard.failure("k")
        clock.advance(1)
        assert guard.check("k") == 0.0
        guard.failure("k")
        assert guard.check("k") == pytest.approx(expected)
        clock.advance(expected)


def test_a_refused_attempt_neither_verifies_nor_counts() -> None:
    clock = FakeClock()
    guard = LoginGuard(clock=clock)
    verified: list[str] = []

    def verify(right: bool) -> Callable[[], bool]:
        def run() -> bool:
            verified.append("checked")
            return right

        return run

    for n in range(5):
        clock.advance(2**n)
        assert guard.attempt("k", verify(False)) == login_guard.Attempt(accepted=False)
    assert len(verified) == 5
    refused = guard.attempt("k", verify(True))  # the right password, during the lockout
    assert not refused.accepted and refused.wait == pytest.approx(300)
    assert len(verified) == 5
    assert guard.check("k") == pytest.approx(300)  # the refusal did not extend the lockout
    clock.advance(300)
    assert guard.attempt("k", verify(True)).accepted


def test_success_resets_the_client() -> None:
    clock = FakeClock()
    guard = LoginGuard(clock=clock)
    for n in range(3):
        guard.failure("k")
        clock.advance(2**n)
    assert guard.attempt("k", lambda: True).accepted
    assert guard.check("k") == 0.0
    guard.failure("k")
    assert guard.check("k") == pytest.approx(1)  # a new series starts at the first delay


def test_failures_are_forgotten_after_the_window_but_not_during_a_lockout() -> None:
    clock = FakeClock()
    guard = LoginGuard(clock=clock)
    for _ in range(4):
        guard.failure("k")
    clock.advance(login_guard.WINDOW_S + 8)
    guard.failure("k")  # would be the fifth: a lockout, had the others not expired
    assert guard.check("k") == pytest.approx(1)

    long = LoginGuard(max_failures=2, lockout_s=2 * login_guard.WINDOW_S, clock=clock)
    long.failure("k")
    long.failure("k")
    clock.advance(login_guard.WINDOW_S + 60)
    assert long.check("k") == pytest.approx(login_guard.WINDOW_S - 60)  # the lockout still holds
    clock.advance(login_guard.WINDOW_S)
    long.failure("k")  # after the lockout, inside the window: the next lockout doubles
    long.failure("k")
    assert long.check("k") == pytest.approx(min(4 * login_guard.WINDOW_S, login_guard.LOCKOUT_CAP_S))


def test_memory_is_bounded_oldest_first() -> None:
    guard = LoginGuard(max_keys=3, clock=FakeClock())
    for i in range(5):
        guard.failure(f"10.0.0.{i}")
    assert len(guard) == 3
    assert guard.check("10.0.0.0") == 0.0 and guard.check("10.0.0.1") == 0.0  # dropped
    assert guard.check("10.0.0.4") > 0


def test_a_burst_of_parallel_attempts_checks_one_password() -> None:
    guard = LoginGuard(delay_s=60)
    start = threading.Barrier(20)
    verified: list[int] = []

    def slow_wrong() -> bool:
        verified.append(1)
        time.sleep(0.05)
        return False

    def run() -> None:
        start.wait()
        guard.attempt("k", slow_wrong)

    threads = [threading.Thread(target=run) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(verified) == 1


def test_the_shared_guard_takes_its_numbers_from_the_settings(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, serve=ServeSettings(login_max_failures=2, login_delay_s=0.5, login_lockout_s=42))
    reset_shared_login_guard()
    try:
        guard = login_guard.shared_login_guard(settings)
        assert (guard.max_failures, guard.delay_s, guard.lockout_s) == (2, 0.5, 42)
        assert login_guard.shared_login_guard() is guard
    finally:
        reset_shared_login_guard()


# ---- legacy digest: once ---------------------------------------------------------------------


def test_a_legacy_digest_is_claimed_once_and_never_stored(tmp_path: Path) -> None:
    digest = sha256_hex(LEGACY_PASSWORD)
    assert not legacy_already_used(tmp_path, digest)
    assert claim_legacy_use(tmp_path, digest.upper())
    assert legacy_already_used(tmp_path, digest)
    assert not claim_legacy_use(tmp_path, digest)
    assert claim_legacy_use(tmp_path, sha256_hex("un autre"))  # another digest has its own use
    record = login_guard.legacy_record_path(tmp_path)
    text = record.read_text(encoding="utf-8")
    assert LEGACY_PASSWORD not in text and digest not in text
    assert sha256_hex(digest) in json.loads(text)["used"]
    assert not list(record.parent.glob("*.tmp"))
    record.write_text("{pas du json", encoding="utf-8")  # unreadable: the door stays shut
    assert legacy_already_used(tmp_path, sha256_hex("encore un autre"))
    assert not claim_legacy_use(tmp_path, sha256_hex("encore un autre"))


# ---- the page, driven by AppTest ------------------------------------------------------------


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    """The process-wide guard, replaced by a fresh one on a fake clock for the test."""
    fake = FakeClock()
    reset_shared_login_guard(LoginGuard(clock=fake))
    yield fake
    reset_shared_login_guard()


@pytest.fixture
def configure(app_env: AppEnv) -> Iterator[Callable[..., None]]:
    """Set or unset (None) JB_ variables for one test; settings are re-read, and restored afterwards."""
    with pytest.MonkeyPatch.context() as patch:

        def apply(**env: str | None) -> None:
            for name, value in env.items():
                if value is None:
                    patch.delenv(name, raising=False)
                else:
                    patch.setenv(name, value)
            _clear_settings()

        yield apply
    _clear_settings()


@pytest.fixture
def legacy_record(app_env: AppEnv) -> Iterator[Path]:
    record = login_guard.legacy_record_path(app_env.data_dir)
    record.unlink(missing_ok=True)
    yield record
    record.unlink(missing_ok=True)


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def logged_in(at: AppTest) -> bool:
    return bool(at.tabs) and "Se déconnecter" in [b.label for b in at.button]


def test_a_new_session_does_not_reset_the_count(
    clock: FakeClock, configure: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(JB_ADMIN_PASSWORD_HASH=admin_hash(), JB_ADMIN_PASSWORD_SHA256=None)
    checked: list[str] = []
    real_verify = passwords.verify_password

    def counting_verify(password: str, stored: str) -> bool:
        checked.append(password)
        return real_verify(password, stored)

    monkeypatch.setattr(passwords, "verify_password", counting_verify)
    at = open_app(ADMIN_PAGE)
    login(at, "mauvais 1")
    assert errors(at) == ["Mot de passe incorrect."]
    login(at, PASSWORD)  # too soon after a failure: refused unchecked
    assert errors(at) == ["Trop de tentatives depuis cette adresse. Réessayez dans 1 s."]
    assert not logged_in(at) and checked == ["mauvais 1"]
    for n in range(2, 6):
        clock.advance(2 ** (n - 2))
        login(at, f"mauvais {n}")
        assert errors(at) == ["Mot de passe incorrect."], n
    assert len(checked) == 5

    clock.advance(10)
    other = login(open_app(ADMIN_PAGE), PASSWORD)  # a new session (a new tab), the right password
    assert errors(other) == ["Trop de tentatives depuis cette adresse. Réessayez dans 5 min."]
    assert not logged_in(other) and len(checked) == 5  # not even checked

    clock.advance(290)
    assert logged_in(login(other, PASSWORD))
    assert not other.warning  # a scrypt hash: no legacy warning


def test_a_malformed_hash_is_named_and_the_form_hidden(configure: Callable[..., None]) -> None:
    configure(JB_ADMIN_PASSWORD_HASH=phc(ln=30), JB_ADMIN_PASSWORD_SHA256=sha256_hex(PASSWORD))
    at = open_app(ADMIN_PAGE)
    assert len(at.error) == 1 and "JB_ADMIN_PASSWORD_HASH" in at.error[0].value
    assert "jury-blanc admin-password" in at.error[0].value
    assert not at.text_input
    configure(JB_ADMIN_PASSWORD_HASH=None, JB_ADMIN_PASSWORD_SHA256="abc")
    at = open_app(ADMIN_PAGE)
    assert len(at.error) == 1 and "JB_ADMIN_PASSWORD_SHA256" in at.error[0].value
    assert not at.text_input


@pytest.mark.usefixtures("clock")
def test_the_legacy_sha256_opens_the_page_once(
    app_env: AppEnv, configure: Callable[..., None], legacy_record: Path
) -> None:
    digest = sha256_hex(LEGACY_PASSWORD)
    configure(JB_ADMIN_PASSWORD_HASH=None, JB_ADMIN_PASSWORD_SHA256=digest)
    at = login(open_app(ADMIN_PAGE), "pas le bon mot")
    assert errors(at) == ["Mot de passe incorrect."]
    assert not legacy_record.exists()  # a wrong password uses nothing
    reset_shared_login_guard(LoginGuard(clock=FakeClock()))  # no wait after that failure

    at = login(open_app(ADMIN_PAGE), LEGACY_PASSWORD)
    assert logged_in(at)
    warnings = [str(w.value) for w in at.warning]
    assert any("ancienne empreinte SHA-256" in w and "jury-blanc admin-password" in w for w in warnings), warnings
    text = legacy_record.read_text(encoding="utf-8")
    assert LEGACY_PASSWORD not in text and digest not in text and sha256_hex(digest) in text

    again = open_app(ADMIN_PAGE)  # a second login against the same digest
    assert len(again.error) == 1 and "déjà servi une fois" in again.error[0].value
    assert "jury-blanc admin-password" in again.error[0].value
    assert not again.text_input and not logged_in(again)

    configure(JB_ADMIN_PASSWORD_SHA256=sha256_hex("un autre mot de passe"))  # another digest: its own use
    assert logged_in(login(open_app(ADMIN_PAGE), "un autre mot de passe"))


def test_the_scrypt_hash_wins_over_the_legacy_digest(clock: FakeClock, configure: Callable[..., None]) -> None:
    configure(JB_ADMIN_PASSWORD_HASH=admin_hash(), JB_ADMIN_PASSWORD_SHA256=sha256_hex(LEGACY_PASSWORD))
    at = login(open_app(ADMIN_PAGE), LEGACY_PASSWORD)
    assert errors(at) == ["Mot de passe incorrect."]
    clock.advance(1)
    assert logged_in(login(at, PASSWORD))


# ---- jury-blanc admin-password ---------------------------------------------------------------

runner = CliRunner()


def test_cli_stdin_prints_a_hash_that_verifies() -> None:
    result = runner.invoke(app, ["admin-password", "--stdin"], input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    stored = result.stdout.strip()
    assert PHC.fullmatch(stored) and verify_password("correct horse battery", stored)
    assert "JB_ADMIN_PASSWORD_HASH" in result.stderr


@pytest.mark.parametrize(("line", "message"), [("court\n", "au moins 8"), ("\n", "vide")])
def test_cli_refuses_a_short_or_empty_password(line: str, message: str) -> None:
    result = runner.invoke(app, ["admin-password", "--stdin"], input=line)
    assert result.exit_code == 2 and message in result.output and "$scrypt$" not in result.output


def test_cli_prompts_twice_and_refuses_a_mismatch(monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    answers = iter(["premier essai", "second essai"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    result = runner.invoke(app, ["admin-password"])
    assert result.exit_code == 2 and "diffèrent" in result.output and "$scrypt$" not in result.output

    answers = iter(["même phrase", "même phrase"])
    result = runner.invoke(app, ["admin-password"])
    assert result.exit_code == 0 and verify_password("même phrase", result.stdout.strip())
