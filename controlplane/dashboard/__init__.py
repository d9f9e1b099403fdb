"""The browser face of konnectlite: server-rendered pages, htmx, and live WebSocket updates."""
