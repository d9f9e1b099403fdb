import pytest

from kongcore.schema import SchemaViolation, get_schema, plugin_names

PLUGINS = get_schema("plugins")
ID = {"id": "58076db2-28b6-423b-ba39-a797193017f7"}


def config_of(name, config=None):
    data = {"name": name} if config is None else {"name": name, "config": config}
    return PLUGINS.validate(data)


def violation(data):
    with pytest.raises(SchemaViolation) as info:
        PLUGINS.validate(data)
    return info.value


def test_enterprise_plugins_are_not_bundled():
    for name in ("rate-limiting-advanced", "openid-connect", "degraphql"):
        assert name not in plugin_names()


def test_request_termination_defaults_to_503():
    config = config_of("request-termination")["config"]
    assert (config["status_code"], config["echo"], config["message"]) == (503, False, None)


def test_request_termination_refuses_message_with_body():
    error = violation({"name": "request-termination", "config": {"message": "m", "body": "b"}})
    assert error.fields == {"config": "message cannot be used with content_type or body"}


def test_response_transformer_has_json_types():
    config = config_of("response-transformer")["config"]
    assert config["add"] == {"json": [], "json_types": [], "headers": []}
    assert config["remove"] == {"json": [], "headers": []}


def test_prometheus_flags_default_off_and_any_protocol_is_allowed():
    plugin = PLUGINS.validate({"name": "prometheus", "protocols": ["tcp"]})
    assert plugin["config"]["per_consumer"] is False


def test_ip_restriction_default_protocols_include_stream():
    plugin = config_of("ip-restriction", {"allow": ["10.0.0.0/8", "::1"]})
    assert plugin["protocols"] == ["grpc", "grpcs", "http", "https", "tcp", "tls"]
    error = violation({"name": "ip-restriction", "config": {"deny": ["nope"]}})
    assert error.fields == {"config": {"deny": "invalid ip or cidr range: 'nope'"}}


def test_hmac_auth_defaults_and_consumer_scope():
    config = config_of("hmac-auth")["config"]
    assert config["clock_skew"] == 300
    assert config["algorithms"] == ["hmac-sha1", "hmac-sha256", "hmac-sha384", "hmac-sha512"]
    assert violation({"name": "hmac-auth", "consumer": ID}).fields == {
        "consumer": "value must be null"
    }


def test_file_log_needs_a_valid_path():
    assert config_of("file-log", {"path": "/tmp/kong.log"})["config"]["reopen"] is False
    error = violation({"name": "file-log", "config": {"path": "/tmp/*.log"}})
    assert error.fields == {"config": {"path": "not a valid filename"}}


def test_http_log_fills_queue_defaults_and_maps_legacy_fields():
    config = config_of("http-log", {"http_endpoint": "http://logs:9000", "queue_size": 5})["config"]
    assert config["queue"]["max_batch_size"] == 5
    assert config["queue"]["max_entries"] == 10000
    assert (config["method"], config["content_type"]) == ("POST", "application/json")
    error = violation({"name": "http-log", "config": {"http_endpoint": "logs"}})
    assert error.fields == {"config": {"http_endpoint": "missing host in url"}}


def test_bot_detection_and_proxy_cache_defaults():
    assert config_of("bot-detection")["config"] == {"allow": [], "deny": []}
    cache = config_of("proxy-cache", {"strategy": "memory"})["config"]
    assert cache["response_code"] == [200, 301, 404]
    assert cache["memory"] == {"dictionary_name": "kong_db_cache"}
    assert cache["response_headers"] == {"age": True, "X-Cache-Status": True, "X-Cache-Key": True}


def test_request_size_limiting_defaults():
    config = config_of("request-size-limiting")["config"]
    assert (config["allowed_payload_size"], config["size_unit"]) == (128, "megabytes")


def test_acme_is_global_only_and_needs_tos_for_letsencrypt():
    config = {"account_email": "a@b.c", "api_uri": "https://acme-v02.api.letsencrypt.org"}
    error = violation({"name": "acme", "config": config})
    assert error.fields["@entity"] == [
        "terms of service must be accepted, see https://letsencrypt.org/repository/"
    ]
    plugin = config_of("acme", {**config, "tos_accepted": True})
    assert plugin["config"]["storage_config"]["shm"] == {"shm_name": "kong"}
    error = violation({"name": "acme", "service": ID, "config": {"account_email": "a@b.c"}})
    assert error.fields == {"service": "value must be null"}


def test_vault_references_skip_format_validation():
    plugin = config_of("acme", {"account_email": "{vault://env/acme-email}"})
    assert plugin["config"]["account_email"] == "{vault://env/acme-email}"
