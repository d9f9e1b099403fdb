from kongcore.schema import get_schema


def test_form_scalars_are_typed_from_the_schema():
    form = {"name": ["svc"], "port": ["8080"], "retries": ["3"], "enabled": ["false"]}
    assert get_schema("services").coerce_form(form) == {
        "name": "svc",
        "port": 8080,
        "retries": 3,
        "enabled": False,
    }


def test_form_repeated_keys_and_brackets_build_arrays():
    form = {"methods": ["GET", "POST"], "paths[]": ["/a", "/b"], "hosts": ["a.org"]}
    assert get_schema("routes").coerce_form(form) == {
        "methods": ["GET", "POST"],
        "paths": ["/a", "/b"],
        "hosts": ["a.org"],
    }


def test_form_indexed_keys_place_array_elements():
    form = {"paths[2]": ["/b"], "paths[1]": ["/a"]}
    assert get_schema("routes").coerce_form(form) == {"paths": ["/a", "/b"]}


def test_form_dotted_keys_build_foreign_keys_and_maps():
    form = {"service.id": ["58076db2-28b6-423b-ba39-a797193017f7"], "headers.x-foo": ["a"]}
    assert get_schema("routes").coerce_form(form) == {
        "service": {"id": "58076db2-28b6-423b-ba39-a797193017f7"},
        "headers": {"x-foo": ["a"]},
    }


def test_form_plugin_config_is_typed_by_the_plugin_schema():
    form = {
        "name": ["rate-limiting"],
        "config.minute": ["5"],
        "config.hide_client_headers": ["true"],
        "config.redis.port": ["6380"],
    }
    assert get_schema("plugins").coerce_form(form) == {
        "name": "rate-limiting",
        "config": {"minute": 5, "hide_client_headers": True, "redis": {"port": 6380}},
    }


def test_form_nested_array_keys():
    form = {"name": ["key-auth"], "config.key_names[]": ["a", "b"]}
    assert get_schema("plugins").coerce_form(form)["config"] == {"key_names": ["a", "b"]}


def test_form_empty_value_means_null():
    assert get_schema("services").coerce_form({"path": [""]}) == {"path": None}


def test_form_unknown_keys_pass_through_for_validation_to_refuse():
    assert get_schema("services").coerce_form({"nope": ["1"]}) == {"nope": "1"}


def test_form_output_validates():
    services = get_schema("services")
    form = {"url": ["http://a.org:8080/x"], "retries": ["2"], "tags[]": ["t"]}
    service = services.validate(services.coerce_form(form))
    assert (service["port"], service["retries"], service["tags"]) == (8080, 2, ["t"])
