"""A tiny recording reverse proxy for the live LLM tests: loopback only, bounded in time and count.

Put in front of an OpenAI-compatible server, it forwards every request unchanged, records its JSON body
and the status the server answered, and streams a streamed response through chunk by chunk (so the
client's deadline still works). Tests read the real request bodies our client sent: the token cap, the
``stream`` flag, what a fake's arguments cannot prove.

    with RecordingProxy("http://127.0.0.1:8765/v1") as proxy:
        ...  # point JB_LLM_BASE_URL at proxy.base_url
        bodies = [r.body for r in proxy.requests if r.path.endswith("/chat/completions")]
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx

LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Request headers not forwarded: hop-by-hop ones, and those httpx sets itself for the new request.
_DROPPED = {"host", "content-length", "connection", "keep-alive", "transfer-encoding", "accept-encoding", "upgrade"}


@dataclass
class Recorded:
    method: str
    path: str
    body: Any  # the parsed JSON body (None when there is none or it is not JSON)
    status: int = 0  # the status the server answered (502 when it could not be reached)


class RecordingProxy:
    """Forwards ``127.0.0.1:<port>`` to ``upstream`` (a loopback base URL ending in ``/v1``)."""

    def __init__(self, upstream: str, *, max_requests: int = 50, timeout_s: float = 120.0) -> None:
        parts = urlsplit(upstream)
        if parts.hostname not in LOOPBACK:
            raise ValueError(f"the recording proxy forwards to loopback only, not {parts.hostname}")
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = parts.path.rstrip("/")  # "/v1": the proxy serves the same paths as the server
        self.max_requests = max_requests
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=5.0))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="llm-proxy")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.prefix}"

    def chat_bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies of the chat-completion requests so far, in order."""
        with self._lock:
            return [r.body for r in self.requests if r.path.endswith("/chat/completions") and isinstance(r.body, dict)]

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()
        self._thread.join(timeout=10)

    def _record(self, entry: Recorded) -> bool:
        with self._lock:
            if len(self.requests) >= self.max_requests:
                return False
            self.requests.append(entry)
            return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.0: one request per connection, and a streamed body simply ends when the connection closes.
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the server's own access log is what the tests read

            def do_GET(self) -> None:
                self._forward()

            def do_POST(self) -> None:
                self._forward()

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                entry = Recorded(self.command, self.path, body)
                if not proxy._record(entry):
                    self.send_error(503, "the recording proxy's request budget is spent")
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _DROPPED}
                request = proxy._client.build_request(self.command, proxy.origin + self.path, headers=headers,
                                                      content=raw)  # fmt: skip
                try:
                    response = proxy._client.send(request, stream=True)
                except httpx.HTTPError as exc:
                    entry.status = 502
                    self.send_error(502, f"upstream unreachable: {type(exc).__name__}")
                    return
                entry.status = response.status_code
                try:
                    self.send_response(response.status_code)
                    content_type = response.headers.get("content-type")
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    streamed = "text/event-stream" in (content_type or "")
                    if not streamed:
                        data = response.read()
                        self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if streamed:
                        for chunk in response.iter_raw():
                            self.wfile.write(chunk)
                            self.wfile.flush()
                    else:
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError, httpx.HTTPError):
                    pass  # the client stopped reading (its deadline): closing upstream stops the generation
                finally:
                    response.close()

        return Handler
