"""Kong's bundled plugins beyond the first 19: defaults, valid configs, and each schema rule.

Every refused case is named after the rule of the plugin's schema.lua it ports, and asserts
Kong's error tree (field errors, "@entity" lists) exactly.
"""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from kongcore.schema import SchemaViolation, get_schema, plugin_names
from kongcore.schema.plugins.pre_function import lua_syntax_error

PLUGINS = get_schema("plugins")
URL = "http://collector.example.com:4318/v1/traces"

# Kong 3.x OSS's BUNDLED_PLUGINS (kong/constants.lua).
KONG_BUNDLED = {
    *("acl", "acme", "aws-lambda", "azure-functions", "basic-auth", "bot-detection"),
    *("ai-prompt-decorator", "ai-prompt-guard", "ai-prompt-template", "ai-proxy"),
    *("ai-request-transformer", "ai-response-transformer", "correlation-id", "cors"),
    *("datadog", "file-log", "grpc-gateway", "grpc-web", "hmac-auth", "http-log"),
    *("ip-restriction", "jwt", "key-auth", "ldap-auth", "loggly", "oauth2"),
    *("opentelemetry", "post-function", "pre-function", "prometheus", "proxy-cache"),
    *("rate-limiting", "redirect", "request-size-limiting", "request-termination"),
    *("request-transformer", "response-ratelimiting", "response-transformer", "session"),
    *("standard-webhooks", "statsd", "syslog", "tcp-log", "udp-log", "zipkin"),
}

OPENAI_CHAT = {
    "route_type": "llm/v1/chat",
    "auth": {"header_name": "Authorization", "header_value": "Bearer x"},
    "model": {"provider": "openai", "name": "gpt-4o"},
}
LDAP = {"ldap_host": "ldap.example.com", "base_dn": "dc=example,dc=com", "attribute": "uid"}


def validate(name: str, config: dict[str, Any] | None = None, **entity: Any) -> dict[str, Any]:
    data = {"name": name, **entity}
    if config is not None:
        data["config"] = config
    return PLUGINS.validate(data)


def refused(name: str, config: dict[str, Any] | None = None, **entity: Any) -> dict[str, Any]:
    with pytest.raises(SchemaViolation) as info:
        validate(name, config, **entity)
    return info.value.fields


def test_the_registered_plugins_are_exactly_kongs_bundled_ones():
    assert set(plugin_names()) == KONG_BUNDLED
    assert len(plugin_names()) == 45


