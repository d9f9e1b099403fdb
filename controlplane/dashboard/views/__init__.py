"""Dashboard views, one module per resource; each function is one action."""
