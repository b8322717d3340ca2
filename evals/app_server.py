"""The app as a real server, for the benchmarks and the browser tests: ``streamlit run streamlit_app.py`` on
a free loopback port, its output in a log file, stopped politely then by force.

One place for what ``evals.bench_app``, ``evals.bench_load``, ``tests/test_e2e_browser.py`` and
``tests/test_load_browser.py`` all need.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TRACEBACK = re.compile(r"Traceback\s*\(most recent call last\)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # Streamlit prints tracebacks through rich, in colour


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_server(proc: subprocess.Popen[bytes], *, grace_s: float = 15) -> None:
    """Stop a server we started: politely, then by force after ``grace_s`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def server_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without its ``JB_*`` settings, the data directory, then ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JB_")}
    env.update(JB_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    env.update(extra or {})
    return env


@dataclass
class AppServer:
    """A running app: its URL, process and log; ``started`` and ``health_s`` time its start."""

    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    started: float  # time.perf_counter() just before the process was started
    health_s: float = 0.0  # seconds from start to the first healthy /_stcore/health

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.is_file() else ""

    def tracebacks(self) -> int:
        return len(TRACEBACK.findall(ANSI.sub("", self.log_text())))

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (Linux /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def app_server(
    data_dir: Path, log: Path, *, env: dict[str, str] | None = None, timeout_s: float = 120
) -> Iterator[AppServer]:
    """The app on ``data_dir`` (settings: ``env`` only, see :func:`server_env`), healthy, until the block ends."""
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    started = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env(data_dir, env), stdout=out, stderr=subprocess.STDOUT)
    server = AppServer(f"http://127.0.0.1:{port}", proc, log, started)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited ({proc.returncode}):\n{server.log_text()[-2000:]}")
            try:
                if httpx.get(f"{server.url}/_stcore/health", timeout=1).text.strip() == "ok":
                    break
            except httpx.TransportError:
                pass
            if time.perf_counter() - started > timeout_s:
                raise TimeoutError(f"no /_stcore/health after {timeout_s} s:\n{server.log_text()[-2000:]}")
            time.sleep(0.05)
        server.health_s = time.perf_counter() - started
        yield server
    finally:
        stop_server(proc)