# (plugin, the least config it accepts, defaults Kong fills: a subset of the result)
DEFAULTS = [
    ("grpc-web", None, {"proto": None, "pass_stripped_path": None, "allow_origin_header": "*"}),
    ("grpc-gateway", None, {"proto": None}),
    (
        "redirect",
        {"location": "https://example.com"},
        {"status_code": 301, "keep_incoming_path": False},
    ),
    (
        "pre-function",
        {"access": ["return"]},
        {"log": [], "certificate": [], "rewrite": [], "ws_close": []},
    ),
    (
        "post-function",
        {"log": ["return"]},
        {"access": [], "header_filter": [], "body_filter": [], "ws_handshake": []},
    ),
    (
        "tcp-log",
        {"host": "logs.example.com", "port": 514},
        {"timeout": 10000, "keepalive": 60000, "tls": False, "tls_sni": None},
    ),
    ("udp-log", {"host": "10.0.0.1", "port": 514}, {"timeout": 10000}),
    (
        "syslog",
        None,
        {"log_level": "info", "server_errors_severity": "info", "facility": "user"},
    ),
    (
        "loggly",
        {"key": "k"},
        {"host": "logs-01.loggly.com", "port": 514, "tags": ["kong"], "timeout": 10000},
    ),
    (
        "statsd",
        None,
        {"host": "localhost", "port": 8125, "prefix": "kong", "udp_packet_size": 0},
    ),
    (
        "datadog",
        None,
        {"host": "localhost", "port": 8125, "service_name_tag": "name", "consumer_tag": "consumer"},
    ),
    (
        "zipkin",
        None,
        {
            "local_service_name": "kong",
            "sample_ratio": 0.001,
            "traceid_byte_count": 16,
            "header_type": "preserve",
            "default_header_type": "b3",
            "propagation": {
                "extract": None,
                "clear": None,
                "inject": None,
                "default_format": "b3",
            },
        },
    ),
    (
        "opentelemetry",
        {"traces_endpoint": URL},
        {
            "connect_timeout": 1000,
            "send_timeout": 5000,
            "header_type": "preserve",
            "sampling_rate": None,
        },
    ),
    (
        "ldap-auth",
        LDAP,
        {"ldap_port": 389, "ldaps": False, "cache_ttl": 60, "header_type": "ldap"},
    ),
    (
        "azure-functions",
        {"appname": "app", "functionname": "fn"},
        {"timeout": 600000, "https": True, "hostdomain": "azurewebsites.net"},
    ),
    ("standard-webhooks", {"secret_v1": "s"}, {"tolerance_second": 300}),
    (
        "oauth2",
        {"enable_client_credentials": True},
        {
            "token_expiration": 7200,
            "refresh_token_ttl": 1209600,
            "pkce": "lax",
            "auth_header_name": "authorization",
        },
    ),
    (
        "session",
        None,
        {
            "storage": "cookie",
            "rolling_timeout": 3600,
            "cookie_same_site": "Strict",
            "logout_methods": ["POST", "DELETE"],
        },
    ),
    (
        "response-ratelimiting",
        {"limits": {"video": {"minute": 10}}},
        {"header_name": "x-kong-limit", "policy": "local", "block_on_first_violation": False},
    ),
    (
        "aws-lambda",
        None,
        {
            "timeout": 60000,
            "invocation_type": "RequestResponse",
            "port": 443,
            "aws_imds_protocol_version": "v1",
            "empty_arrays_mode": "legacy",
        },
    ),
    (
        "ai-prompt-decorator",
        {"prompts": {"prepend": [{"content": "Be brief."}]}},
        {"max_request_body_size": 8192, "llm_format": "openai"},
    ),
    (
        "ai-prompt-guard",
        {"deny_patterns": [".*password.*"]},
        {"allow_all_conversation_history": False, "match_all_roles": False},
    ),
    (
        "ai-prompt-template",
        {"templates": [{"name": "t", "template": "Hi {{name}}"}]},
        {"allow_untemplated_requests": True, "log_original_request": False},
    ),
    (
        "ai-proxy",
        OPENAI_CHAT,
        {
            "response_streaming": "allow",
            "model_name_header": True,
            "logging": {"log_statistics": False, "log_payloads": False},
        },
    ),
    (
        "ai-request-transformer",
        {"prompt": "p", "llm": OPENAI_CHAT},
        {"http_timeout": 60000, "https_verify": True, "http_proxy_host": None},
    ),
    (
        "ai-response-transformer",
        {"prompt": "p", "llm": OPENAI_CHAT},
        {"parse_llm_response_json_instructions": False, "http_timeout": 60000},
    ),
]


@pytest.mark.parametrize(("name", "config", "defaults"), DEFAULTS, ids=[d[0] for d in DEFAULTS])
def test_defaults_are_filled_as_kong_fills_them(name, config, defaults):
    result = validate(name, config)["config"]
    assert {key: result[key] for key in defaults} == defaults


def test_statsd_default_metrics_sample_counters_and_gauges_only():
    metrics = validate("statsd")["config"]["metrics"]
    assert len(metrics) == 13
    assert metrics[0] == {
        "name": "request_count",
        "stat_type": "counter",
        "sample_rate": 1,
        "consumer_identifier": None,
        "service_identifier": None,
        "workspace_identifier": None,
    }
    assert {m["name"] for m in metrics if m["sample_rate"] is None} == {
        "latency",
        "unique_users",
        "upstream_latency",
        "kong_latency",
    }


