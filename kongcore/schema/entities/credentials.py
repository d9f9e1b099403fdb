"""Pieces shared by consumer credential entities."""

from __future__ import annotations

import secrets

from kongcore.schema import typedefs as T
from kongcore.schema.record import Foreign


def random_secret() -> str:
    """32 hex characters, the shape of Kong's generated keys and secrets."""
    return secrets.token_hex(16)


def owner() -> Foreign:
    return T.foreign("consumers", on_delete="cascade", required=True)
