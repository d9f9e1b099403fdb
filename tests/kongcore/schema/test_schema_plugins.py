import pytest

from kongcore.schema import SchemaViolation, get_schema, plugin_names

PLUGINS = get_schema("plugins")
ID = "58076db2-28b6-423b-ba39-a797193017f7"


def violation(data, **kwargs):
    with pytest.raises(SchemaViolation) as info:
        PLUGINS.validate(data, **kwargs)
    return info.value


def test_required_plugins_are_bundled():
    names = plugin_names()
    for name in ("key-auth", "rate-limiting"):
        assert name in names
    assert names == sorted(names)


def test_plugin_entity_has_kong_field_order():
    plugin = PLUGINS.validate({"name": "key-auth"})
    assert list(plugin) == [
        "id",
        "name",
        "instance_name",
        "created_at",
        "updated_at",
        "route",
        "service",
        "consumer",
        "consumer_group",
        "config",
        "protocols",
        "enabled",
        "tags",
        "ordering",
    ]
    assert plugin["protocols"] == ["grpc", "grpcs", "http", "https"]
    assert plugin["enabled"] is True


def test_rate_limiting_fills_kong_defaults():
    plugin = PLUGINS.validate({"name": "rate-limiting", "config": {"minute": 123}})
    assert plugin["config"] == {
        "second": None,
        "minute": 123,
        "hour": None,
        "day": None,
        "month": None,
        "year": None,
        "limit_by": "consumer",
        "header_name": None,
        "path": None,
        "policy": "local",
        "fault_tolerant": True,
        "redis": {
            "host": None,
            "port": 6379,
            "timeout": 2000,
            "username": None,
            "password": None,
            "database": 0,
            "ssl": False,
            "ssl_verify": False,
            "server_name": None,
        },
        "hide_client_headers": False,
        "error_code": 429,
        "error_message": "API rate limit exceeded",
        "sync_rate": -1,
    }


def test_rate_limiting_needs_at_least_one_limit():
    error = violation({"name": "rate-limiting"})
    assert error.fields == {
        "@entity": [
            "at least one of these fields must be non-empty: 'config.second', "
            "'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year'"
        ]
    }


def test_plugin_config_type_error_is_nested_under_config():
    error = violation({"name": "rate-limiting", "config": {"minute": "x"}})
    assert error.fields == {"config": {"minute": "expected a number"}}
    assert error.message == "schema violation (config.minute: expected a number)"


def test_rate_limiting_redis_policy_requires_host():
    error = violation({"name": "rate-limiting", "config": {"minute": 1, "policy": "redis"}})
    assert error.fields == {
        "config": {"redis": {"host": "required field missing"}},
        "@entity": ["failed conditional validation given value of field 'config.policy'"],
    }


def test_rate_limiting_accepts_legacy_flat_redis_fields():
    config = {"minute": 1, "policy": "redis", "redis_host": "redis.local", "redis_port": 6380}
    plugin = PLUGINS.validate({"name": "rate-limiting", "config": config})
    assert plugin["config"]["redis"]["host"] == "redis.local"
    assert plugin["config"]["redis"]["port"] == 6380
    assert "redis_host" not in plugin["config"]


def test_rate_limiting_longer_period_cannot_have_lower_limit():
    error = violation({"name": "rate-limiting", "config": {"second": 10, "minute": 5}})
    assert error.fields == {
        "config": "The limit for minute(5.0) cannot be lower than the limit for second(10.0)"
    }


def test_unknown_plugin_is_not_enabled():
    error = violation({"name": "rate-limiting-advanced", "config": {}})
    assert error.fields == {
        "name": "plugin 'rate-limiting-advanced' not enabled; add it to the 'plugins' "
        "configuration property"
    }


def test_plugin_name_is_required():
    assert violation({"config": {}}).fields == {"name": "required field missing"}


def test_unknown_config_field_is_refused():
    error = violation({"name": "key-auth", "config": {"nope": True}})
    assert error.fields == {"config": {"nope": "unknown field"}}


def test_auth_plugin_cannot_be_scoped_to_a_consumer():
    error = violation({"name": "key-auth", "consumer": {"id": ID}})
    assert error.fields == {"consumer": "value must be null"}


def test_rate_limiting_can_be_scoped_everywhere():
    scope = {"id": ID}
    plugin = PLUGINS.validate(
        {
            "name": "rate-limiting",
            "config": {"second": 1},
            "route": scope,
            "service": scope,
            "consumer": scope,
            "consumer_group": scope,
        }
    )
    assert plugin["consumer"] == scope


def test_plugin_protocols_are_checked():
    error = violation({"name": "key-auth", "protocols": ["tcp"]})
    assert error.fields["protocols"].startswith("expected one of: grpc, grpcs, http, https")


def test_plugin_patch_merges_config_key_by_key():
    existing = PLUGINS.validate({"name": "rate-limiting", "config": {"minute": 5, "hour": 100}})
    patched = PLUGINS.validate({"config": {"minute": 10}}, existing=existing)
    assert patched["config"]["minute"] == 10
    assert patched["config"]["hour"] == 100
    assert patched["config"]["redis"]["port"] == 6379


def test_plugin_patch_merges_nested_config_records():
    existing = PLUGINS.validate({"name": "rate-limiting", "config": {"minute": 5}})
    patched = PLUGINS.validate({"config": {"redis": {"host": "r"}}}, existing=existing)
    assert patched["config"]["redis"]["host"] == "r"
    assert patched["config"]["redis"]["timeout"] == 2000


def test_plugin_patch_replaces_config_arrays():
    existing = PLUGINS.validate({"name": "key-auth", "config": {"key_names": ["a", "b"]}})
    patched = PLUGINS.validate({"config": {"key_names": ["c"]}}, existing=existing)
    assert patched["config"]["key_names"] == ["c"]


def test_plugin_accepts_enterprise_ordering():
    ordering = {"before": {"access": ["basic-auth"]}}
    plugin = PLUGINS.validate({"name": "key-auth", "ordering": ordering})
    assert plugin["ordering"] == {"before": {"access": ["basic-auth"]}, "after": None}


def test_plugin_schema_metadata():
    assert PLUGINS.endpoint_key == "instance_name"
    assert PLUGINS.unique_together == (("name", "route", "service", "consumer", "consumer_group"),)
    assert {k: fk.on_delete for k, fk in PLUGINS.foreign_keys.items()} == {
        "route": "cascade",
        "service": "cascade",
        "consumer": "cascade",
        "consumer_group": "cascade",
    }
