import pytest

from kongcore.schema import SchemaViolation, get_schema

ROUTES = get_schema("routes")
SERVICE = {"id": "58076db2-28b6-423b-ba39-a797193017f7"}


def violation(data, **kwargs):
    with pytest.raises(SchemaViolation) as info:
        ROUTES.validate(data, **kwargs)
    return info.value


def test_route_create_fills_kong_defaults():
    route = ROUTES.validate({"name": "r1", "paths": ["/r1"], "service": SERVICE})
    expected = {
        "name": "r1",
        "protocols": ["http", "https"],
        "methods": None,
        "hosts": None,
        "paths": ["/r1"],
        "headers": None,
        "https_redirect_status_code": 426,
        "regex_priority": 0,
        "strip_path": True,
        "path_handling": "v0",
        "preserve_host": False,
        "request_buffering": True,
        "response_buffering": True,
        "snis": None,
        "sources": None,
        "destinations": None,
        "tags": None,
        "service": SERVICE,
    }
    assert {k: route[k] for k in expected} == expected
    assert list(route)[:4] == ["id", "created_at", "updated_at", "name"]


def test_http_route_needs_a_matching_field():
    error = violation({"protocols": ["http"]})
    assert error.fields == {
        "@entity": [
            "must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"
        ]
    }


def test_default_route_protocols_also_accept_snis_as_matching_field():
    error = violation({})
    assert error.message == (
        "schema violation (must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' "
        "when 'protocols' is 'https')"
    )
    assert ROUTES.validate({"snis": ["example.com"]})["snis"] == ["example.com"]


def test_route_paths_must_start_with_slash_or_tilde():
    error = violation({"paths": ["foo"]})
    assert error.fields == {"paths": "should start with: / (fixed path) or ~/ (regex path)"}


def test_route_regex_path_must_compile():
    assert "invalid regex" in violation({"paths": ["~/(foo"]}).fields["paths"]
    assert ROUTES.validate({"paths": ["~/users/(?<id>\\d+)$"]})["paths"]


def test_route_regex_path_that_python_cannot_compile_at_all_is_a_violation_not_a_crash():
    nested = violation({"paths": ["~/" + "(" * 5000 + ")" * 5000]}).fields["paths"]
    assert nested.startswith("invalid regex") and "too many nested groups" in nested
    huge = violation({"paths": ["~/a{99999999999999999999}"]}).fields["paths"]
    assert huge.startswith("invalid regex") and "repetition number is too large" in huge


def test_route_prefix_path_must_be_normalized():
    error = violation({"paths": ["/a/../b"]})
    assert error.fields == {"paths": "non-normalized path, consider use '/b' instead"}


def test_route_hosts_accept_one_wildcard_at_an_edge():
    route = ROUTES.validate({"hosts": ["*.example.com", "example.*", "a.org:8000"]})
    assert route["hosts"] == ["*.example.com", "example.*", "a.org:8000"]
    assert violation({"hosts": ["a.*.com"]}).fields == {
        "hosts": "invalid wildcard: must be placed at leftmost or rightmost label"
    }
    assert violation({"hosts": ["*.a.*"]}).fields == {
        "hosts": "invalid wildcard: must have at most one wildcard"
    }


def test_route_methods_must_be_upper_case():
    assert violation({"methods": ["get"]}).fields == {"methods": "invalid value: get"}


def test_route_headers_are_a_map_of_arrays_without_host():
    route = ROUTES.validate({"headers": {"x-foo": ["a", "b"]}})
    assert route["headers"] == {"x-foo": ["a", "b"]}
    assert (
        "cannot contain 'host' header" in violation({"headers": {"Host": ["a"]}}).fields["headers"]
    )
    assert violation({"headers": {"x-foo": "a"}}).fields == {"headers": "expected an array"}


def test_route_https_redirect_status_code_is_one_of_kong_codes():
    error = violation({"paths": ["/"], "https_redirect_status_code": 300})
    assert error.fields == {
        "https_redirect_status_code": "expected one of: 426, 301, 302, 307, 308"
    }


def test_route_protocols_refuse_mixing_http_and_stream():
    error = violation({"paths": ["/"], "protocols": ["http", "tcp"]})
    assert error.fields["protocols"].startswith("these sets are mutually exclusive")


def test_http_route_cannot_set_sources():
    error = violation({"paths": ["/"], "sources": [{"ip": "10.0.0.1"}]})
    assert error.fields == {"sources": "cannot set 'sources' when 'protocols' is 'http' or 'https'"}


def test_tcp_route_needs_sources_destinations_or_snis():
    error = violation({"protocols": ["tcp"]})
    assert error.fields == {
        "@entity": [
            "must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'"
        ]
    }
    route = ROUTES.validate({"protocols": ["tcp"], "destinations": [{"port": 8080}]})
    assert route["destinations"] == [{"ip": None, "port": 8080}]


def test_tcp_route_cannot_set_paths():
    error = violation({"protocols": ["tcp"], "sources": [{"port": 1}], "paths": ["/"]})
    assert error.fields["paths"] == (
        "cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'"
    )


def test_route_source_needs_ip_or_port():
    error = violation({"protocols": ["tcp"], "sources": [{}]})
    assert error.fields["sources"] == {
        "@entity": ["at least one of these fields must be non-empty: 'ip', 'port'"]
    }


def test_grpc_route_defaults_strip_path_to_false():
    route = ROUTES.validate({"protocols": ["grpc"], "paths": ["/x"]})
    assert route["strip_path"] is False


def test_grpc_route_refuses_strip_path_true():
    error = violation({"protocols": ["grpc"], "paths": ["/x"], "strip_path": True})
    assert error.fields == {
        "strip_path": "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'"
    }


def test_http_only_route_cannot_have_snis():
    error = violation({"protocols": ["http"], "paths": ["/"], "snis": ["a.org"]})
    assert error.fields["snis"] == "length must be 0"
    assert error.fields["@entity"] == [
        "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls', "
        "'tls_passthrough', or 'wss'"
    ]


def test_route_patch_replaces_arrays():
    existing = ROUTES.validate({"paths": ["/a", "/b"], "service": SERVICE})
    patched = ROUTES.validate({"paths": ["/c"]}, existing=existing)
    assert patched["paths"] == ["/c"]
    assert patched["service"] == SERVICE


def test_route_patch_removing_last_matcher_is_refused():
    existing = ROUTES.validate({"paths": ["/a"]})
    assert "@entity" in violation({"paths": None}, existing=existing).fields


def test_route_service_reference_must_be_id_only():
    error = violation({"paths": ["/"], "service": {"name": "svc"}})
    assert error.fields == {"service": {"name": "unknown field", "id": "required field missing"}}
    assert violation({"paths": ["/"], "service": "svc"}).fields == {"service": "expected a record"}


def test_route_schema_metadata():
    assert ROUTES.foreign_keys["service"].reference == "services"
    assert ROUTES.foreign_keys["service"].on_delete == "restrict"
    assert ROUTES.endpoint_key == "name"