def test_datadog_default_metrics_tag_the_app_and_identify_by_custom_id():
    metrics = validate("datadog")["config"]["metrics"]
    assert [m["name"] for m in metrics] == [
        "request_count",
        "latency",
        "request_size",
        "response_size",
        "upstream_latency",
        "kong_latency",
    ]
    assert all(m["tags"] == ["app:kong"] for m in metrics)
    assert all(m["consumer_identifier"] == "custom_id" for m in metrics)


def test_opentelemetry_queue_defaults_to_batches_of_200():
    queue = validate("opentelemetry", {"traces_endpoint": URL})["config"]["queue"]
    assert queue["max_batch_size"] == 200
    assert queue["max_entries"] == 10000


def test_oauth2_generates_a_provision_key_when_absent():
    first = validate("oauth2", {"enable_password_grant": True})["config"]["provision_key"]
    assert isinstance(first, str) and len(first) == 32
    kept = validate("oauth2", {"enable_password_grant": True, "provision_key": "mine"})
    assert kept["config"]["provision_key"] == "mine"


def test_session_generates_an_alphanumeric_secret_when_absent():
    secret = validate("session")["config"]["secret"]
    assert len(secret) == 44 and secret.isalnum()


@pytest.mark.parametrize(
    ("name", "protocols"),
    [
        ("tcp-log", ["tcp", "udp"]),
        ("syslog", ["tls"]),
        ("grpc-web", ["tcp"]),
        ("session", ["tls"]),
        ("pre-function", ["tcp"]),
        ("proxy-cache", ["tcp"]),
        ("request-transformer", ["tls"]),
    ],
)
def test_plugins_declared_with_typedefs_protocols_accept_stream_protocols(name, protocols):
    config = {
        "tcp-log": {"host": "h", "port": 1},
        "proxy-cache": {"strategy": "memory"},
        "pre-function": {"certificate": ["return"]},
    }.get(name)
    assert validate(name, config, protocols=protocols)["protocols"] == protocols


@pytest.mark.parametrize(
    "name", ["redirect", "oauth2", "ldap-auth", "aws-lambda", "opentelemetry", "ai-proxy"]
)
def test_protocols_http_plugins_refuse_stream_protocols(name):
    fields = refused(name, protocols=["tcp"])
    assert fields["protocols"] == "expected one of: grpc, grpcs, http, https, ws, wss"


@pytest.mark.parametrize(
    "name",
    [
        "oauth2",
        "session",
        "ldap-auth",
        "pre-function",
        "post-function",
        "standard-webhooks",
        "ai-request-transformer",
    ],
)
def test_typedefs_no_consumer_refuses_a_consumer(name):
    fields = refused(name, consumer={"id": "58076db2-28b6-423b-ba39-a797193017f7"})
    assert fields["consumer"] == "value must be null"


