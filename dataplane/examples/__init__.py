"""Example plugins for the data-plane agent; see docs/dataplane.md."""
