"""One module per figure of the issue; each ``measure(ctx)`` returns a JSON-ready dict."""
