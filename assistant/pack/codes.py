"""Parse référentiel codes in free text.

The source has traps: ``CR1-2`` is one e-commerce criterion (option 1), not "CR1 and CR2";
``CR18-19`` and ``CR11 à 13`` are grouped codes; ``CS2-4 et CS2-5`` lists two competencies;
users write ``cr 7``, ``E5 option 2`` or ``bloc 5 opt. 3``. Everything goes through this module.
"""

from __future__ import annotations

import re

from assistant.text.fold import fold

# Bloc 5 option codes: CRa-b / CSa-b / ASa-b with a = option (1..3), b = rank (1..6).
_OPTION_MAX_RANK = {1: 6, 2: 5, 3: 5}
_CORE_CR_MAX = 19
_CORE_C_MAX = 19
_CORE_A_MAX = 9

_SEP = r"\s*(?:à|a|au|-|–|—|et|&|,|/)\s*"
# A prefix, a number, an optional "-n" rank, then optionally a range/list to another number.
_CODE_RE = re.compile(
    r"(?<![\w-])(?:(?P<prefix>CR|CS|AS)\s?|(?P<prefix1>[CAE]))(?P<a>\d{1,2})(?:\s?-\s?(?P<b>\d{1,2}))?"
    r"(?:(?P<sep>" + _SEP + r")(?:(?P<p2>CR|CS|AS|C|A|E)\s?)?(?P<c>\d{1,2})(?:\s?-\s?(?P<d>\d{1,2}))?)?"
    r"(?![\w])",
    re.IGNORECASE,
)
_BLOC_RE = re.compile(r"\bbloc\s*(?P<n>[1-5])(?:\s*[,(]?\s*(?:option|opt\.?)\s*(?P<o>[1-3]))?", re.IGNORECASE)
_E5_OPTION_RE = re.compile(r"\b(?:E\s?5\s*[-–]?\s*(?:option|opt\.?)\s*(?P<o>[1-3])|E5-opt(?P<o2>[1-3]))", re.IGNORECASE)
_OPTION_ALONE_RE = re.compile(r"\boption\s*(?P<o>[1-3])\b", re.IGNORECASE)
_SPECIAL_RE = re.compile(r"\bL\.?\s?6113-1\b", re.IGNORECASE)


def _is_option_code(prefix: str, a: int, b: int) -> bool:
    return prefix in {"CR", "CS", "AS"} and a in _OPTION_MAX_RANK and 1 <= b <= _OPTION_MAX_RANK[a]


def _single(prefix: str, a: int, b: int | None) -> str | None:
    if b is not None:
        return f"{prefix}{a}-{b}" if _is_option_code(prefix, a, b) else None
    limits = {"CR": _CORE_CR_MAX, "C": _CORE_C_MAX, "A": _CORE_A_MAX, "E": 5}
    if prefix in limits and 1 <= a <= limits[prefix]:
        return f"{prefix}{a}"
    return None


def _expand(prefix: str, a: int, b: int | None, c: int | None, d: int | None, sep: str) -> list[str]:
    """Expand one regex match into single codes."""
    is_range = sep.strip().lower() in {"à", "a", "au", "-", "–", "—"}
    # "CR18-19": a dash between two core numbers is a range, not an option code.
    # ("CR1-7" is an invalid option code, not a range: options are numbered 1-3.)
    if b is not None and c is None and not _is_option_code(prefix, a, b) and b > a and a not in _OPTION_MAX_RANK:
        return [f"{prefix}{n}" for n in range(a, b + 1) if _single(prefix, n, None)]
    first = _single(prefix, a, b)
    out = [first] if first else []
    if c is None:
        return out
    if b is not None and d is not None and c == a and _is_option_code(prefix, a, d):
        # "CR2-1 à CR2-3"
        last = d
        ranks = range(b + 1, last + 1) if is_range else [last]
        out += [f"{prefix}{a}-{r}" for r in ranks if _is_option_code(prefix, a, r)]
        return out
    if b is not None and d is None and _is_option_code(prefix, a, c):
        # "CS1-4 à 6" (rank only)
        ranks = range(b + 1, c + 1) if is_range else [c]
        out += [f"{prefix}{a}-{r}" for r in ranks if _is_option_code(prefix, a, r)]
        return out
    if b is None and d is None and c > a:
        # "CR11 à 13", "C11 et C13"
        nums = range(a + 1, c + 1) if is_range else [c]
        out += [code for n in nums if (code := _single(prefix, n, None))]
        return out
    if d is not None:
        second = _single(prefix, c, d)
        if second:
            out.append(second)
    return out


