"""Parse untrusted PDF, Word and PowerPoint files in a child process with a wall-clock timeout and a memory cap.

A decompression bomb or a pathological PDF then costs one killed child, never the app. Text and
Markdown are parsed in-process (pure Python, already bounded by the size and character limits).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import resource
import sys
import threading
import types
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

from .errors import DocumentError, TooComplexError
from .loader import DEFAULT_LIMITS, load_document, sanitize_filename
from .models import LoadedDocument, LoadLimits
from .sniff import sniff

TIMEOUT_S = 30.0
MEMORY_MB = 1536


def _child(conn: Connection, data: bytes, filename: str | None, limits: LoadLimits, memory_mb: int) -> None:
    """Runs in the child: cap the address space, parse, send back the document or the error."""
    cap = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):  # a platform without RLIMIT_AS runs uncapped
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        conn.send(("ok", load_document(data, filename=filename, limits=limits)))
    except DocumentError as error:
        conn.send(("error", error))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as error:
        conn.send(("crash", repr(error)))
    finally:
        conn.close()


_MAIN_SWAP = threading.Lock()


@contextlib.contextmanager
def _bare_main() -> Iterator[None]:
    """While a child starts, ``__main__`` is a bare module without a file.

    A spawned child first re-runs the parent's ``__main__`` file (multiprocessing's "prepare" step). Under
    ``streamlit run`` that file is the app script (Streamlit installs it as ``__main__`` at each run): every
    child would draw the whole app in bare mode, logging dozens of « missing ScriptRunContext » warnings and
    importing the UI for nothing. The swap is undone only if nobody replaced the bare module meanwhile (a
    script run that started in between keeps its own ``__main__``).
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or not getattr(main, "__file__", None):
        yield  # ``python -m …`` or an interactive session: the child runs no file of ours
        return
    with _MAIN_SWAP:
        bare = types.ModuleType("__main__")
        sys.modules["__main__"] = bare
        try:
            yield
        finally:
            if sys.modules.get("__main__") is bare:
                sys.modules["__main__"] = main


def load_document_isolated(
    source: Path | bytes,
    *,
    filename: str | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
    timeout_s: float = TIMEOUT_S,
    memory_mb: int = MEMORY_MB,
) -> LoadedDocument:
    """Like :func:`load_document`, but PDF, DOCX and PPTX are parsed in a killable, memory-capped child."""
    if isinstance(source, Path):
        filename = filename or source.name
        # Size is checked before reading (load_document does it for paths): reuse it cheaply.
        if not source.is_file() or source.stat().st_size > limits.max_bytes or source.stat().st_size == 0:
            return load_document(source, filename=filename, limits=limits)
        data = source.read_bytes()
    else:
        data = source
    kind = sniff(data).kind if data else None
    if kind not in ("pdf", "docx", "pptx"):
        return load_document(data, filename=filename, limits=limits)
    name = sanitize_filename(filename)
    ctx = mp.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, data, filename, limits, memory_mb), daemon=True)
    with _bare_main():
        child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise TooComplexError(name, reason=f"l'analyse a dépassé {max(1, round(timeout_s))} s")
        try:
            status, payload = receiver.recv()
        except EOFError as error:  # the child died (memory cap, signal) before answering
            raise TooComplexError(name, reason="l'analyse a demandé trop de mémoire", detail=repr(error)) from error
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(timeout=5)
    if status == "ok":
        assert isinstance(payload, LoadedDocument)
        return payload
    if status == "error":
        assert isinstance(payload, DocumentError)
        raise payload
    if status == "memory":
        raise TooComplexError(name, reason="l'analyse a demandé trop de mémoire")
    raise TooComplexError(name, reason="le fichier a fait échouer l'analyseur", detail=str(payload))
