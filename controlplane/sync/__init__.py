"""The control plane's side of the sync protocol, apart from the consumer itself."""
