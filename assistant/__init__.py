"""Jury Blanc: a grounded assistant for the RNCP "Manager de la stratégie digitale"."""

__version__ = "0.1.0"
