import pytest

from kongcore.schema import SchemaViolation, get_schema

UPSTREAMS = get_schema("upstreams")
TARGETS = get_schema("targets")
UPSTREAM = {"id": "58076db2-28b6-423b-ba39-a797193017f7"}


def violation(schema, data, **kwargs):
    with pytest.raises(SchemaViolation) as info:
        schema.validate(data, **kwargs)
    return info.value


def test_upstream_defaults_include_kong_healthcheck_tree():
    upstream = UPSTREAMS.validate({"name": "upstream1"})
    assert upstream["algorithm"] == "round-robin"
    assert (upstream["hash_on"], upstream["hash_fallback"], upstream["slots"]) == (
        "none",
        "none",
        10000,
    )
    assert upstream["hash_on_cookie_path"] == "/"
    active = upstream["healthchecks"]["active"]
    assert active["healthy"] == {"interval": 0, "http_statuses": [200, 302], "successes": 0}
    assert active["unhealthy"]["http_statuses"] == [429, 404, 500, 501, 502, 503, 504, 505]
    assert (active["type"], active["timeout"], active["concurrency"], active["http_path"]) == (
        "http",
        1,
        10,
        "/",
    )
    passive = upstream["healthchecks"]["passive"]
    assert passive["unhealthy"] == {
        "http_statuses": [429, 500, 503],
        "tcp_failures": 0,
        "timeouts": 0,
        "http_failures": 0,
    }
    assert upstream["healthchecks"]["threshold"] == 0


def test_upstream_partial_healthchecks_keep_other_defaults():
    upstream = UPSTREAMS.validate(
        {"name": "u", "healthchecks": {"active": {"healthy": {"interval": 5}}}}
    )
    assert upstream["healthchecks"]["active"]["healthy"] == {
        "interval": 5,
        "http_statuses": [200, 302],
        "successes": 0,
    }
    assert upstream["healthchecks"]["passive"]["type"] == "http"


def test_upstream_name_must_be_a_hostname():
    assert violation(UPSTREAMS, {"name": "10.0.0.1"}).fields == {
        "name": "Invalid name ('10.0.0.1'); no ip addresses allowed"
    }
    assert violation(UPSTREAMS, {"name": "a:80"}).fields == {
        "name": "Invalid name ('a:80'); no port allowed"
    }


def test_upstream_algorithm_is_checked():
    error = violation(UPSTREAMS, {"name": "u", "algorithm": "random"})
    assert error.fields["algorithm"].startswith("expected one of: consistent-hashing")


def test_upstream_hash_on_header_needs_a_header_name():
    error = violation(UPSTREAMS, {"name": "u", "hash_on": "header"})
    assert error.fields == {
        "hash_on_header": "required field missing",
        "@entity": ["failed conditional validation given value of field 'hash_on'"],
    }


def test_upstream_hash_fallback_must_be_none_without_hash_on():
    error = violation(UPSTREAMS, {"name": "u", "hash_fallback": "ip"})
    assert error.fields["hash_fallback"] == "expected one of: none"


def test_upstream_healthcheck_counter_range():
    data = {"name": "u", "healthchecks": {"passive": {"unhealthy": {"timeouts": 300}}}}
    error = violation(UPSTREAMS, data)
    assert error.fields == {
        "healthchecks": {
            "passive": {"unhealthy": {"timeouts": "value should be between 0 and 255"}}
        }
    }


def test_upstream_patch_merges_healthchecks():
    existing = UPSTREAMS.validate({"name": "u"})
    patched = UPSTREAMS.validate(
        {"healthchecks": {"active": {"http_path": "/status"}}}, existing=existing
    )
    assert patched["healthchecks"]["active"]["http_path"] == "/status"
    assert patched["healthchecks"]["active"]["concurrency"] == 10


def test_target_gets_default_port_and_weight():
    target = TARGETS.validate({"upstream": UPSTREAM, "target": "198.51.100.11"})
    assert (target["target"], target["weight"]) == ("198.51.100.11:8000", 100)


def test_target_keeps_explicit_port_and_brackets_ipv6():
    assert TARGETS.validate({"upstream": UPSTREAM, "target": "a.org:80"})["target"] == "a.org:80"
    assert TARGETS.validate({"upstream": UPSTREAM, "target": "::1"})["target"] == "[::1]:8000"


def test_target_weight_zero_is_allowed_and_range_checked():
    assert TARGETS.validate({"upstream": UPSTREAM, "target": "a", "weight": 0})["weight"] == 0
    error = violation(TARGETS, {"upstream": UPSTREAM, "target": "a", "weight": 70000})
    assert error.fields == {"weight": "value should be between 0 and 65535"}


def test_target_needs_upstream_and_valid_target():
    assert violation(TARGETS, {"target": "a"}).fields == {"upstream": "required field missing"}
    error = violation(TARGETS, {"upstream": UPSTREAM, "target": "a b"})
    assert error.fields == {"target": "Invalid target ('a b'); not a valid hostname or ip address"}


def test_target_schema_metadata():
    assert TARGETS.endpoint_key == "target"
    assert TARGETS.unique_together == (("upstream", "target"),)
    assert TARGETS.foreign_keys["upstream"].on_delete == "cascade"
