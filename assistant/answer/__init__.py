"""Grounded answers with citations: structured (codes, cross-cutting), extractive, or LLM."""
