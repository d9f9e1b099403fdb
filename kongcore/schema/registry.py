"""Which entity types exist, in dependency order, and where their schemas live."""

from __future__ import annotations

import importlib

from kongcore.schema.entity import EntitySchema

# Referenced types come before the types that reference them, so a caller can
# create in this order and delete in reverse.
_MODULES: dict[str, str] = {
    "vaults": "vaults",
    "certificates": "certificates",
    "ca_certificates": "ca_certificates",
    "snis": "snis",
    "services": "services",
    "routes": "routes",
    "consumers": "consumers",
    "consumer_groups": "consumer_groups",
    "consumer_group_consumers": "consumer_group_consumers",
    "upstreams": "upstreams",
    "targets": "targets",
    "key_sets": "key_sets",
    "keys": "keys",
    "plugins": "plugins",
    "keyauth_credentials": "keyauth_credentials",
    "basicauth_credentials": "basicauth_credentials",
    "acls": "acls",
    "jwt_secrets": "jwt_secrets",
    "hmacauth_credentials": "hmacauth_credentials",
}

ENTITY_TYPES: tuple[str, ...] = tuple(_MODULES)


def get_schema(entity_type: str) -> EntitySchema:
    """The schema of `entity_type`; KeyError when the type is unknown."""
    module = importlib.import_module(f"kongcore.schema.entities.{_MODULES[entity_type]}")
    schema: EntitySchema = module.schema
    return schema
