"""The konnectlite data-plane agent.

It registers a node with a control plane, keeps one WebSocket open to it, and mirrors the
config it receives into a local SQLite store that survives restarts. Plugins loaded into the
agent see changes as Kong-style worker events and read entities through an in-memory index.

The package is plain Python: it shares only ``kongcore`` (wire protocol and config hash) with
the control plane and never imports Django.
"""
