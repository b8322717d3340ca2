"""Write the school file (corpus/ecole.yaml) from the Administration form: validated, backed up, atomic.

- :func:`apply_form` turns the form's strings into a new validated :class:`SchoolInfo`, or raises
  :class:`SchoolFormError` listing each problem with the entry's French label (nothing is written then).
- :func:`save_school` copies the current file to ``corpus/backups/ecole-YYYYMMDD-HHMMSS.yaml`` and replaces
  it at once (a temporary file in the same folder, then ``os.replace``): readers see the old file or the new
  one, never half of it. The header comment of the current file is kept.

No Streamlit here: the form lives in ``assistant.ui.school_form``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
import tempfile
import threading
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.pack.school import CONTACT_LABELS, LAST_UPDATED_LABEL, SCHOOL_FILE, SchoolInfo

BACKUP_DIR = "backups"
LAST_UPDATED_KEY = "last_updated"

HEADER = """\
# =============================================================================
# Jury Blanc: school facts (corpus/ecole.yaml)
# =============================================================================
# EN (developers): everything a school must state that the référentiel does
#   not: contact, fees, dates, duration, RNCP number and level, pass rules,
#   page limits... The assistant answers these questions from this file only.
#   An empty value ("") means unknown: the assistant says it cannot find the
#   information and gives the contact below (or says that it is not filled in
#   yet); it never guesses.
#   Each entry under `fields` has: label (French name shown and cited), value
#   (the school's text, "" = not provided), help (French hint shown in the
#   form), keywords (French and English words routing a question to it).
#   Saving from Administration rewrites this file (this header is kept, other
#   comments are not) after copying the previous version to corpus/backups/.
#
# FR (équipes de l'école) : complétez ce fichier depuis Administration ›
#   Informations de l'école (ou à la main, en YAML valide). N'y mettez que des
#   informations officielles et à jour ; un champ vide fait répondre à
#   l'assistant qu'il ne sait pas, en donnant les coordonnées de contact
#   (renseignez-les en premier). Chaque enregistrement garde une copie de la
#   version précédente dans corpus/backups/ et met à jour `last_updated`.
# =============================================================================
"""

_lock = threading.Lock()  # one save at a time in this process (backup name, then replace)


class SchoolFormError(ValueError):
    """The form's values are not valid: ``problems`` holds (French label, French message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{label} : {message}" for label, message in problems))


def contact_key(name: str) -> str:
    return f"contact.{name}"


def field_key(name: str) -> str:
    return f"fields.{name}"


def form_values(info: SchoolInfo) -> dict[str, str]:
    """The form's entries of a SchoolInfo, keyed as :func:`apply_form` expects them."""
    values = {contact_key(name): str(getattr(info.contact, name)) for name in CONTACT_LABELS}
    values.update({field_key(name): f.value for name, f in info.fields.items()})
    return values


def apply_form(info: SchoolInfo, values: Mapping[str, str]) -> SchoolInfo:
    """``info`` with the form's values (keys: ``last_updated``, ``contact.<entry>``, ``fields.<name>``),
    validated. Labels, help texts and keywords stay as they are. Raises :class:`SchoolFormError`."""
    data: dict[str, Any] = info.model_dump()
    for key, text in values.items():
        section, _, name = key.partition(".")
        if key == LAST_UPDATED_KEY:
            data[LAST_UPDATED_KEY] = text
        elif section == "contact" and name in CONTACT_LABELS:
            data["contact"][name] = text
        elif section == "fields" and name in data["fields"]:
            data["fields"][name]["value"] = text
        else:
            raise KeyError(f"unknown form entry: {key}")
    try:
        return SchoolInfo.model_validate(data)
    except ValidationError as exc:
        raise SchoolFormError(french_problems(exc, info)) from exc


