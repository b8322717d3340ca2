"""What changed between two checks of the same evaluation in one session (pure, no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.review.models import STATUS_ORDER, Report


@dataclass(frozen=True)
class Change:
    code: str
    before: str | None  # None: the criterion was not in the previous report
    after: str

    @property
    def trend(self) -> str:
        if self.before is None:
            return "nouveau"
        delta = STATUS_ORDER[self.after] - STATUS_ORDER[self.before]
        return "en progrès" if delta > 0 else "en recul" if delta < 0 else "inchangé"


def compare(previous: Report, current: Report) -> list[Change]:
    """One change per criterion of the current report, in its order."""
    before = {c.code: c.status for c in previous.criteria}
    return [Change(c.code, before.get(c.code), c.status) for c in current.criteria]


def summary(changes: list[Change]) -> str:
    """A French one-liner: « 2 critères en progrès, 1 en recul, 3 inchangés »."""
    counts = {trend: sum(1 for c in changes if c.trend == trend) for trend in ("en progrès", "en recul", "inchangé")}
    if counts["en progrès"] == counts["en recul"] == 0:
        return "Aucun changement de statut depuis la vérification précédente."
    parts = []
    for trend, n in counts.items():
        if n:
            word = "critère" if n == 1 else "critères"
            label = trend if trend != "inchangé" or n == 1 else "inchangés"
            parts.append(f"{n} {word} {label}")
    return ", ".join(parts) + "."
