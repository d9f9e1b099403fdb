"""One module per Kong entity type; each exposes a module-level `schema`."""
