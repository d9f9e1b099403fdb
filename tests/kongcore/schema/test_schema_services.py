import pytest

from kongcore.schema import SchemaViolation, get_schema

SERVICES = get_schema("services")
ID = "58076db2-28b6-423b-ba39-a797193017f7"


def violation(data, **kwargs):
    with pytest.raises(SchemaViolation) as info:
        SERVICES.validate(data, **kwargs)
    return info.value


def test_service_create_fills_every_field_in_kong_order():
    service = SERVICES.validate({"id": ID, "created_at": 1, "updated_at": 2, "host": "a.org"})
    assert service == {
        "id": ID,
        "created_at": 1,
        "updated_at": 2,
        "name": None,
        "retries": 5,
        "protocol": "http",
        "host": "a.org",
        "port": 80,
        "path": None,
        "connect_timeout": 60000,
        "write_timeout": 60000,
        "read_timeout": 60000,
        "tags": None,
        "client_certificate": None,
        "tls_verify": None,
        "tls_verify_depth": None,
        "ca_certificates": None,
        "enabled": True,
    }
    assert list(service) == list(SERVICES.field_names)


def test_service_without_id_and_timestamps_gets_generated_ones():
    service = SERVICES.validate({"host": "a.org"})
    assert len(service["id"]) == 36
    assert service["created_at"] > 0 and service["updated_at"] > 0


def test_service_url_shorthand_sets_protocol_host_port_and_path():
    service = SERVICES.validate({"url": "https://mockbin.org/request"})
    assert (service["protocol"], service["host"], service["port"], service["path"]) == (
        "https",
        "mockbin.org",
        443,
        "/request",
    )
    assert "url" not in service


def test_service_url_shorthand_keeps_explicit_port_and_nulls_missing_path():
    service = SERVICES.validate({"url": "http://10.0.0.1:8080"})
    assert (service["host"], service["port"], service["path"]) == ("10.0.0.1", 8080, None)


def test_service_url_must_be_a_string():
    assert violation({"url": 5}).fields == {"url": "expected a string"}


def test_service_requires_host():
    error = violation({"name": "svc"})
    assert error.fields == {"host": "required field missing"}
    assert error.message == "schema violation (host: required field missing)"


def test_service_port_out_of_range_is_refused():
    error = violation({"host": "a.org", "port": 70000})
    assert error.fields == {"port": "value should be between 0 and 65535"}
    assert error.message == "schema violation (port: value should be between 0 and 65535)"


def test_service_wrong_types_report_kong_messages():
    error = violation({"host": 5, "port": "80", "retries": 1.5, "enabled": "yes"})
    assert error.fields == {
        "host": "expected a string",
        "port": "expected an integer",
        "retries": "expected an integer",
        "enabled": "expected a boolean",
    }
    assert error.message.startswith("4 schema violations (enabled: expected a boolean; host:")


def test_service_unknown_protocol_lists_choices():
    error = violation({"host": "a.org", "protocol": "ftp"})
    assert error.fields["protocol"].startswith("expected one of: grpc, grpcs, http, https, tcp")


def test_service_unknown_field_is_refused():
    assert violation({"host": "a.org", "nope": 1}).fields == {"nope": "unknown field"}


def test_service_host_with_port_is_refused():
    assert violation({"host": "a.org:80"}).fields == {"host": "must not have a port"}


def test_service_invalid_host_is_refused():
    assert violation({"host": "a b"}).fields == {"host": "invalid value: a b"}


def test_service_path_must_start_with_slash_and_have_no_empty_segments():
    assert violation({"host": "a.org", "path": "x"}).fields == {"path": "should start with: /"}
    assert violation({"host": "a.org", "path": "/a//b"}).fields == {
        "path": "must not have empty segments"
    }


def test_service_name_with_spaces_is_refused():
    assert (
        "the only accepted ascii characters"
        in violation({"host": "a", "name": "a b"}).fields["name"]
    )


def test_service_empty_string_is_refused():
    assert violation({"host": ""}).fields == {"host": "length must be at least 1"}


def test_tls_verify_is_only_allowed_for_https_services():
    error = violation({"host": "a.org", "tls_verify": True})
    assert error.fields == {
        "tls_verify": "value must be null",
        "@entity": ["failed conditional validation given value of field 'protocol'"],
    }
    assert SERVICES.validate({"host": "a.org", "protocol": "https", "tls_verify": True})


def test_tcp_service_cannot_have_a_path():
    error = violation({"host": "a.org", "protocol": "tcp", "path": "/x"})
    assert error.fields["path"] == "value must be null"


def test_service_client_certificate_must_be_a_uuid_reference():
    error = violation({"host": "a", "protocol": "https", "client_certificate": {"id": "x"}})
    assert error.fields == {"client_certificate": {"id": "expected a valid UUID"}}
    assert error.message == "schema violation (client_certificate.id: expected a valid UUID)"


def test_service_patch_merges_over_existing_and_revalidates():
    existing = SERVICES.validate({"id": ID, "host": "a.org", "name": "svc"})
    patched = SERVICES.validate({"port": 8080, "tags": ["x"]}, existing=existing)
    assert patched == {**existing, "port": 8080, "tags": ["x"]}


def test_service_patch_can_null_an_optional_field():
    existing = SERVICES.validate({"host": "a.org", "name": "svc"})
    assert SERVICES.validate({"name": None}, existing=existing)["name"] is None


def test_service_patch_with_bad_value_is_refused():
    existing = SERVICES.validate({"host": "a.org"})
    assert violation({"host": None}, existing=existing).fields == {"host": "required field missing"}


def test_service_patch_url_replaces_protocol_host_port_and_path():
    existing = SERVICES.validate({"url": "http://a.org/x"})
    patched = SERVICES.validate({"url": "https://b.org"}, existing=existing)
    assert (patched["protocol"], patched["host"], patched["port"], patched["path"]) == (
        "https",
        "b.org",
        443,
        None,
    )


def test_service_tags_are_deduplicated_like_a_set():
    assert SERVICES.validate({"host": "a", "tags": ["a", "b", "a"]})["tags"] == ["a", "b"]


def test_service_tags_refuse_commas():
    assert "invalid tag 'a,b'" in violation({"host": "a", "tags": ["a,b"]}).fields["tags"]


def test_service_schema_metadata():
    assert SERVICES.name == "services"
    assert SERVICES.endpoint_key == "name"
    assert SERVICES.unique_fields == ("name",)
    assert SERVICES.foreign_keys["client_certificate"].reference == "certificates"
    assert SERVICES.foreign_keys["client_certificate"].on_delete == "restrict"


def test_non_dict_input_is_a_violation():
    assert violation([1]).fields == {"@entity": ["expected a record"]}


def test_validate_does_not_mutate_its_inputs():
    data = {"url": "http://a.org/x", "tags": ["a"]}
    existing = SERVICES.validate({"host": "b.org"})
    snapshot = dict(existing)
    SERVICES.validate(data, existing=existing)
    assert data == {"url": "http://a.org/x", "tags": ["a"]}
    assert existing == snapshot


def test_integral_float_is_accepted_as_integer():
    assert SERVICES.validate({"host": "a", "port": 8080.0})["port"] == 8080
