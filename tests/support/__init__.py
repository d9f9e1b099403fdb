"""Helpers shared by the tests that start real processes."""
