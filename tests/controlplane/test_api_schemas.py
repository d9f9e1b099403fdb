"""Kong's schema endpoints: ``GET {base}/schemas/...`` and ``POST .../validate``."""

from collections.abc import Callable
from typing import Any

from rest_framework.test import APIClient

from controlplane.models import ControlPlane, Entity

Url = Callable[[str], str]


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    return {name: attrs for field in body["fields"] for name, attrs in field.items()}


def test_services_schema_lists_kong_fields_with_defaults(owner_api: APIClient, core: Url) -> None:
    response = owner_api.get(core("/schemas/services"))
    assert response.status_code == 200
    fields = _fields(response.json())
    assert [next(iter(f)) for f in response.json()["fields"]][:4] == [
        "id",
        "created_at",
        "updated_at",
        "name",
    ]
    assert fields["id"] == {"type": "string", "uuid": True, "auto": True}
    assert fields["retries"]["default"] == 5
    assert {"http", "https"} <= set(fields["protocol"]["one_of"])
    assert fields["name"]["unique"] is True


def test_routes_service_field_is_a_foreign_reference_to_services(
    owner_api: APIClient, core: Url
) -> None:
    fields = _fields(owner_api.get(core("/schemas/routes")).json())
    assert fields["service"] == {"type": "foreign", "reference": "services"}


def test_admin_api_collection_names_are_accepted(owner_api: APIClient, core: Url) -> None:
    by_kong_name = owner_api.get(core("/schemas/keyauth_credentials")).json()
    assert owner_api.get(core("/schemas/key-auths")).json() == by_kong_name
    assert "key" in _fields(by_kong_name)


def test_rate_limiting_config_has_minute_and_local_policy(owner_api: APIClient, core: Url) -> None:
    response = owner_api.get(core("/schemas/plugins/rate-limiting"))
    assert response.status_code == 200
    fields = _fields(response.json())
    assert fields["config"]["type"] == "record"
    config = _fields(fields["config"])
    assert config["minute"]["type"] == "number"
    assert config["policy"]["default"] == "local"
    assert "protocols" in fields


def test_unknown_entity_schema_is_not_found(owner_api: APIClient, core: Url) -> None:
    response = owner_api.get(core("/schemas/widgets"))
    assert response.status_code == 404
    assert response.json()["name"] == "not found"


def test_unknown_plugin_schema_is_not_found(owner_api: APIClient, core: Url) -> None:
    response = owner_api.get(core("/schemas/plugins/no-such-plugin"))
    assert response.status_code == 404
    assert response.json()["message"] == "No plugin named 'no-such-plugin'"


