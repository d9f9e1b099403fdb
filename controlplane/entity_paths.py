"""Kong Admin API path names, mapped to entity types, and the nested collections.

Kong names some collections differently from their entity types (``key-sets`` holds
``key_sets``, ``/consumers/{x}/key-auth`` holds ``keyauth_credentials``); this is the one
place that knows.
"""

from kongcore.schema import ENTITY_TYPES

_COLLECTIONS = {
    "services": "services",
    "routes": "routes",
    "consumers": "consumers",
    "plugins": "plugins",
    "upstreams": "upstreams",
    "targets": "targets",
    "certificates": "certificates",
    "snis": "snis",
    "ca_certificates": "ca_certificates",
    "keys": "keys",
    "key-sets": "key_sets",
    "consumer_groups": "consumer_groups",
    "key-auths": "keyauth_credentials",
    "basic-auths": "basicauth_credentials",
    "acls": "acls",
    "jwts": "jwt_secrets",
    "hmac-auths": "hmacauth_credentials",
    "vaults": "vaults",
}

# (parent collection, child path) -> (child entity type, the child's field naming the parent)
_NESTED = {
    ("services", "routes"): ("routes", "service"),
    ("services", "plugins"): ("plugins", "service"),
    ("routes", "plugins"): ("plugins", "route"),
    ("consumers", "plugins"): ("plugins", "consumer"),
    ("consumer_groups", "plugins"): ("plugins", "consumer_group"),
    ("consumers", "key-auth"): ("keyauth_credentials", "consumer"),
    ("consumers", "basic-auth"): ("basicauth_credentials", "consumer"),
    ("consumers", "acls"): ("acls", "consumer"),
    ("consumers", "jwt"): ("jwt_secrets", "consumer"),
    ("consumers", "hmac-auth"): ("hmacauth_credentials", "consumer"),
    ("upstreams", "targets"): ("targets", "upstream"),
    ("certificates", "snis"): ("snis", "certificate"),
    ("key-sets", "keys"): ("keys", "set"),
}

COLLECTIONS = {path: kind for path, kind in _COLLECTIONS.items() if kind in ENTITY_TYPES}
NESTED = {
    key: value
    for key, value in _NESTED.items()
    if key[0] in COLLECTIONS and value[0] in ENTITY_TYPES
}
PATHS = {kind: path for path, kind in COLLECTIONS.items()}


def entity_type_for(collection: str) -> str | None:
    return COLLECTIONS.get(collection)


def nested_for(parent_collection: str, child: str) -> tuple[str, str] | None:
    return NESTED.get((parent_collection, child))
