"""The config hash: an order-independent digest of every entity in a config.

Algorithm (documented in docs/sync-protocol.md, so that any data plane can compute it):

1. An entity's canonical form is its JSON with keys sorted, no insignificant whitespace,
   non-ASCII characters kept as UTF-8 (``json.dumps(sort_keys=True, separators=(",", ":"),
   ensure_ascii=False)``).
2. Its digest is SHA-256 over ``<entity type> "\\n" <canonical form>``, read as a 256-bit
   big-endian unsigned integer.
3. The config hash is the sum of all entity digests modulo 2**256, written as 64 lowercase
   hex digits. The empty config hashes to 64 zeros.

Because the sum is commutative, a change updates the hash in O(1): subtract the old
entity's digest, add the new one's. No one has to re-read the whole config.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

MODULUS = 1 << 256
EMPTY_HASH = "0" * 64


def canonical_json(entity: Mapping[str, Any]) -> bytes:
    return json.dumps(entity, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entity_digest(entity_type: str, entity: Mapping[str, Any]) -> int:
    payload = entity_type.encode() + b"\n" + canonical_json(entity)
    return int.from_bytes(hashlib.sha256(payload).digest(), "big")


def format_hash(value: int) -> str:
    return f"{value % MODULUS:064x}"


def apply_change(
    config_hash: str,
    entity_type: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
) -> str:
    """Return the hash after replacing ``old`` with ``new`` (either may be None)."""
    value = int(config_hash, 16)
    if old is not None:
        value -= entity_digest(entity_type, old)
    if new is not None:
        value += entity_digest(entity_type, new)
    return format_hash(value)


def config_hash(config: Mapping[str, Iterable[Mapping[str, Any]]]) -> str:
    """Hash a whole config given as ``{entity_type: [entity, ...]}``."""
    total = 0
    for entity_type, entities in config.items():
        for entity in entities:
            total += entity_digest(entity_type, entity)
    return format_hash(total)
