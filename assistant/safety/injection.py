"""Instructions hidden in a document are data, never commands: detect them and report them.

Detected passages are removed from the evidence pool, so an injection can never raise a verdict;
the user gets a ``prompt_injection`` warning quoting the offending text.
"""

from __future__ import annotations

import re

from assistant.text.fold import fold

_PATTERNS = [
    # "ignore previous instructions" and its French forms
    r"\b(ignore|ignorez|ignorer|oublie|oubliez|disregard|forget)\b.{0,40}\b(instructions?|consignes?|regles|rules|prompt)\b",
    # orders about verdicts
    r"\b(marque|marquez|marquer|mets|mettez|note|notez|considere|considerez|valide|validez|mark|rate|grade|set|output)\b"
    r".{0,50}\b(criteres?|criteria|criterion|status|statut|verdicts?)\b.{0,40}\b(couverts?|valides?|covered|passed|complete)\b",
    r"\b(tous les|chaque|all|every)\s+(criteres?|criteria|criterion)\b.{0,30}\b(couverts?|covered)\b",
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
]
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
