"""Draft review: per-criterion gap feedback (formative, never a grade)."""