def find_codes(text: str) -> list[str]:
    """Return the item ids named in ``text`` (order of appearance, no duplicates).

    Ids follow docs/content-conventions.md: CR7, C7, A3, CR1-2, CS2-4, AS1-1, E2, E5-opt2,
    B3, B5-opt1, L6113-1.
    """
    found: list[str] = []

    def add(code: str) -> None:
        if code not in found:
            found.append(code)

    spans: list[tuple[int, int]] = []
    for m in _E5_OPTION_RE.finditer(text):
        add(f"E5-opt{m.group('o') or m.group('o2')}")
        spans.append(m.span())
    for m in _BLOC_RE.finditer(text):
        n, o = m.group("n"), m.group("o")
        if n == "5":
            alone = _OPTION_ALONE_RE.search(text)
            o = o or (alone.group("o") if alone else None)
            if o:
                add(f"B5-opt{o}")
            else:
                for k in (1, 2, 3):
                    add(f"B5-opt{k}")
        else:
            add(f"B{n}")
        spans.append(m.span())
    for m in _SPECIAL_RE.finditer(text):
        add("L6113-1")
        spans.append(m.span())
    pos = 0
    while (cm := _CODE_RE.search(text, pos)) is not None:
        m = cm
        pos = m.end()
        if any(s <= m.start() < e for s, e in spans):
            continue
        prefix = (m.group("prefix") or m.group("prefix1")).upper()
        a = int(m.group("a"))
        b = int(m.group("b")) if m.group("b") else None
        c = int(m.group("c")) if m.group("c") else None
        d = int(m.group("d")) if m.group("d") else None
        sep = m.group("sep") or ""
        if m.group("p2") and m.group("p2").upper() != prefix:
            # "CR7 et C7": two different kinds; take the first, rescan from the second.
            c = d = None
            sep = ""
            pos = m.start("p2")
        if prefix == "E":
            if a == 5 and b is None:
                opt = _OPTION_ALONE_RE.search(text)
                if opt:
                    add(f"E5-opt{opt.group('o')}")
                else:
                    for k in (1, 2, 3):
                        add(f"E5-opt{k}")
                continue
            if b is not None or not 1 <= a <= 5:
                continue
        for code in _expand(prefix, a, b, c, d, sep):
            add(code)
    if not any(code.startswith(("E5", "B5")) for code in found):
        opt = _OPTION_ALONE_RE.search(text)
        if opt and re.search(r"\b(bloc|e5|option)\b", fold(text)):
            add(f"B5-opt{opt.group('o')}")
    return found


def normalize_code(raw: str) -> str:
    """Normalise one user-typed code (``cr 7`` -> ``CR7``, ``e5 option 2`` -> ``E5-opt2``).

    Returns the cleaned text unchanged in shape when it is not a recognisable code, so callers
    can report it as unknown.
    """
    text = raw.strip()
    upper = text.upper().replace(" ", "")
    special = {"HANDICAP": "HANDICAP", "L6113-1": "L6113-1", "L.6113-1": "L6113-1"}
    if upper in special:
        return special[upper]
    codes = find_codes(text)
    if len(codes) == 1:
        return codes[0]
    m = re.fullmatch(r"(E5|B5)-?OPT(?:ION)?([1-3])", upper)
    if m:
        return f"{m.group(1)}-opt{m.group(2)}"
    return upper