VALID = [
    ("redirect-keep-path", "redirect", {"location": "https://a.example", "status_code": 308}),
    ("pre-function-access-snippet", "pre-function", {"access": ["kong.log.err('hi')"]}),
    (
        "pre-function-luajit-goto-and-vault-reference",
        "pre-function",
        {"rewrite": ["goto done\n::done::"], "access": ["{vault://env/snippet}"]},
    ),
    (
        "tcp-log-tls-with-lua-fields",
        "tcp-log",
        {"host": "h", "port": 1, "tls": True, "custom_fields_by_lua": {"a": "return 1"}},
    ),
    ("syslog-facility-local7", "syslog", {"facility": "local7", "log_level": "err"}),
    (
        "statsd-status-ranges-and-tcp",
        "statsd",
        {"allow_status_codes": ["200-299", "500-599"], "use_tcp": True, "tag_style": "dogstatsd"},
    ),
    (
        "datadog-distribution-metric",
        "datadog",
        {"metrics": [{"name": "latency", "stat_type": "distribution", "tags": ["env:prod"]}]},
    ),
    (
        "zipkin-static-tags-and-propagation",
        "zipkin",
        {
            "http_endpoint": "http://zipkin:9411/api/v2/spans",
            "static_tags": [{"name": "env", "value": "prod"}],
            "propagation": {
                "extract": ["w3c", "b3"],
                "inject": ["preserve"],
                "default_format": "w3c",
            },
        },
    ),
    (
        "opentelemetry-logs-only-with-headers",
        "opentelemetry",
        {"logs_endpoint": URL, "headers": {"X-Auth": "t"}, "resource_attributes": {"a": "b"}},
    ),
    ("ldap-auth-ldaps", "ldap-auth", {**LDAP, "ldaps": True, "ldap_port": 636}),
    (
        "aws-lambda-keys-and-http-proxy",
        "aws-lambda",
        {
            "aws_key": "k",
            "aws_secret": "s",
            "proxy_url": "http://proxy:3128",
            "aws_region": "us-east-1",
        },
    ),
    (
        "response-ratelimiting-redis",
        "response-ratelimiting",
        {"limits": {"a": {"second": 1, "minute": 10}}, "policy": "redis", "redis": {"host": "r"}},
    ),
    (
        "ai-proxy-azure",
        "ai-proxy",
        {
            "route_type": "llm/v1/chat",
            "auth": {"header_name": "api-key", "header_value": "k"},
            "model": {
                "provider": "azure",
                "options": {"azure_instance": "i", "azure_deployment_id": "d"},
            },
        },
    ),
    (
        "ai-proxy-huggingface-options",
        "ai-proxy",
        {
            "route_type": "llm/v1/chat",
            "model": {
                "provider": "huggingface",
                "options": {"huggingface": {"wait_for_model": True}},
            },
        },
    ),
    (
        "ai-proxy-native-bedrock",
        "ai-proxy",
        {"route_type": "llm/v1/chat", "model": {"provider": "bedrock"}, "llm_format": "bedrock"},
    ),
]


@pytest.mark.parametrize(("name", "config"), [v[1:] for v in VALID], ids=[v[0] for v in VALID])
def test_a_valid_config_is_accepted(name, config):
    validate(name, config)


def test_opentelemetry_endpoint_shorthand_becomes_traces_endpoint():
    config = validate("opentelemetry", {"endpoint": URL})["config"]
    assert config["traces_endpoint"] == URL
    assert "endpoint" not in config


def test_session_legacy_cookie_options_map_onto_their_new_names():
    config = validate(
        "session",
        {
            "cookie_lifetime": 60,
            "cookie_idletime": None,
            "cookie_renew": 10,
            "cookie_discard": 5,
            "cookie_samesite": "off",
            "cookie_httponly": False,
            "cookie_persistent": True,
        },
    )["config"]
    assert (config["rolling_timeout"], config["idling_timeout"], config["stale_ttl"]) == (60, 0, 5)
    assert (config["cookie_same_site"], config["cookie_http_only"], config["remember"]) == (
        "Lax",
        False,
        True,
    )


def test_response_ratelimiting_legacy_redis_keys_move_into_redis():
    config = validate(
        "response-ratelimiting",
        {"limits": {"a": {"minute": 1}}, "policy": "redis", "redis_host": "r", "redis_port": 6380},
    )["config"]
    assert (config["redis"]["host"], config["redis"]["port"]) == ("r", 6380)


