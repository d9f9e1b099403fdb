"""Code shared by the control plane and the data-plane agent.

Nothing here imports Django: entity schemas, the config hash and the sync protocol's messages.
"""
