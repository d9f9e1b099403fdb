"""The layout of a decK file: which collections exist, how they nest, what is not supported.

This is the one place that knows decK's names (``keyauth_credentials`` under a consumer,
``groups`` as consumer-group references, ``snis`` under a certificate) and the Kong
Enterprise features a Kong Gateway (OSS) control plane refuses.
"""

from kongcore.schema import ENTITY_TYPES

MEMBERSHIP = "consumer_group_consumers"

# Collections accepted at the top of a file: decK's, plus every other type Kong's own
# declarative format accepts there (targets, snis, credentials with a ``consumer`` reference).
TOP_LEVEL: tuple[str, ...] = tuple(kind for kind in ENTITY_TYPES if kind != MEMBERSHIP)

# parent type -> {key in the parent's entry: (child type, the child's field naming the parent)}
CHILDREN: dict[str, dict[str, tuple[str, str]]] = {
    "services": {"routes": ("routes", "service"), "plugins": ("plugins", "service")},
    "routes": {"plugins": ("plugins", "route")},
    "consumers": {
        "plugins": ("plugins", "consumer"),
        "keyauth_credentials": ("keyauth_credentials", "consumer"),
        "basicauth_credentials": ("basicauth_credentials", "consumer"),
        "hmacauth_credentials": ("hmacauth_credentials", "consumer"),
        "jwt_secrets": ("jwt_secrets", "consumer"),
        "acls": ("acls", "consumer"),
        "groups": (MEMBERSHIP, "consumer"),
    },
    "consumer_groups": {
        "plugins": ("plugins", "consumer_group"),
        "consumers": (MEMBERSHIP, "consumer_group"),
    },
    "upstreams": {"targets": ("targets", "upstream")},
    "certificates": {"snis": ("snis", "certificate")},
    "key_sets": {"keys": ("keys", "set")},
}

# Children that are references to existing entities rather than entities: the entry names
# the other side of a membership.
MEMBERSHIP_SIDES = {
    ("consumers", "groups"): "consumer_group",
    ("consumer_groups", "consumers"): "consumer",
}

META_KEYS = frozenset(
    {"_format_version", "_info", "_plugin_configs", "_konnect", "_transform", "_workspace"}
)
FORMAT_VERSIONS = ("1.1", "2.1", "3.0")

ENTERPRISE = "a Kong Enterprise feature, not supported by a Kong Gateway (OSS) control plane"


def _enterprise(what: str) -> str:
    return f"{what}: {ENTERPRISE}"


UNSUPPORTED_TOP_LEVEL: dict[str, str] = {
    "workspaces": _enterprise("workspaces"),
    "rbac_roles": _enterprise("RBAC roles"),
    "rbac_users": _enterprise("RBAC users"),
    "rbac_endpoint_permissions": _enterprise("RBAC endpoint permissions"),
    "partials": _enterprise("partials (shared plugin config)"),
    "licenses": _enterprise("licenses"),
    "custom_entities": _enterprise(
        "custom entities (degraphql_routes, graphql_ratelimiting_cost_decorations) of "
        "Enterprise plugins"
    ),
    "degraphql_routes": _enterprise("degraphql routes"),
    "graphql_ratelimiting_cost_decorations": _enterprise("GraphQL cost decorations"),
    "consumer_group_plugins": _enterprise("consumer-group plugin overrides"),
    "cloned_plugins": _enterprise("cloned plugins"),
    "custom_plugins": "custom plugins streamed through the Admin API: not supported",
    "filter_chains": "filter chains (WebAssembly filters): not supported",
    "service_packages": "Konnect service packages: not supported",
    "ai_models": _enterprise("AI models"),
    "oauth2_credentials": "oauth2 credentials: not supported (the oauth2 plugin is not bundled)",
    "mtls_auth_credentials": _enterprise("mtls-auth credentials"),
    "event_hooks": _enterprise("event hooks"),
    "developers": _enterprise("Dev Portal developers"),
    "admins": _enterprise("admins"),
}

UNSUPPORTED_CHILDREN: dict[tuple[str, str], str] = {
    ("services", "filter_chains"): UNSUPPORTED_TOP_LEVEL["filter_chains"],
    ("routes", "filter_chains"): UNSUPPORTED_TOP_LEVEL["filter_chains"],
    ("consumers", "oauth2_credentials"): UNSUPPORTED_TOP_LEVEL["oauth2_credentials"],
    ("consumers", "mtls_auth_credentials"): UNSUPPORTED_TOP_LEVEL["mtls_auth_credentials"],
    ("plugins", "partials"): UNSUPPORTED_TOP_LEVEL["partials"],
}

INFO_KEYS = frozenset(
    {
        "select_tags",
        "default_lookup_tags",
        "defaults",
        "consumer_group_policy_overrides",
        "skip_hash_for_basic_auth",
    }
)
# decK's ``_info.defaults`` sections and the entity type each fills.
DEFAULTS_SECTIONS = {
    "service": "services",
    "route": "routes",
    "upstream": "upstreams",
    "target": "targets",
}

ENTERPRISE_PLUGINS = frozenset(
    {
        "ai-azure-content-safety", "ai-proxy-advanced", "ai-rate-limiting-advanced",
        "ai-semantic-cache", "ai-semantic-prompt-guard", "app-dynamics",
        "application-registration", "canary", "confluent", "datakit", "degraphql",
        "exit-transformer", "forward-proxy", "graphql-proxy-cache-advanced",
        "graphql-rate-limiting-advanced", "header-cert-auth", "injection-protection",
        "jq", "json-threat-protection", "jwe-decrypt", "jwt-signer", "kafka-consume",
        "kafka-log", "kafka-upstream", "key-auth-enc", "konnect-application-auth",
        "ldap-auth-advanced", "mocking", "mtls-auth", "oas-validation", "oauth2-introspection",
        "opa", "openid-connect", "proxy-cache-advanced", "rate-limiting-advanced",
        "request-transformer-advanced", "request-validator", "response-transformer-advanced",
        "route-by-header", "route-transformer-advanced", "saml", "service-protection",
        "statsd-advanced", "tls-handshake-modifier", "tls-metadata-headers",
        "upstream-oauth", "upstream-timeout", "vault-auth", "websocket-size-limit",
        "websocket-validator", "xml-threat-protection",
    }
)  # fmt: skip

ENTERPRISE_PLUGIN = "plugin '{}' is " + ENTERPRISE

# The field that names an entry in error paths (``services[name=billing]``). Secrets such as
# key-auth keys are never used; entries without one are named by their index.
NAMING_FIELDS: dict[str, str] = {
    "services": "name",
    "routes": "name",
    "consumers": "username",
    "consumer_groups": "name",
    "upstreams": "name",
    "targets": "target",
    "snis": "name",
    "key_sets": "name",
    "keys": "name",
    "vaults": "prefix",
    "basicauth_credentials": "username",
    "hmacauth_credentials": "username",
    "acls": "group",
    "plugins": "instance_name",
}
