"""Structure narrows, content ranks: « quel critère de l'option X parle de <topic> ? ».

A question that names a bloc, option or evaluation *and* a topic or a part asks for the items inside
that container that hold the topic or make up the part, not for the container's overview. The named
container restricts the candidates to its members; an item kind (« critère », « compétence ») or a
part (« partie individuelle ») restricts them further; the question's key terms rank what is left.
"""

from __future__ import annotations

from assistant.pack import Pack
from assistant.pack.vocabulary import ItemKind
from assistant.retrieve.crosscut import item_texts
from assistant.retrieve.evidence import KeyTerms
from assistant.text.tokens import tokenize, words

CONTAINERS: tuple[ItemKind, ...] = ("bloc", "evaluation")
MEMBER_KINDS: tuple[ItemKind, ...] = ("criterion", "competency", "activity")


def members(pack: Pack, container: str) -> list[str]:
    """Item ids inside a bloc (activities, competencies, its evaluations' criteria) or an evaluation."""
    ref = pack.ref
    if ref.kind_of(container) == "bloc":
        bloc = ref.bloc(container)
        out = [a.code for a in bloc.activities] + [c.code for c in bloc.competencies]
        for key in bloc.evaluations:
            out += ref.evaluation(key).criteria_codes
        return out
    evaluation = ref.evaluation(container)
    comps = [c for part in evaluation.parts for c in part.competencies]
    return [*evaluation.criteria_codes, *dict.fromkeys(comps)]


def _part_members(pack: Pack, container: str, part: str) -> set[str]:
    ref = pack.ref
    keys = ref.bloc(container).evaluations if ref.kind_of(container) == "bloc" else [container]
    out: set[str] = set()
    for key in keys:
        for p in ref.evaluation(key).parts:
            if p.kind == part:
                out.update(p.criteria)
                out.update(p.competencies)
    return out


class Narrower:
    def __init__(self, pack: Pack, terms: KeyTerms, ratio: float = 0.5, limit: int = 4) -> None:
        self.pack = pack
        self.terms = terms
        self.ratio = ratio
        self.limit = limit
        self.texts = {code: text for code, (_, text) in item_texts(pack.ref).items()}

    def _asked_kinds(self, question: str) -> set[ItemKind]:
        toks = set(words(question))
        return {k for k, forms in self.pack.vocab.item_words.items() if k in MEMBER_KINDS and toks & set(forms)}

    def _asked_part(self, question: str) -> str | None:
        toks = set(words(question))
        formats = self.pack.vocab.format_words
        if toks & set(formats.get("individual_only", [])):
            return "individual"
        if toks & set(formats.get("group", [])):
            return "group"
        return None

    def _named(self, codes: list[str]) -> set[str]:
        """Stems of the named containers' titles: « l'option e-commerce » names a container, not a topic."""
        kinds = self.pack.ref.codes()
        titles = [self.pack.display_title(c) for c in codes if kinds.get(c) in CONTAINERS]
        return set(tokenize([" ".join(titles)])[0]) if titles else set()

    def by_topic(self, question: str, codes: list[str]) -> bool:
        """Does the question name a topic inside its container (not only a part)?"""
        named = self._named(codes)
        return any(s not in named for s in self.terms.terms(question)) and self._asked_part(question) is None

    def members_answer(self, question: str, codes: list[str]) -> bool:
        """Should the answer quote the members rather than the container?

        Yes when the question asks for a kind of item (« quel critère… ») or names a topic the container's
        own description does not hold; a part or a topic the container describes itself (its deliverables,
        its format) is answered by the container.
        """
        topical = self.by_topic(question, codes)
        if self._asked_kinds(question) and (topical or self._asked_part(question) is not None):
            return True
        if not topical:
            return False
        kinds = self.pack.ref.codes()
        own: list[str] = []
        for container in (c for c in codes if kinds.get(c) in CONTAINERS):
            own.append(self.texts.get(container, ""))
            if kinds[container] == "evaluation":
                own += [" ".join(p.deliverables) for p in self.pack.ref.evaluation(container).parts]
        topic = self.terms.terms(question)
        return self.terms.coverage(topic, own) < 0.5

    def members_of_kind(self, question: str, codes: list[str]) -> list[str]:
        """Every member of the asked kind in the named containers (« les compétences du bloc 4 »), [] when the
        question asks for no kind of member."""
        kinds = self.pack.ref.codes()
        asked = self._asked_kinds(question)
        if not asked:
            return []
        part = self._asked_part(question)
        out: list[str] = []
        for container in (c for c in codes if kinds.get(c) in CONTAINERS):
            inside = members(self.pack, container)
            if part is not None:  # « la partie individuelle de l'E5 option 2 »
                chosen = _part_members(self.pack, container, part)
                inside = [m for m in inside if m in chosen]
            out += [m for m in inside if kinds[m] in asked and m not in out]
        return out

    def narrow(self, question: str, codes: list[str]) -> list[str]:
        """Members of the named container(s) that answer the question; [] when it asks for an overview."""
        kinds = self.pack.ref.codes()
        containers = [c for c in codes if kinds.get(c) in CONTAINERS]
        if not containers or any(kinds.get(c) not in CONTAINERS for c in codes):
            return []
        asked_kinds = self._asked_kinds(question)
        part = self._asked_part(question)
        candidates: list[str] = []
        for container in containers:
            inside = members(self.pack, container)
            if part is not None:
                chosen = _part_members(self.pack, container, part)
                inside = [m for m in inside if m in chosen]
            if asked_kinds:
                inside = [m for m in inside if kinds[m] in asked_kinds]
            candidates += [m for m in inside if m not in candidates]
        named = self._named(containers)
        if part is not None:  # "la partie individuelle": the part's words are not the topic
            formats = self.pack.vocab.format_words
            named.update(tokenize([" ".join(["partie parties part parts", *formats.get("individual_only", []),
                                             *formats.get("group", [])])])[0])  # fmt: skip
        topic = {s: w for s, w in self.terms.terms(question).items() if s not in named}
        if not topic:  # a part with no topic: the part's members (the container itself describes the part)
            return candidates[: self.limit] if part is not None else []
        scored = [(self.terms.coverage(topic, [self.texts[m]]), m) for m in candidates if m in self.texts]
        best = max((score for score, _ in scored), default=0.0)
        if best <= 0:
            return []
        ranked = sorted((row for row in scored if row[0] >= self.ratio * best), key=lambda row: -row[0])
        return [m for _, m in ranked[: self.limit]]