def french_problems(exc: ValidationError, info: SchoolInfo | None = None) -> list[tuple[str, str]]:
    """Each validation error as (French label of the entry, French message)."""
    generic = {
        "string_type": "doit être du texte.",
        "missing": "entrée manquante.",
        "extra_forbidden": "entrée inconnue.",
        "dict_type": "doit être une table (clé : valeur).",
        "model_type": "doit être une table (clé : valeur).",
        "list_type": "doit être une liste.",
    }
    problems: list[tuple[str, str]] = []
    for error in exc.errors():
        if error["type"] == "value_error":
            message = str(error.get("ctx", {}).get("error", error["msg"]))
        else:
            message = generic.get(error["type"], "valeur invalide.")
        problems.append((_label(tuple(error["loc"]), info), message))
    return problems


def _label(loc: tuple[int | str, ...], info: SchoolInfo | None) -> str:
    if loc == (LAST_UPDATED_KEY,):
        return LAST_UPDATED_LABEL
    if len(loc) == 2 and loc[0] == "contact" and str(loc[1]) in CONTACT_LABELS:
        return CONTACT_LABELS[str(loc[1])]
    if len(loc) >= 2 and loc[0] == "fields" and info is not None and str(loc[1]) in info.fields:
        label = info.fields[str(loc[1])].label
        return label if len(loc) == 2 or loc[2] == "value" else f"{label} ({loc[2]})"
    return ".".join(str(part) for part in loc) or "Fichier"


class _Dumper(yaml.SafeDumper):
    """SafeDumper writing multi-line texts as literal blocks (``|``), easier to edit by hand."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_str(data)


_Dumper.add_representer(str, _represent_str)


def dump_school(info: SchoolInfo, header: str = HEADER) -> str:
    """The file's text: the header comment, then the YAML (checked to read back as the same SchoolInfo)."""
    body = yaml.dump(info.model_dump(), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=None, width=110)  # fmt: skip
    text = f"{header.rstrip()}\n\n{body}" if header.strip() else body
    if SchoolInfo.model_validate(yaml.safe_load(text)) != info:
        raise RuntimeError("the school file would not read back as written")
    return text


def file_header(text: str) -> str:
    """The comment block at the top of a YAML text ("" when it has none)."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    header = "\n".join(lines).strip("\n")
    return header + "\n" if any(line.lstrip().startswith("#") for line in lines) else ""


def _date_on_file(text: str) -> str:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        return ""
    value = raw.get(LAST_UPDATED_KEY) if isinstance(raw, dict) else None
    return value.isoformat() if isinstance(value, date) else str(value or "")


def _backup(corpus_dir: Path, data: bytes, now: datetime) -> Path:
    folder = corpus_dir / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{Path(SCHOOL_FILE).stem}-{now:%Y%m%d-%H%M%S}"
    for n in itertools.count(1):
        path = folder / (f"{stem}.yaml" if n == 1 else f"{stem}-{n}.yaml")
        try:
            with path.open("xb") as out:  # exclusive: never overwrites an earlier backup
                out.write(data)
        except FileExistsError:
            continue
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path
    raise AssertionError("unreachable")


def _atomic_write(target: Path, text: str, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save_school(corpus_dir: Path, info: SchoolInfo, *, now: datetime | None = None) -> Path | None:
    """Write ``info`` to ``corpus_dir/ecole.yaml``; return the backup of the previous file (None when there
    was no file). ``last_updated`` becomes today's date unless the caller set another date than the one on
    file. Raises OSError when the folder cannot be written: the current file is then left as it was."""
    now = now or datetime.now()
    target = corpus_dir / SCHOOL_FILE
    with _lock:
        old = target.read_bytes() if target.is_file() else None
        old_text = old.decode("utf-8", errors="replace") if old is not None else ""
        if not info.last_updated or info.last_updated == _date_on_file(old_text):
            info = info.model_copy(update={LAST_UPDATED_KEY: now.date().isoformat()})
        text = dump_school(info, file_header(old_text) or HEADER)
        mode = stat.S_IMODE(target.stat().st_mode) if old is not None else 0o644
        backup = _backup(corpus_dir, old, now) if old is not None else None
        try:
            _atomic_write(target, text, mode)
        except BaseException:
            if backup is not None:  # nothing changed: no backup of it either (nor an empty backup folder)
                backup.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    backup.parent.rmdir()
            raise
    return backup
