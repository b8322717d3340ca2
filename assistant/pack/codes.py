"""Parse référentiel codes in free text, from the pack's grammar and the ids its data declares.

The traps of a printed référentiel: ``CR1-2`` may be one option-1 criterion, not "CR1 and CR2";
``CR11 à 13`` and ``CR2-1 à CR2-3`` are grouped codes, ``C7 et C9`` a list; users write ``cr 7``,
``E5 option 2`` or ``bloc 5 opt. 3``. No number is built in: an id is valid when the
référentiel declares it, and the grammar (:class:`~assistant.pack.vocabulary.CodeGrammar`) says
how ids are printed and typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from assistant.pack.vocabulary import CodeGrammar, ItemKind


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in words)


class CodeParser:
    """Finds the declared item ids named in a text."""

    def __init__(self, grammar: CodeGrammar, declared: dict[str, ItemKind]) -> None:
        self.grammar = grammar
        self.kinds = dict(declared)
        self.ids = list(declared)
        self._upper = {code.upper(): code for code in declared}
        self._ranges = {w.lower() for w in grammar.range_words}
        prefixes = sorted(grammar.prefixes, key=len, reverse=True)
        spaced = _alternation(p for p in prefixes if len(p) > 1)
        single = _alternation(p for p in prefixes if len(p) == 1)
        head = "|".join(filter(None, [f"(?P<prefix>{spaced})\\s?" if spaced else "", f"(?P<prefix1>{single})"]))
        sub = grammar.sub_pattern
        sep = r"\s*(?:" + _alternation([*grammar.range_words, *grammar.list_words]) + r")\s*"
        self._code_re = re.compile(
            rf"(?<![\w-])(?:{head})(?P<a>\d{{1,2}})(?:{sub}(?P<b>\d{{1,2}}))?"
            rf"(?:(?P<sep>{sep})(?:(?P<p2>{_alternation(prefixes)})\s?)?(?P<c>\d{{1,2}})(?:{sub}(?P<d>\d{{1,2}}))?)?"
            r"(?![\w])",
            re.IGNORECASE,
        )
        self._aliases = [(re.compile(a.pattern, re.IGNORECASE), a.ids) for a in grammar.aliases]
        # Declared ids the prefix grammar cannot produce (a bloc option, a legal article) are recognised as typed.
        shaped = re.compile(rf"(?:{_alternation(prefixes)})\d{{1,2}}(?:{re.escape(grammar.sub_separator)}\d{{1,2}})?")
        literal = [c for c in declared if re.search(r"\d", c) and not shaped.fullmatch(c)]
        self._literal_re = (
            re.compile(r"(?<![\w-])(" + _alternation(sorted(literal, key=len, reverse=True)) + r")(?![\w-])", re.I)
            if literal
            else None
        )
        variant = grammar.variant
        self._variant_re = re.compile(variant.pattern, re.IGNORECASE) if variant else None

    # ---- helpers ------------------------------------------------------------------------
    def _id(self, prefix: str, a: int, b: int | None) -> str:
        return f"{prefix}{a}" if b is None else f"{prefix}{a}{self.grammar.sub_separator}{b}"

    def _valid(self, prefix: str, a: int, b: int | None) -> str | None:
        code = self._id(prefix, a, b)
        return code if code in self.kinds else None

    def _has_family(self, prefix: str, a: int) -> bool:
        """Do declared ids of the form ``<prefix><a><sep><rank>`` exist (CR1-1…)?"""
        start = f"{prefix}{a}{self.grammar.sub_separator}"
        return any(code.startswith(start) for code in self.ids)

    def _variant_numbers(self, text: str) -> list[str]:
        """Every variant number the text names, in order (« l'option 1 et l'option 2 » -> 1, 2)."""
        if self._variant_re is None:
            return []
        return list(dict.fromkeys(m.group("n") for m in self._variant_re.finditer(text)))

    def _variants(self, base: str, text: str) -> list[str]:
        """Declared variants of ``base`` (an undeclared id such as E5): the one the text names, else all."""
        variant = self.grammar.variant
        if variant is None:
            return []
        found = [code for code in self.ids if code.startswith(base + variant.marker)]
        named = [code for n in self._variant_numbers(text) if (code := base + variant.suffix.format(n=n)) in found]
        return named or found

    def _expand(self, prefix: str, a: int, b: int | None, c: int | None, d: int | None, sep: str) -> list[str]:
        """Expand one prefix match into declared single codes."""
        is_range = sep.strip().lower() in self._ranges
        # "CR8-9": a dash between two numbers with no CR8-n family is a range.
        # ("CR1-7" is an undeclared member of the CR1-n family, not a range.)
        if (
            b is not None
            and c is None
            and b > a
            and self._valid(prefix, a, b) is None
            and not self._has_family(prefix, a)
        ):
            return [code for n in range(a, b + 1) if (code := self._valid(prefix, n, None))]
        first = self._valid(prefix, a, b)
        out = [first] if first else []
        if c is None:
            return out
        if b is not None and d is not None and c == a:
            # "CR2-1 à CR2-3"
            ranks = range(b + 1, d + 1) if is_range else [d]
            return out + [code for r in ranks if (code := self._valid(prefix, a, r))]
        if b is not None and d is None and self._valid(prefix, a, c):
            # "CS1-4 à 6" (rank only)
            ranks = range(b + 1, c + 1) if is_range else [c]
            return out + [code for r in ranks if (code := self._valid(prefix, a, r))]
        if b is None and d is None and c > a:
            # "CR11 à 13", "C11 et C13"
            nums = range(a + 1, c + 1) if is_range else [c]
            return out + [code for n in nums if (code := self._valid(prefix, n, None))]
        if d is not None and (second := self._valid(prefix, c, d)):
            out.append(second)
        return out

    # ---- public API ---------------------------------------------------------------------
    def find(self, text: str) -> list[str]:
        """The declared ids named in ``text`` (aliases first, then codes in order; no duplicates)."""
        found: list[str] = []
        spans: list[tuple[int, int]] = []

        def add(code: str) -> None:
            if code not in found:
                found.append(code)

        if self._literal_re is not None:
            for m in self._literal_re.finditer(text):
                add(self._upper[m.group(1).upper()])
                spans.append(m.span())
        for pattern, templates in self._aliases:
            for m in pattern.finditer(text):
                if any(s <= m.start() < e for s, e in spans):
                    continue
                groups = {k: v for k, v in m.groupdict().items() if v is not None}
                filled = [t.format(**groups) for t in templates if _fields(t) <= groups.keys()]
                declared = [code for code in filled if code in self.kinds]
                for code in declared[:1] or (self._variants(filled[-1], text) if filled else []):
                    add(code)
                spans.append(m.span())
        pos = 0
        while (cm := self._code_re.search(text, pos)) is not None:
            m = cm
            pos = m.end()
            if any(s <= m.start() < e for s, e in spans):
                continue
            prefix = self._canonical_prefix(m.group("prefix") or m.group("prefix1"))
            a = int(m.group("a"))
            b = int(m.group("b")) if m.group("b") else None
            c = int(m.group("c")) if m.group("c") else None
            d = int(m.group("d")) if m.group("d") else None
            sep = m.group("sep") or ""
            if m.group("p2") and self._canonical_prefix(m.group("p2")) != prefix:
                # "CR7 et C7": two different kinds; take the first, rescan from the second.
                c = d = None
                sep = ""
                pos = m.start("p2")
            if (
                b is None
                and self._valid(prefix, a, None) is None
                and (variants := self._variants(f"{prefix}{a}", text))
            ):
                for code in variants:
                    add(code)
                continue
            for code in self._expand(prefix, a, b, c, d, sep):
                add(code)
        self._add_lone_variant(text, found, add)
        return found

    def _add_lone_variant(self, text: str, found: list[str], add: Callable[[str], None]) -> None:
        """Variant numbers named without their base. After a variant of a base (« E5 opt1 et opt2 »): the
        same base's other named variants. With none: the item of ``alone_kind`` that has each variant."""
        variant = self.grammar.variant
        numbers = self._variant_numbers(text)
        if variant is None or not numbers:
            return
        bases = list(dict.fromkeys(code.split(variant.marker)[0] for code in found if variant.marker in code))
        for base in bases:
            for n in numbers:
                if (code := base + variant.suffix.format(n=n)) in self.kinds:
                    add(code)
        if bases or variant.alone_kind is None:
            return
        for n in numbers:
            suffix = variant.suffix.format(n=n)
            for code, kind in self.kinds.items():
                if kind == variant.alone_kind and code.endswith(suffix):
                    add(code)

    def _canonical_prefix(self, typed: str) -> str:
        upper = typed.upper()
        return next((p for p in self.grammar.prefixes if p.upper() == upper), upper)

    def normalize(self, raw: str) -> str:
        """One user-typed code as its declared id (``cr 7`` -> ``CR7``, ``ec 1.2`` -> ``EC1.2``).

        Returns the cleaned text unchanged in shape when it is not a declared id, so callers can
        report it as unknown.
        """
        text = raw.strip()
        upper = text.upper().replace(" ", "")
        if upper in self._upper:
            return self._upper[upper]
        codes = self.find(text)
        if len(codes) == 1:
            return codes[0]
        return upper


def _fields(template: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", template))