def test_validate_accepts_a_good_service_and_writes_nothing(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    response = owner_api.post(
        core("/schemas/services/validate"), {"host": "example.com"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"message": "schema validation successful"}
    cp.refresh_from_db()
    assert cp.config_version == 0
    assert not Entity.objects.filter(control_plane=cp).exists()


def test_validate_refuses_a_bad_service_with_kong_body(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    response = owner_api.post(
        core("/schemas/services/validate"), {"host": "example.com", "retries": -1}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 2
    assert body["name"] == "schema violation"
    assert body["fields"] == {"retries": "value should be between 0 and 32767"}
    cp.refresh_from_db()
    assert cp.config_version == 0


def test_validate_checks_a_plugin_against_its_config(owner_api: APIClient, core: Url) -> None:
    url = core("/schemas/plugins/validate")
    good = owner_api.post(url, {"name": "rate-limiting", "config": {"minute": 5}}, format="json")
    assert good.status_code == 200
    bad = owner_api.post(url, {"name": "rate-limiting", "config": {"minute": -1}}, format="json")
    assert bad.status_code == 400
    assert "minute" in bad.json()["fields"]["config"]


def test_viewers_may_read_and_validate_schemas(viewer_api: APIClient, core: Url) -> None:
    assert viewer_api.get(core("/schemas/services")).status_code == 200
    response = viewer_api.post(
        core("/schemas/services/validate"), {"host": "example.com"}, format="json"
    )
    assert response.status_code == 200


def test_schemas_hide_other_orgs(outsider_api: APIClient, core: Url) -> None:
    assert outsider_api.get(core("/schemas/services")).status_code == 404
    assert outsider_api.get(core("/schemas/plugins/cors")).status_code == 404
    response = outsider_api.post(
        core("/schemas/services/validate"), {"host": "example.com"}, format="json"
    )
    assert response.status_code == 404


def test_schemas_require_auth(core: Url) -> None:
    assert APIClient().get(core("/schemas/services")).status_code == 401
    assert APIClient().get(core("/schemas/plugins/cors")).status_code == 401
    assert APIClient().post(core("/schemas/services/validate"), {}).status_code == 401


def test_a_viewer_validates_95000_tags_under_the_body_limit(
    viewer_api: APIClient, core: Url
) -> None:
    # Issue 9 item 5: checking set uniqueness against a list made this take 61 s.
    body = {"host": "example.com", "tags": [f"t{i:06d}" for i in range(95_000)]}
    response = viewer_api.post(core("/schemas/services/validate"), body, format="json")
    assert response.status_code == 200, response.content[:300]


def test_validate_refuses_a_route_regex_too_nested_to_compile(
    owner_api: APIClient, core: Url
) -> None:
    body = {"paths": ["~/" + "(" * 5000 + ")" * 5000]}
    response = owner_api.post(core("/schemas/routes/validate"), body, format="json")
    assert response.status_code == 400
    assert "too many nested groups" in response.json()["fields"]["paths"]


# Kong 3.x OSS's BUNDLED_PLUGINS (kong/constants.lua), one directory each under kong/plugins/.
KONG_BUNDLED_PLUGINS = sorted(
    [
        "acl",
        "acme",
        "ai-prompt-decorator",
        "ai-prompt-guard",
        "ai-prompt-template",
        "ai-proxy",
        "ai-request-transformer",
        "ai-response-transformer",
        "aws-lambda",
        "azure-functions",
        "basic-auth",
        "bot-detection",
        "correlation-id",
        "cors",
        "datadog",
        "file-log",
        "grpc-gateway",
        "grpc-web",
        "hmac-auth",
        "http-log",
        "ip-restriction",
        "jwt",
        "key-auth",
        "ldap-auth",
        "loggly",
        "oauth2",
        "opentelemetry",
        "post-function",
        "pre-function",
        "prometheus",
        "proxy-cache",
        "rate-limiting",
        "redirect",
        "request-size-limiting",
        "request-termination",
        "request-transformer",
        "response-ratelimiting",
        "response-transformer",
        "session",
        "standard-webhooks",
        "statsd",
        "syslog",
        "tcp-log",
        "udp-log",
        "zipkin",
    ]
)


def test_plugins_enabled_lists_every_kong_bundled_plugin_sorted(
    owner_api: APIClient, core: Url
) -> None:
    response = owner_api.get(core("/plugins/enabled"))
    assert response.status_code == 200
    assert response.json() == {"enabled_plugins": KONG_BUNDLED_PLUGINS}


def test_viewers_may_list_enabled_plugins(viewer_api: APIClient, core: Url) -> None:
    assert viewer_api.get(core("/plugins/enabled")).status_code == 200


def test_plugins_enabled_hides_other_orgs(outsider_api: APIClient, core: Url) -> None:
    assert outsider_api.get(core("/plugins/enabled")).status_code == 404


def test_plugins_enabled_requires_auth(core: Url) -> None:
    assert APIClient().get(core("/plugins/enabled")).status_code == 401


def test_plugins_enabled_is_read_only(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(core("/plugins/enabled"), {}, format="json")
    assert response.status_code == 405


def test_every_bundled_plugin_schema_renders(owner_api: APIClient, core: Url) -> None:
    for name in KONG_BUNDLED_PLUGINS:
        response = owner_api.get(core(f"/schemas/plugins/{name}"))
        assert response.status_code == 200, name
        fields = _fields(response.json())
        assert fields["config"]["type"] == "record", name
        assert "protocols" in fields, name


def test_stream_plugins_allow_stream_protocols_and_http_ones_do_not(
    owner_api: APIClient, core: Url
) -> None:
    tcp_log = _fields(owner_api.get(core("/schemas/plugins/tcp-log")).json())
    assert "tcp" in tcp_log["protocols"]["elements"]["one_of"]
    redirect = _fields(owner_api.get(core("/schemas/plugins/redirect")).json())
    assert "tcp" not in redirect["protocols"]["elements"]["one_of"]
    assert redirect["protocols"]["default"] == ["grpc", "grpcs", "http", "https"]


def test_plugins_that_cannot_scope_to_a_consumer_render_it_as_null(
    owner_api: APIClient, core: Url
) -> None:
    for name in ("oauth2", "session", "ldap-auth", "pre-function", "standard-webhooks"):
        fields = _fields(owner_api.get(core(f"/schemas/plugins/{name}")).json())
        assert fields["consumer"]["eq"] is None, name


def test_a_new_bundled_plugin_is_created_through_the_api(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(
        core("/plugins"),
        {"name": "redirect", "config": {"location": "https://example.com/"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["config"] == {
        "status_code": 301,
        "location": "https://example.com/",
        "keep_incoming_path": False,
    }