REFUSED = [
    (
        "redirect-location-required",
        "redirect",
        None,
        {"config": {"location": "required field missing"}},
    ),
    (
        "redirect-status_code-between-100-599",
        "redirect",
        {"location": "https://a.example", "status_code": 600},
        {"config": {"status_code": "value should be between 100 and 599"}},
    ),
    (
        "pre-function-phase-is-an-array",
        "pre-function",
        {"access": "return 1"},
        {"config": {"access": "expected an array"}},
    ),
    (
        "pre-function-at_least_one_of-phases",
        "pre-function",
        None,
        {
            "@entity": [
                "at least one of these fields must be non-empty: 'config.certificate', "
                "'config.rewrite', 'config.access', 'config.header_filter', "
                "'config.body_filter', 'config.log', 'config.ws_handshake', "
                "'config.ws_upstream_frame', 'config.ws_client_frame', 'config.ws_close'"
            ]
        },
    ),
    (
        "pre-function-custom_validator-loadstring",
        "pre-function",
        {"access": ["x = = 1"]},
        {
            "config": {
                "access": "error parsing pre-function: [string \"x = = 1\"]:1: unexpected symbol near '='"
            }
        },
    ),
    (
        "post-function-custom_validator-loadstring",
        "post-function",
        {"log": ["return 1", "if true then"]},
        {
            "config": {
                "log": "error parsing post-function: [string \"if true then\"]:1: 'end' expected near '<eof>'"
            }
        },
    ),
    (
        "tcp-log-host-and-port-required",
        "tcp-log",
        None,
        {"config": {"host": "required field missing", "port": "required field missing"}},
    ),
    (
        "udp-log-port-between",
        "udp-log",
        {"host": "h", "port": 70000},
        {"config": {"port": "value should be between 0 and 65535"}},
    ),
    (
        "syslog-log_level-one_of",
        "syslog",
        {"log_level": "error"},
        {
            "config": {
                "log_level": "expected one of: debug, info, notice, warning, err, crit, alert, emerg"
            }
        },
    ),
    (
        "syslog-facility-one_of",
        "syslog",
        {"facility": "local8"},
        {
            "config": {
                "facility": "expected one of: auth, authpriv, cron, daemon, ftp, kern, lpr, mail, "
                "news, syslog, user, uucp, local0, local1, local2, local3, local4, local5, "
                "local6, local7"
            }
        },
    ),
    ("loggly-key-required", "loggly", None, {"config": {"key": "required field missing"}}),
    (
        "statsd-metric-name-one_of",
        "statsd",
        {"metrics": [{"name": "bogus", "stat_type": "timer"}]},
        {
            "config": {
                "metrics": {
                    "name": "expected one of: kong_latency, latency, request_count, "
                    "request_per_user, request_size, response_size, status_count, "
                    "status_count_per_user, unique_users, upstream_latency, "
                    "status_count_per_workspace, status_count_per_user_per_route, shdict_usage"
                }
            }
        },
    ),
    (
        "statsd-counter-needs-sample_rate-conditional",
        "statsd",
        {"metrics": [{"name": "request_count", "stat_type": "counter"}]},
        {
            "config": {
                "metrics": {
                    "sample_rate": "required field missing",
                    "@entity": ["failed conditional validation given value of field 'stat_type'"],
                }
            }
        },
    ),
    (
        "statsd-allow_status_codes-match",
        "statsd",
        {"allow_status_codes": ["2xx"]},
        {"config": {"allow_status_codes": "invalid value: 2xx"}},
    ),
    (
        "statsd-udp_packet_size-between",
        "statsd",
        {"udp_packet_size": 65508},
        {"config": {"udp_packet_size": "value should be between 0 and 65507"}},
    ),
    (
        "datadog-sample_rate-between-0-1",
        "datadog",
        {"metrics": [{"name": "latency", "stat_type": "timer", "sample_rate": 2}]},
        {"config": {"metrics": {"sample_rate": "value should be between 0 and 1"}}},
    ),
    (
        "datadog-tag-may-not-end-with-colon-match",
        "datadog",
        {"metrics": [{"name": "latency", "stat_type": "timer", "tags": ["env:"]}]},
        {"config": {"metrics": {"tags": "invalid value: env:"}}},
    ),
    (
        "zipkin-traceid_byte_count-one_of",
        "zipkin",
        {"traceid_byte_count": 12},
        {"config": {"traceid_byte_count": "expected one of: 8, 16"}},
    ),
    (
        "zipkin-sample_ratio-between",
        "zipkin",
        {"sample_ratio": 1.5},
        {"config": {"sample_ratio": "value should be between 0 and 1"}},
    ),
    (
        "zipkin-static-tag-not_one_of-protected",
        "zipkin",
        {"static_tags": [{"name": "lc", "value": "x"}]},
        {
            "config": {
                "static_tags": {
                    "name": "must not be one of: error, http.method, http.path, "
                    "http.status_code, kong.balancer.state, kong.balancer.try, kong.consumer, "
                    "kong.credential, kong.node.id, kong.route, kong.service, lc, peer.hostname"
                }
            }
        },
    ),
    (
        "zipkin-static-tags-custom_validator-no-repeats",
        "zipkin",
        {"static_tags": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]},
        {"config": {"static_tags": "repeated tags are not allowed: a"}},
    ),
    (
        "zipkin-propagation-default_format-required",
        "zipkin",
        {"propagation": {"extract": ["b3"]}},
        {"config": {"propagation": {"default_format": "required field missing"}}},
    ),
    (
        "opentelemetry-at_least_one_of-endpoints",
        "opentelemetry",
        None,
        {
            "config": {
                "@entity": [
                    "at least one of these fields must be non-empty: "
                    "'traces_endpoint', 'logs_endpoint'"
                ]
            }
        },
    ),
    (
        "opentelemetry-sampling_rate-between",
        "opentelemetry",
        {"traces_endpoint": URL, "sampling_rate": -0.1},
        {"config": {"sampling_rate": "value should be between 0 and 1"}},
    ),
    (
        "ldap-auth-required-fields",
        "ldap-auth",
        None,
        {
            "config": {
                "ldap_host": "required field missing",
                "base_dn": "required field missing",
                "attribute": "required field missing",
            }
        },
    ),
    (
        "ldap-auth-ldaps-and-start_tls-conditional",
        "ldap-auth",
        {**LDAP, "ldaps": True, "start_tls": True},
        {
            "config": {
                "start_tls": "value must be false",
                "@entity": ["'ldaps' and 'start_tls' cannot be enabled simultaneously"],
            }
        },
    ),
    (
        "azure-functions-required-fields",
        "azure-functions",
        None,
        {"config": {"appname": "required field missing", "functionname": "required field missing"}},
    ),
    (
        "standard-webhooks-tolerance_second-gt-minus-1",
        "standard-webhooks",
        {"secret_v1": "s", "tolerance_second": -1},
        {"config": {"tolerance_second": "value must be greater than -1"}},
    ),
    (
        "oauth2-custom_validator-some-flow",
        "oauth2",
        None,
        {
            "config": "at least one of these fields must be true: enable_authorization_code, "
            "enable_implicit_grant, enable_client_credentials, enable_password_grant"
        },
    ),
    (
        "oauth2-mandatory_scope-needs-scopes-conditional",
        "oauth2",
        {"enable_implicit_grant": True, "mandatory_scope": True},
        {
            "config": {
                "scopes": "required field missing",
                "@entity": ["failed conditional validation given value of field 'mandatory_scope'"],
            }
        },
    ),
    (
        "oauth2-pkce-one_of",
        "oauth2",
        {"enable_implicit_grant": True, "pkce": "always"},
        {"config": {"pkce": "expected one of: none, lax, strict"}},
    ),
    (
        "session-storage-one_of",
        "session",
        {"storage": "redis"},
        {"config": {"storage": "expected one of: cookie, kong"}},
    ),
    (
        "session-logout_methods-one_of",
        "session",
        {"logout_methods": ["PUT"]},
        {"config": {"logout_methods": "expected one of: GET, POST, DELETE"}},
    ),
    (
        "response-ratelimiting-limits-required",
        "response-ratelimiting",
        None,
        {"config": {"limits": "required field missing"}},
    ),
    (
        "response-ratelimiting-limit-at_least_one_of-periods",
        "response-ratelimiting",
        {"limits": {"video": {}}},
        {
            "config": {
                "limits": {
                    "@entity": [
                        "at least one of these fields must be non-empty: 'second', 'minute', "
                        "'hour', 'day', 'month', 'year'"
                    ]
                }
            }
        },
    ),
    (
        "response-ratelimiting-periods-in-order-custom_validator",
        "response-ratelimiting",
        {"limits": {"video": {"second": 10, "minute": 5}}},
        {
            "config": {
                "limits": "the limit for minute(5.0) cannot be lower than the limit for second(10.0)"
            }
        },
    ),
    (
        "response-ratelimiting-redis-policy-needs-host-conditional",
        "response-ratelimiting",
        {"limits": {"a": {"minute": 1}}, "policy": "redis"},
        {
            "config": {"redis": {"host": "required field missing"}},
            "@entity": ["failed conditional validation given value of field 'config.policy'"],
        },
    ),
    (
        "aws-lambda-mutually_required-key-and-secret",
        "aws-lambda",
        {"aws_key": "k"},
        {
            "@entity": [
                "all or none of these fields must be set: 'config.aws_key', 'config.aws_secret'"
            ]
        },
    ),
    (
        "aws-lambda-proxy_url-scheme-custom_entity_check",
        "aws-lambda",
        {"proxy_url": "https://proxy:3128"},
        {"@entity": ["proxy_url scheme must be http"]},
    ),
    (
        "aws-lambda-unhandled_status-between",
        "aws-lambda",
        {"unhandled_status": 99},
        {"config": {"unhandled_status": "value should be between 100 and 999"}},
    ),
    (
        "aws-lambda-invocation_type-one_of",
        "aws-lambda",
        {"invocation_type": "Async"},
        {"config": {"invocation_type": "expected one of: RequestResponse, Event, DryRun"}},
    ),
    (
        "ai-prompt-decorator-at_least_one_of-prepend-append",
        "ai-prompt-decorator",
        None,
        {
            "@entity": [
                "at least one of these fields must be non-empty: "
                "'config.prompts.prepend', 'config.prompts.append'"
            ]
        },
    ),
    (
        "ai-prompt-decorator-content-len_max",
        "ai-prompt-decorator",
        {"prompts": {"append": [{"content": "x" * 501}]}},
        {"config": {"prompts": {"append": {"content": "length must be at most 500"}}}},
    ),
    (
        "ai-prompt-guard-match_all_roles-conditional",
        "ai-prompt-guard",
        {"allow_patterns": ["a"], "match_all_roles": True, "allow_all_conversation_history": True},
        {
            "config": {"allow_all_conversation_history": "value must be false"},
            "@entity": [
                "failed conditional validation given value of field 'config.match_all_roles'"
            ],
        },
    ),
    (
        "ai-prompt-guard-patterns-len_max",
        "ai-prompt-guard",
        {"deny_patterns": ["p"] * 11},
        {"config": {"deny_patterns": "length must be at most 10"}},
    ),
    (
        "ai-prompt-template-templates-required",
        "ai-prompt-template",
        None,
        {"config": {"templates": "required field missing"}},
    ),
    (
        "ai-proxy-provider-one_of",
        "ai-proxy",
        {"route_type": "llm/v1/chat", "model": {"provider": "skynet"}},
        {
            "config": {
                "model": {
                    "provider": "expected one of: openai, azure, anthropic, cohere, mistral, "
                    "llama2, gemini, bedrock, huggingface"
                }
            }
        },
    ),
    (
        "ai-proxy-temperature-between",
        "ai-proxy",
        {**OPENAI_CHAT, "model": {"provider": "openai", "options": {"temperature": 6}}},
        {"config": {"model": {"options": {"temperature": "value should be between 0 and 5"}}}},
    ),
    (
        "ai-proxy-anthropic-needs-version-conditional_at_least_one_of",
        "ai-proxy",
        {**OPENAI_CHAT, "model": {"provider": "anthropic"}},
        {
            "config": {
                "@entity": ["must set 'model.options.anthropic_version' for anthropic provider"]
            }
        },
    ),
    (
        "ai-proxy-auth-header-mutually_required",
        "ai-proxy",
        {**OPENAI_CHAT, "auth": {"header_name": "Authorization"}},
        {
            "config": {
                "@entity": [
                    "all or none of these fields must be set: "
                    "'auth.header_name', 'auth.header_value'"
                ]
            }
        },
    ),
    (
        "ai-proxy-statistics-unsupported-custom_entity_check",
        "ai-proxy",
        {
            "route_type": "llm/v1/completions",
            "model": {"provider": "anthropic", "options": {"anthropic_version": "2023-06-01"}},
            "logging": {"log_statistics": True},
        },
        {
            "config": {
                "@entity": [
                    "anthropic does not support statistics when route_type is llm/v1/completions"
                ]
            }
        },
    ),
    (
        "ai-proxy-native-format-needs-its-provider-conditional",
        "ai-proxy",
        {**OPENAI_CHAT, "llm_format": "gemini"},
        {
            "config": {"model": {"provider": "value must be gemini"}},
            "@entity": [
                "native llm_format 'gemini' can only be used with the 'gemini' model.provider"
            ],
        },
    ),
    (
        "ai-request-transformer-chat-only-conditional",
        "ai-request-transformer",
        {"prompt": "p", "llm": {**OPENAI_CHAT, "route_type": "preserve"}},
        {
            "config": {"llm": {"route_type": "value must be llm/v1/chat"}},
            "@entity": ["'config.llm.route_type' must be 'llm/v1/chat' for AI transformer plugins"],
        },
    ),
    (
        "ai-response-transformer-proxy-mutually_required",
        "ai-response-transformer",
        {"prompt": "p", "llm": OPENAI_CHAT, "https_proxy_host": "proxy"},
        {
            "@entity": [
                "all or none of these fields must be set: "
                "'config.https_proxy_host', 'config.https_proxy_port'"
            ]
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "config", "fields"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_a_schema_rule_refuses_with_kongs_error(name, config, fields):
    assert refused(name, config) == fields


def test_prometheus_wasm_metrics_is_off_by_default():
    assert validate("prometheus")["config"]["wasm_metrics"] is False


def test_acme_redis_storage_has_extra_options_and_legacy_key_names():
    config = {
        "account_email": "a@example.com",
        "storage": "redis",
        "storage_config": {"redis": {"host": "r", "auth": "pw", "namespace": "ns"}},
    }
    redis = validate("acme", config)["config"]["storage_config"]["redis"]
    assert (redis["password"], redis["extra_options"]) == ("pw", {"namespace": "ns"})
    assert validate("acme", {"account_email": "a@example.com"})["config"]["storage_config"][
        "redis"
    ]["extra_options"] == {"namespace": ""}


def test_acme_namespace_may_not_start_with_a_reserved_prefix():
    config = {
        "account_email": "a@example.com",
        "storage_config": {"redis": {"extra_options": {"namespace": "kong_acme:cert_key:x"}}},
    }
    assert refused("acme", config) == {
        "config": {
            "storage_config": {
                "redis": {
                    "extra_options": {
                        "namespace": "namespace can't be prefixed with reserved word: "
                        "kong_acme:cert_key:"
                    }
                }
            }
        }
    }


def test_lua_snippets_compile_on_several_threads_at_once():
    snippets = ["return 1", "x = = 1"] * 50
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lua_syntax_error, snippets))
    assert results[0::2] == [None] * 50
    assert all("unexpected symbol" in r for r in results[1::2])
