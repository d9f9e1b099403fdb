"""Bad input of every kind gets a clear 4xx in Kong's error shape: never a 500, never a
partial write. The last tests throw wrong JSON types at every field of every entity."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from controlplane import entity_paths
from controlplane.models import ConfigVersion, ControlPlane, Entity
from controlplane.services.entities import create_entity
from kongcore.schema import get_schema

Url = Callable[[str], str]
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def world(cp: ControlPlane) -> ControlPlane:
    create_entity(cp, "services", {"name": "s", "host": "h"}, actor="t")
    create_entity(cp, "routes", {"name": "r", "paths": ["/"], "service": "s"}, actor="t")
    create_entity(cp, "consumers", {"username": "c"}, actor="t")
    create_entity(cp, "plugins", {"name": "cors", "instance_name": "p"}, actor="t")
    return cp


@pytest.fixture
def api(owner_api: APIClient) -> APIClient:
    # A 500 must come back as a response to assert on, not as an exception in the test.
    owner_api.raise_request_exception = False
    return owner_api


def state(cp: ControlPlane) -> tuple[Any, ...]:
    cp.refresh_from_db()
    rows = sorted(str(e.data) for e in Entity.objects.filter(control_plane=cp))
    return cp.config_version, cp.config_hash, ConfigVersion.objects.count(), rows


def assert_kong_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) in ({"code", "name", "message"}, {"code", "name", "message", "fields"})
    assert isinstance(body["message"], str) and body["message"]
    return dict(body)


def write_targets(cp: ControlPlane) -> list[tuple[str, str]]:
    """Every endpoint that takes a body, as (method, url)."""
    core = f"/v2/control-planes/{cp.pk}/core-entities"
    return [
        ("post", f"{core}/services"),
        ("put", f"{core}/services/s"),
        ("put", f"{core}/services/fresh"),
        ("patch", f"{core}/services/s"),
        ("post", f"{core}/services/s/routes"),
        ("patch", f"{core}/routes/r/service"),
        ("put", f"{core}/services/s/routes/r"),
        ("patch", f"{core}/services/s/routes/r"),
        ("post", f"{core}/consumers/c/plugins"),
        ("patch", f"{core}/plugins/p"),
        ("post", "/v2/control-planes"),
        ("patch", f"/v2/control-planes/{cp.pk}"),
        ("post", "/v2/personal-access-tokens"),
    ]


def send_everywhere(
    api: APIClient, cp: ControlPlane, body: bytes | str, content_type: str
) -> list[Any]:
    return [
        (method, url, getattr(api, method)(url, body, content_type=content_type))
        for method, url in write_targets(cp)
    ]


@pytest.mark.parametrize(
    "raw",
    [b"{bad", b'{"name": "x",}', b"\xff\xfe{}", b'{"a": 1} trailing', b"[" * 100_000],
    ids=["syntax", "trailing-comma", "not-utf8", "trailing-data", "deep-arrays"],
)
def test_malformed_json_is_a_bad_request(api: APIClient, world: ControlPlane, raw: bytes) -> None:
    before = state(world)
    for method, url, response in send_everywhere(api, world, raw, JSON):
        body = assert_kong_error(response, 400)
        assert (body["code"], body["name"]) == (400, "bad request"), (method, url)
        assert body["message"].startswith("Cannot parse JSON body")
    assert state(world) == before


@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"1", b"null", b"true", b'[{"host": "h"}]'])
def test_a_body_that_is_not_an_object_is_a_bad_request(
    api: APIClient, world: ControlPlane, raw: bytes
) -> None:
    before = state(world)
    for method, url, response in send_everywhere(api, world, raw, JSON):
        body = assert_kong_error(response, 400)
        assert body["message"] == "the request body must be a JSON object", (method, url)
    assert state(world) == before


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "x", "port": 1e400}',
        b'{"name": "x", "port": Infinity}',
        b'{"name": "x", "port": -Infinity}',
        b'{"name": "x", "port": NaN}',
    ],
)
def test_numbers_json_cannot_carry_are_refused(
    api: APIClient, world: ControlPlane, raw: bytes
) -> None:
    before = state(world)
    for _, _, response in send_everywhere(api, world, raw, JSON):
        assert_kong_error(response, 400)
    assert state(world) == before


@pytest.mark.parametrize(
    "body",
    [
        "name=rate-limiting&config.minute=inf",
        "name=rate-limiting&config.minute=1e999",
        "name=rate-limiting&config.minute=nan",
    ],
)
def test_form_numbers_that_are_not_finite_are_refused(
    api: APIClient, core: Url, world: ControlPlane, body: str
) -> None:
    before = state(world)
    assert_kong_error(api.post(core("/plugins"), body, content_type=FORM), 400)
    assert state(world) == before


def test_absurdly_nested_json_is_a_bad_request(api: APIClient, world: ControlPlane) -> None:
    nested = "[" * 500 + "]" * 500
    raw = ('{"name": "x", "host": "h", "tags": ' + nested + "}").encode()
    before = state(world)
    for _, _, response in send_everywhere(api, world, raw, JSON):
        assert_kong_error(response, 400)
    assert state(world) == before


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "a\\u0000b", "username": "a\\u0000b", "host": "h"}',
        b'{"name": "ok", "custom_id": "x\\u0000", "username": "u", "host": "h"}',
        b'{"name": "\\ud800", "username": "\\ud800", "host": "h"}',
        b'{"name": "ok", "labels": {"a\\u0000": "b"}, "host": "h"}',
    ],
    ids=["nul", "nul-in-custom-id", "lone-surrogate", "nul-in-a-key"],
)
def test_strings_no_database_can_store_are_refused(
    api: APIClient, world: ControlPlane, raw: bytes
) -> None:
    before = state(world)
    for method, url, response in send_everywhere(api, world, raw, JSON):
        assert_kong_error(response, 400), (method, url)
    assert state(world) == before


def test_a_nul_in_a_form_body_is_refused(api: APIClient, core: Url, world: ControlPlane) -> None:
    response = api.post(core("/consumers"), "username=a%00b", content_type=FORM)
    assert_kong_error(response, 400)


@pytest.mark.parametrize(
    "path",
    ["/consumers/a%00b", "/consumers?tags=a%00", "/services/s/routes/r%00"],
)
def test_a_nul_in_the_path_or_query_is_refused(api: APIClient, core: Url, path: str) -> None:
    assert_kong_error(api.get(core(path)), 400)


def test_a_nul_in_a_control_plane_filter_is_refused(api: APIClient, world: ControlPlane) -> None:
    assert_kong_error(api.get("/v2/control-planes?filter[name]=a%00"), 400)


def test_a_body_over_the_entity_limit_is_413(
    api: APIClient, core: Url, world: ControlPlane
) -> None:
    limit = settings.KONNECTLITE_MAX_ENTITY_BODY_BYTES
    assert limit == 1024 * 1024
    raw = json.dumps({"host": "h", "name": "x" * limit}).encode()
    before = state(world)
    body = assert_kong_error(api.post(core("/services"), raw, content_type=JSON), 413)
    assert body["name"] == "payload too large"
    assert str(limit) in body["message"]
    assert state(world) == before


def test_a_body_just_under_the_limit_is_read(
    api: APIClient, core: Url, world: ControlPlane
) -> None:
    raw = json.dumps({"host": "h", "tags": ["t" * 1000] * 1000}).encode()
    assert len(raw) < settings.KONNECTLITE_MAX_ENTITY_BODY_BYTES
    response = api.post(core("/services"), raw, content_type=JSON)
    assert response.status_code == 201


TOO_MANY_FIELDS = "&".join(f"f{i}=1" for i in range(100_001))


def test_a_form_body_with_too_many_fields_is_a_bad_request(
    api: APIClient, world: ControlPlane
) -> None:
    before = state(world)
    for method, url, response in send_everywhere(api, world, TOO_MANY_FIELDS, FORM):
        body = assert_kong_error(response, 400)
        assert body["message"] == "too many fields in the query string or form body", (method, url)
    assert state(world) == before


@pytest.mark.parametrize(
    "path", ["/v2/control-planes", "/v2/personal-access-tokens", "{core}/services"]
)
def test_a_query_string_with_too_many_parameters_is_a_bad_request(
    api: APIClient, core: Url, path: str
) -> None:
    url = path.format(core=core(""))
    assert_kong_error(api.get(f"{url}?{TOO_MANY_FIELDS}"), 400)


@pytest.mark.parametrize(
    "query",
    ["tags=%ff%fe", "tags=%zz", "%%%=1&&=&", "size=%00", "offset=%ff", "tags=\u00e9\u00e9"],
)
def test_malformed_percent_encoding_in_the_query_never_fails_badly(
    api: APIClient, core: Url, world: ControlPlane, query: str
) -> None:
    response = api.get(f"{core('/services')}?{query}")
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert_kong_error(response, 400)


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=é"],
)
def test_a_malformed_multipart_body_is_a_bad_request(
    api: APIClient, world: ControlPlane, content_type: str
) -> None:
    before = state(world)
    for _, _, response in send_everywhere(api, world, b"--xx\r\ngarbage", content_type):
        assert_kong_error(response, 400)
    assert state(world) == before


def test_an_unsupported_media_type_is_415(api: APIClient, core: Url) -> None:
    response = api.post(core("/services"), "host=h", content_type="text/plain")
    assert assert_kong_error(response, 415)["code"] == 415


def test_an_unsupported_method_is_405(api: APIClient, core: Url, world: ControlPlane) -> None:
    assert_kong_error(api.post(core("/services/s"), {}, format="json"), 405)
    assert_kong_error(api.delete(core("/services")), 405)


@pytest.mark.parametrize(
    "url",
    [
        "/v2/control-planes/not-a-uuid",
        "/v2/control-planes/not-a-uuid/core-entities/services",
        "/v2/control-planes/not-a-uuid/changes",
        "/v2/control-planes/00000000-0000-0000-0000-00000000000g/core-entities/services",
        "/v2/personal-access-tokens/not-a-uuid",
        "/v2/personal-access-tokens/00000000-0000-0000-0000-000000000000",
    ],
)
def test_an_invalid_uuid_in_the_path_is_404(api: APIClient, world: ControlPlane, url: str) -> None:
    assert assert_kong_error(api.get(url), 404)["code"] == 6


@pytest.mark.parametrize(
    "body",
    [
        {"id": "not-a-uuid", "host": "h"},
        {"id": "7f0ad3f6-2a43-4b8e-9d65-1c7c0b2bd111\n", "host": "h"},
        {"id": "{7f0ad3f6-2a43-4b8e-9d65-1c7c0b2bd111}", "host": "h"},
        {"id": "7f0ad3f62a434b8e9d651c7c0b2bd111", "host": "h"},
        {"id": 5, "host": "h"},
        {"host": "h", "client_certificate": {"id": "nope"}},
    ],
)
def test_an_invalid_uuid_in_the_body_is_400(
    api: APIClient, core: Url, world: ControlPlane, body: dict[str, Any]
) -> None:
    before = state(world)
    assert_kong_error(api.post(core("/services"), body, format="json"), 400)
    assert state(world) == before


@pytest.mark.parametrize(
    "service",
    [
        {"id": "7f0ad3f6-2a43-4b8e-9d65-1c7c0b2bd111\n"},
        {"id": "nope"},
        {"id": 5},
        {"name": None},
        {"name": 5},
        {"name": {"nested": "x"}},
        {"name": "s", "id": "7f0ad3f6-2a43-4b8e-9d65-1c7c0b2bd111"},
        {"host": "h"},
        [],
        5,
    ],
)
def test_a_bad_reference_is_400(
    api: APIClient, core: Url, world: ControlPlane, service: Any
) -> None:
    before = state(world)
    response = api.post(core("/routes"), {"paths": ["/z"], "service": service}, format="json")
    assert_kong_error(response, 400)
    assert state(world) == before


@pytest.mark.parametrize("collection", ["bogus", "service", "SERVICES", "consumer_group_consumers"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_entity_type_is_404(
    api: APIClient, core: Url, collection: str, method: str
) -> None:
    response = getattr(api, method)(core(f"/{collection}"), {}, format="json")
    body = assert_kong_error(response, 404)
    assert body["message"] == f"unknown entity type '{collection}'"


@pytest.mark.parametrize(
    "path",
    [
        "/bogus/x",
        "/bogus/x/routes",
        "/services/ghost/routes",
        "/services/s/bogus",
        "/services/s/routes/ghost",
        "/routes/r/bogus/x",
        "/services/s/routes/r/plugins",
    ],
)
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_paths_that_do_not_exist_never_fail_badly(
    api: APIClient, core: Url, world: ControlPlane, path: str, method: str
) -> None:
    before = state(world)
    response = getattr(api, method)(core(path), {}, format="json")
    assert response.status_code in (204, 400, 404, 405), response.status_code
    if response.status_code != 204:
        assert_kong_error(response, response.status_code)
    assert state(world) == before


def test_unknown_fields_are_schema_violations(
    api: APIClient, core: Url, world: ControlPlane
) -> None:
    response = api.post(core("/services"), {"host": "h", "colour": "red"}, format="json")
    body = assert_kong_error(response, 400)
    assert body["fields"] == {"colour": "unknown field"}


def test_a_name_too_long_to_index_is_a_schema_violation(
    api: APIClient, core: Url, world: ControlPlane
) -> None:
    before = state(world)
    response = api.post(core("/consumers"), {"username": "u" * 513}, format="json")
    assert assert_kong_error(response, 400)["fields"] == {"username": "length must be at most 512"}
    assert state(world) == before
    assert api.post(core("/consumers"), {"username": "u" * 512}, format="json").status_code == 201


# Wrong JSON types for every field of every entity, through POST, PUT and PATCH.

BAD_VALUES: list[Any] = [
    1,
    -1,
    1.5,
    2**70,
    "x",
    "",
    True,
    None,
    [],
    [1],
    ["x", "x"],
    [{"a": 1}],
    {},
    {"a": 1},
    {"id": "nope"},
    {"name": "s"},
    "00000000-0000-0000-0000-000000000000",
]
VALID = {
    "services": {"host": "h2"},
    "routes": {"paths": ["/fuzz"]},
    "consumers": {"username": "fuzz"},
    "plugins": {"name": "rate-limiting", "config": {"minute": 1}},
}
EXISTING = {"services": "s", "routes": "r", "consumers": "c", "plugins": "p"}
CASES = [
    (entity_type, field)
    for entity_type in VALID
    for field in (*get_schema(entity_type).field_names, "url", "config.minute", "nope")
    if not (field == "url" and entity_type != "services")
]


def _put_field(body: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(body))
    if "." in field:
        outer, inner = field.split(".")
        body.setdefault(outer, {})[inner] = value
    else:
        body[field] = value
    return body


@pytest.mark.parametrize(("entity_type", "field"), CASES)
def test_no_value_of_any_type_in_any_field_breaks_a_write(
    api: APIClient, core: Url, world: ControlPlane, entity_type: str, field: str
) -> None:
    for value in BAD_VALUES:
        body = _put_field(VALID[entity_type], field, value)
        for method, url in [
            ("post", core(f"/{entity_type}")),
            ("put", core(f"/{entity_type}/fuzz-put")),
            ("patch", core(f"/{entity_type}/{EXISTING[entity_type]}")),
        ]:
            before = state(world)
            response = getattr(api, method)(url, body, format="json")
            if response.status_code in (200, 201):
                continue  # a valid value for this field
            assert_kong_error(response, response.status_code)
            assert response.status_code in (400, 404, 409), (method, field, value, response.json())
            assert state(world) == before, (method, field, value)


@pytest.mark.postgres
def test_postgres_is_never_handed_what_it_cannot_store(
    api: APIClient, core: Url, world: ControlPlane
) -> None:
    from django.db import connection

    from tests.conftest import services_required

    if connection.vendor != "postgresql":
        services_required("PostgreSQL")
    before = state(world)
    for body in (
        {"username": "a\u0000b"},
        {"username": "ok", "custom_id": "\u0000"},
        {"username": "\ud800"},
        {"username": "u" * 600},
    ):
        raw = json.dumps(body).encode()
        assert_kong_error(api.post(core("/consumers"), raw, content_type=JSON), 400)
    assert_kong_error(api.get(core("/consumers/a%00b")), 400)
    assert_kong_error(api.get("/v2/control-planes?filter[name]=%00"), 400)
    assert state(world) == before


@pytest.mark.parametrize("collection", sorted(entity_paths.COLLECTIONS))
def test_no_collection_breaks_on_a_wrong_type_in_any_field(
    api: APIClient, core: Url, world: ControlPlane, collection: str
) -> None:
    schema = get_schema(entity_paths.COLLECTIONS[collection])
    for field in schema.field_names:
        for value in (1.5, "x", [1], {"a": 1}, None):
            before = state(world)
            response = api.post(core(f"/{collection}"), {field: value}, format="json")
            if response.status_code == 201:
                continue
            assert_kong_error(response, response.status_code)
            assert response.status_code in (400, 409), (collection, field, value, response.json())
            assert state(world) == before
