"""Incremental against full sync, measured side by side: ``make bench`` / ``make bench-quick``."""
