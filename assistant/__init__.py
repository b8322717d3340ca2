"""Jury Blanc: a grounded assistant for candidates of an RNCP title (read from a certification pack)."""

__version__ = "0.1.0"
