"""A seeded, realistic Kong config of any size, as flat entity lists ready to load.

The mix follows what Kong's incremental-sync documentation pictures (30,000 entities, about
30 MB): services with several routes each, plugins on services and routes, and consumers with
key-auth credentials and ACL groups. Every 20 entities form one "API":

    1 service balanced over 1 upstream with 2 targets, 4 routes, 6 plugins (rate-limiting,
    key-auth and acl on the service; request-transformer on two routes, cors on one),
    2 consumers, 2 key-auth credentials, 2 ACL groups.

Entities carry their ids and reference each other by id, so they load in ``ENTITY_TYPES``
order without name lookups. The same seed always yields the same config.
"""

import random
import uuid
from typing import Any

Config = dict[str, list[dict[str, Any]]]

ENTITIES_PER_API = 20
TIMESTAMP = 1_735_689_600  # 2025-01-01, so that two runs produce byte-identical configs

_WORDS = (
    *("billing", "orders", "payments", "catalog", "inventory", "shipping", "accounts"),
    *("profiles", "search", "reviews", "pricing", "invoices", "ledger", "identity"),
    *("sessions", "notifications", "media", "reports", "analytics", "loyalty"),
)
_RESOURCES = (
    *("items", "users", "carts", "quotes", "refunds"),
    *("events", "stores", "tickets", "offers", "plans"),
)
_TEAMS = ("platform", "checkout", "growth", "core", "data", "mobile", "partner", "risk")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_CREDENTIAL_TAGS = ["issued-by:developer-portal", "rotation:90d", "env:production"]


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def new(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def generate(total: int, seed: int = 42) -> Config:
    """``total`` entities (at least ``ENTITIES_PER_API``) in the mix described above."""
    if total < ENTITIES_PER_API:
        raise ValueError(f"a config needs at least {ENTITIES_PER_API} entities")
    rng = random.Random(seed)
    ids = _Ids(rng)
    config: Config = {}
    apis = total // ENTITIES_PER_API
    for number in range(apis):
        _add(config, _api(number, rng, ids))
    for extra in range(total - apis * ENTITIES_PER_API):
        config.setdefault("consumers", []).append(_consumer(apis, 100 + extra, rng, ids))
    return config


def count(config: Config) -> int:
    return sum(len(rows) for rows in config.values())


def _add(config: Config, part: Config) -> None:
    for entity_type, rows in part.items():
        config.setdefault(entity_type, []).extend(rows)


def _api(number: int, rng: random.Random, ids: _Ids) -> Config:
    word = f"{rng.choice(_WORDS)}-{number:05d}"
    team = rng.choice(_TEAMS)
    upstream = _upstream(word, team, ids)
    service = _service(word, team, upstream["name"], rng, ids)
    routes = [_route(word, team, index, service["id"], rng, ids) for index in range(4)]
    consumers = [_consumer(number, index, rng, ids) for index in range(2)]
    group = f"{word}-clients"
    return {
        "services": [service],
        "routes": routes,
        "consumers": consumers,
        "upstreams": [upstream],
        "targets": [_target(upstream["id"], number, index, ids) for index in range(2)],
        "plugins": _plugins(word, team, service["id"], routes, group, rng, ids),
        "keyauth_credentials": [_key(consumer["id"], rng, ids) for consumer in consumers],
        "acls": [_acl(consumer["id"], group, ids) for consumer in consumers],
    }


def _stamp(entity: dict[str, Any], ids: _Ids) -> dict[str, Any]:
    return {"id": ids.new(), "created_at": TIMESTAMP, "updated_at": TIMESTAMP, **entity}


def _tags(team: str, *more: str) -> list[str]:
    return [
        f"team:{team}",
        f"owner:{team}-oncall@example.com",
        "env:production",
        "managed-by:konnectlite-bench",
        *more,
    ]


def _service(word: str, team: str, upstream: str, rng: random.Random, ids: _Ids) -> dict[str, Any]:
    return _stamp(
        {
            "name": word,
            "protocol": "http",
            "host": upstream,
            "port": rng.choice((8080, 8000, 9000, 3000)),
            "path": f"/api/v{rng.randint(1, 3)}",
            "retries": rng.choice((3, 5)),
            "connect_timeout": 5000,
            "read_timeout": rng.choice((30000, 60000)),
            "write_timeout": 60000,
            "tags": _tags(team, f"service:{word}", f"cost-center:{rng.randint(1000, 9999)}"),
        },
        ids,
    )


def _route(
    word: str, team: str, index: int, service_id: str, rng: random.Random, ids: _Ids
) -> dict[str, Any]:
    resource = rng.choice(_RESOURCES)
    methods = sorted(rng.sample(_METHODS, rng.randint(1, 3)), key=_METHODS.index)
    return _stamp(
        {
            "name": f"{word}-{resource}-{index}",
            "protocols": ["http", "https"],
            "methods": methods,
            "hosts": [f"{word}.api.example.com", f"{word}.internal.example.com"],
            "paths": [f"/{word}/v{v}/{resource}/{index}" for v in (1, 2, 3)],
            "headers": {"x-tenant": [f"{word}-eu", f"{word}-us"]},
            "strip_path": rng.random() < 0.7,
            "preserve_host": False,
            "service": {"id": service_id},
            "tags": _tags(team, f"service:{word}", f"route:{resource}"),
        },
        ids,
    )


def _upstream(word: str, team: str, ids: _Ids) -> dict[str, Any]:
    checks = {"active": {"http_path": "/healthz", "healthy": {"interval": 10, "successes": 2}}}
    upstream = {"name": f"{word}.upstream", "healthchecks": checks, "tags": _tags(team)}
    return _stamp(upstream, ids)


def _target(upstream_id: str, number: int, index: int, ids: _Ids) -> dict[str, Any]:
    address = f"10.{number // 250 % 250}.{number % 250}.{10 + index}:8080"
    target = {"target": address, "weight": 100, "upstream": {"id": upstream_id}}
    return {"id": ids.new(), "created_at": TIMESTAMP, **target, "tags": ["pool:blue"]}


def _consumer(number: int, index: int, rng: random.Random, ids: _Ids) -> dict[str, Any]:
    team = rng.choice(_TEAMS)
    return _stamp(
        {
            "username": f"client-{number:05d}-{index}",
            "custom_id": f"crm-{rng.getrandbits(40):010x}",
            "tags": _tags(team, f"tier:{rng.choice(('free', 'pro', 'enterprise'))}"),
        },
        ids,
    )


def _key(consumer_id: str, rng: random.Random, ids: _Ids) -> dict[str, Any]:
    key = {"key": f"{rng.getrandbits(128):032x}", "consumer": {"id": consumer_id}}
    return {"id": ids.new(), "created_at": TIMESTAMP, **key, "tags": _CREDENTIAL_TAGS}


def _acl(consumer_id: str, group: str, ids: _Ids) -> dict[str, Any]:
    acl = {"group": group, "consumer": {"id": consumer_id}, "tags": _CREDENTIAL_TAGS}
    return {"id": ids.new(), "created_at": TIMESTAMP, **acl}


def _plugins(
    word: str,
    team: str,
    service_id: str,
    routes: list[dict[str, Any]],
    group: str,
    rng: random.Random,
    ids: _Ids,
) -> list[dict[str, Any]]:
    on_service = {"service": {"id": service_id}}
    limits = {"second": rng.choice((10, 20, 50)), "minute": rng.choice((300, 600, 1200))}
    plugins = [
        ("rate-limiting", on_service, {**limits, "policy": "local", "limit_by": "consumer"}),
        ("key-auth", on_service, {"key_names": ["apikey", "x-api-key"], "hide_credentials": True}),
        ("acl", on_service, {"allow": [group, "internal-tools"], "hide_groups_header": True}),
        ("request-transformer", {"route": {"id": routes[0]["id"]}}, _transform(word, rng)),
        ("request-transformer", {"route": {"id": routes[1]["id"]}}, _transform(word, rng)),
        ("cors", {"route": {"id": routes[2]["id"]}}, _cors(word)),
    ]
    tags = _tags(team, f"service:{word}")
    return [
        _stamp({"name": name, **target, "config": config, "tags": tags}, ids)
        for name, target, config in plugins
    ]


def _transform(word: str, rng: random.Random) -> dict[str, Any]:
    return {
        "add": {
            "headers": [
                f"x-upstream-service:{word}",
                f"x-request-tier:{rng.randint(1, 4)}",
                f"x-cost-center:{rng.randint(1000, 9999)}",
            ],
            "querystring": [f"source:gateway-{rng.randint(1, 9)}"],
        },
        "remove": {"headers": ["x-debug", "x-internal-token", "x-forwarded-user"]},
        "rename": {"headers": ["x-client-id:x-consumer-ref"], "querystring": ["v:api_version"]},
    }


def _cors(word: str) -> dict[str, Any]:
    return {
        "origins": [f"https://{word}.example.com", "https://portal.example.com"],
        "methods": ["GET", "POST", "OPTIONS"],
        "headers": ["Authorization", "Content-Type", "X-Request-Id"],
        "credentials": True,
        "max_age": 3600,
    }
