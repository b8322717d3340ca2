"""Instructions hidden in a document are data, never commands: detect them and report them.

Detected passages are removed from the evidence pool, so an injection can never raise a verdict;
the user gets a ``prompt_injection`` warning quoting the offending text.

Two kinds of text are found here:

* *instructions*: sentences that address the assistant ("ignore previous instructions", "note
  for the grader", a fake ``SYSTEM:`` turn, a fake JSON verdict). They raise the warning.
* *status assignments*: a line that gives a criterion code a verdict ("CR4 : couvert", "mark
  CR3-2 as covered"). A draft shows its work; a verdict it hands itself is a claim, never
  evidence, so such lines are set aside too, without raising the warning on their own.
"""

from __future__ import annotations

import re

from assistant.text.fold import fold

_PATTERNS = [
    # "ignore previous instructions" and its French forms
    r"\b(ignore|ignorez|ignorer|oublie|oubliez|disregard|forget)\b.{0,40}\b(instructions?|consignes?|regles|rules|prompt)\b",
    # orders about verdicts
    r"\b(marque|marquez|marquer|mets|mettez|note|notez|considere|considerez|valide|validez|attribue|attribuez"
    r"|attribuer|accorde|accordez|applique|appliquez|donne|donnez|mark|rate|grade|set|output|assign|give)\b"
    r".{0,50}\b(criteres?|criteria|criterion|status|statut|verdicts?)\b.{0,40}\b(couverts?|valides?|covered|passed|complete)\b",
    r"\b(tous les|chaque|all|every)\s+(criteres?|criteria|criterion)\b.{0,30}\b(couverts?|covered)\b",
    r"\b(marquez|marque|marquer|mark|considerez|considere|notez|consider)(-le|-la|-les)?\b.{0,30}"
    r"\b(comme|as|en)\s+[\"'«\s]*(couverts?|covered|valides?|passed)\b",
    r"\b(appliquer|appliquez|attribuer|attribuez|donner|donnez|apply|assign)\b.{0,20}\b(statuts?|status(es)?|verdicts?)\b",
    # orders about the feedback
    r"\b(ne (mentionnez|signalez|listez|indiquez|relevez) (pas|aucun)|do not (list|mention|report|flag))\b.{0,40}"
    r"\b(manquants?|lacunes?|gaps?|missing|faiblesses?|weaknesses)\b",
    # role play / fake system turns
    r"^\s*(system|systeme|assistant|developer|admin)\s*[:>]",
    r"<\|?(im_start|im_end|system)\|?>",
    r"\b(tu es|you are) (maintenant|desormais|now)\b",
    r"\b(nouvelles? instructions?|new instructions?|instructions? (prioritaires?|systeme))\b",
    # exfiltration / prompt disclosure
    r"\b(revele|revelez|affiche|affichez|montre|donne|print|reveal|show|repeat)\b.{0,30}"
    r"\b(ton|votre|your|the|le)\s+(prompt|instructions?|system prompt|consignes?)\b",
    r"\b(chemin|path|fichiers?|files?)\b.{0,20}\b(interne|internal|serveur|server|systeme|system)\b",
    # fake machine verdicts
    r"[\"']status[\"']\s*:\s*[\"'](covered|partial|missing)[\"']",
    r"[\"']confidence[\"']\s*:\s*1(\.0)?\b",
    # addressing the grader
    r"\b(note|message|instruction)s?\s+(pour|a|au|to|for)\s+"
    r"(l'?outil|le correcteur|l'?ia|the (ai|grader|tool|model)|le modele)\b",
    # "pour le modèle" / "for the model" address the grader only before a colon: « pour le modèle, on a
    # choisi… » speaks of a business model
    r"\b(pour|a|au|to|for)\s+(l'?outil|l'?ia|le correcteur|le modele\s*:|l'?assistant\s*:"
    r"|the (ai|grader|tool|model\s*:|assistant|(automated |ai )?(reviewer|grader|checker)))(\b|(?<=:))",
    r"\b(note|rappel|consigne|message)s?( final| finale)?\s+(pour|a)\s+l'?(assistant|outil|ia)\b",
]
# a criterion-like code (letters then digits, "cr4", "cr3-2", "ec1.2") and a verdict word on the same line
_STATUS_ASSIGNMENT = re.compile(
    r"\b[a-z]{1,4}\s?\d{1,2}(?:[-.]\d{1,2})?\b[^\n]{0,80}?[:=>→-]\s*[\"'«\s]*(non[ -])?"
    r"(couverts?|covered|partiels?|partial|manquants?|missing|valides?|validated|acquis|satisfied)\b"
    r"|\b(mark|marquez|marque|set|mettez)\b[^\n]{0,40}\b[a-z]{1,4}\s?\d{1,2}(?:[-.]\d{1,2})?\b[^\n]{0,60}"
    r"\b(as|comme|en)\s+[\"'«\s]*(covered|couverts?|partial|partiels?|missing|manquants?|valides?)\b",
    re.IGNORECASE,
)
_RE = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in _PATTERNS]
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def injection_spans(text: str) -> list[str]:
    """Sentences (or lines) of ``text`` that address the assistant with instructions."""
    folded = fold(text).replace("’", "'")
    if len(folded) != len(text):  # folding changed lengths (rare ligatures): fall back to whole-text check
        return [text.strip()] if any(r.search(folded) for r in _RE) else []
    found: list[str] = []
    for m in _SENTENCE.finditer(folded):
        sentence = m.group(0)
        if any(r.search(sentence) for r in _RE):
            original = text[m.start() : m.end()].strip()
            if original and original not in found:
                found.append(original)
    return found


def is_injection(text: str) -> bool:
    return bool(injection_spans(text))


def assigns_status(text: str) -> bool:
    """Does ``text`` hand a criterion a verdict ("CR4 : couvert", "mark CR3-2 as covered")?"""
    return bool(_STATUS_ASSIGNMENT.search(fold(text).replace("’", "'")))
