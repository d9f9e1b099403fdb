import pytest

from kongcore.schema import SchemaViolation, get_schema, plugin_names

PLUGINS = get_schema("plugins")
ID = "58076db2-28b6-423b-ba39-a797193017f7"


def config_of(name, config=None):
    data = {"name": name} if config is None else {"name": name, "config": config}
    return PLUGINS.validate(data)["config"]


def violation(data):
    with pytest.raises(SchemaViolation) as info:
        PLUGINS.validate(data)
    return info.value


@pytest.mark.parametrize(
    "name",
    [
        "key-auth",
        "basic-auth",
        "acl",
        "jwt",
        "rate-limiting",
        "cors",
        "request-transformer",
        "correlation-id",
    ],
)
def test_required_plugin_is_bundled(name):
    assert name in plugin_names()


def test_basic_auth_defaults():
    assert config_of("basic-auth") == {
        "anonymous": None,
        "hide_credentials": False,
        "realm": "service",
    }


def test_basic_auth_anonymous_accepts_a_consumer_id():
    assert config_of("basic-auth", {"anonymous": ID})["anonymous"] == ID


def test_acl_needs_exactly_one_of_allow_and_deny():
    assert violation({"name": "acl"}).fields["@entity"] == [
        "only one of these fields must be non-empty: 'config.allow', 'config.deny'",
        "at least one of these fields must be non-empty: 'config.allow', 'config.deny'",
    ]
    both = violation({"name": "acl", "config": {"allow": ["a"], "deny": ["b"]}})
    assert both.fields == {
        "@entity": ["only one of these fields must be non-empty: 'config.allow', 'config.deny'"]
    }


def test_acl_defaults():
    assert config_of("acl", {"deny": ["x"]}) == {
        "allow": None,
        "deny": ["x"],
        "hide_groups_header": False,
        "include_consumer_groups": False,
        "always_use_authenticated_groups": False,
    }


def test_jwt_defaults():
    assert config_of("jwt") == {
        "uri_param_names": ["jwt"],
        "cookie_names": [],
        "key_claim_name": "iss",
        "secret_is_base64": False,
        "claims_to_verify": None,
        "anonymous": None,
        "run_on_preflight": True,
        "maximum_expiration": 0,
        "header_names": ["authorization"],
        "realm": None,
    }


def test_jwt_maximum_expiration_requires_verifying_exp():
    error = violation({"name": "jwt", "config": {"maximum_expiration": 60}})
    assert error.fields == {
        "config": {"claims_to_verify": "expected to contain: exp"},
        "@entity": [
            "failed conditional validation given value of field 'config.maximum_expiration'"
        ],
    }
    assert config_of("jwt", {"maximum_expiration": 60, "claims_to_verify": ["exp"]})


def test_jwt_claims_are_exp_or_nbf():
    error = violation({"name": "jwt", "config": {"claims_to_verify": ["iat"]}})
    assert error.fields == {"config": {"claims_to_verify": "expected one of: exp, nbf"}}


def test_cors_defaults_allow_every_method():
    config = config_of("cors")
    assert config["methods"][0] == "GET" and len(config["methods"]) == 9
    assert config["credentials"] is False and config["origins"] is None


def test_cors_origins_must_be_asterisk_or_regex():
    error = violation({"name": "cors", "config": {"origins": ["(bad"]}})
    assert error.fields == {"config": {"origins": "'(bad' is not a valid regex"}}


def test_cors_origins_that_python_cannot_compile_at_all_are_refused_not_a_crash():
    for origin in ("(" * 5000 + ")" * 5000, "a{99999999999999999999}"):
        error = violation({"name": "cors", "config": {"origins": [origin]}})
        assert error.fields == {"config": {"origins": f"'{origin}' is not a valid regex"}}


def test_bot_detection_patterns_that_python_cannot_compile_at_all_are_refused():
    deep = "(" * 5000 + ")" * 5000
    error = violation({"name": "bot-detection", "config": {"deny": [deep]}})
    assert error.fields == {"config": {"deny": f"not a valid regex: {deep}"}}


def test_cors_cannot_be_scoped_to_a_consumer():
    assert violation({"name": "cors", "consumer": {"id": ID}}).fields == {
        "consumer": "value must be null"
    }


def test_request_transformer_defaults_to_empty_lists():
    config = config_of("request-transformer")
    assert config["add"] == {"body": [], "headers": [], "querystring": []}
    assert config["replace"] == {"body": [], "headers": [], "querystring": [], "uri": None}
    assert config["http_method"] is None


def test_request_transformer_pairs_need_a_colon():
    error = violation({"name": "request-transformer", "config": {"add": {"headers": ["x"]}}})
    assert error.fields == {"config": {"add": {"headers": "invalid value: x"}}}
    config = config_of("request-transformer", {"add": {"headers": ["x-a:1"]}})
    assert config["add"]["headers"] == ["x-a:1"]


def test_correlation_id_defaults_and_generator_choices():
    assert config_of("correlation-id") == {
        "header_name": "Kong-Request-ID",
        "generator": "uuid#counter",
        "echo_downstream": False,
    }
    error = violation({"name": "correlation-id", "config": {"generator": "x"}})
    assert error.fields == {"config": {"generator": "expected one of: uuid, uuid#counter, tracker"}}
