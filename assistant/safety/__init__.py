"""safety layer."""
