"""Exporting a control plane's config as decK dumps it: nested, by name, with ids, sorted."""

from typing import Any

import yaml

from controlplane.declarative.export import export_document, render
from controlplane.models import ControlPlane
from controlplane.services import entities as entity_service
from controlplane.services.declarative import apply_declarative_config, export_declarative_config

DOCUMENT: dict[str, Any] = {
    "services": [
        {"name": "zeta", "host": "z.internal"},
        {
            "name": "alpha",
            "host": "a.internal",
            "routes": [{"name": "r1", "paths": ["/a"], "plugins": [{"name": "cors"}]}],
            "plugins": [{"name": "key-auth"}],
        },
    ],
    "consumers": [
        {"username": "bob", "keyauth_credentials": [{"key": "k-bob"}], "groups": [{"name": "gold"}]}
    ],
    "consumer_groups": [{"name": "gold"}],
    "upstreams": [{"name": "u.internal", "targets": [{"target": "10.0.0.1:80"}]}],
    "plugins": [
        {"name": "rate-limiting", "config": {"minute": 5}},
        {"name": "rate-limiting", "route": "r1", "consumer": "bob", "config": {"minute": 1}},
    ],
}


def exported(cp: ControlPlane) -> dict[str, Any]:
    apply_declarative_config(cp, DOCUMENT, actor="test")
    return export_declarative_config(cp)


def test_entities_nest_as_deck_nests_them(cp: ControlPlane) -> None:
    document = exported(cp)
    alpha = document["services"][0]
    assert [s["name"] for s in document["services"]] == ["alpha", "zeta"]
    assert alpha["routes"][0]["plugins"][0]["name"] == "cors"
    assert alpha["plugins"][0]["name"] == "key-auth"
    assert "service" not in alpha["routes"][0] and "route" not in alpha["routes"][0]["plugins"][0]
    bob = document["consumers"][0]
    assert bob["keyauth_credentials"][0]["key"] == "k-bob"
    assert bob["groups"] == [{"name": "gold"}]
    assert document["upstreams"][0]["targets"][0]["target"] == "10.0.0.1:80"


def test_plugins_with_several_scopes_or_none_stay_on_top_naming_their_scopes(
    cp: ControlPlane,
) -> None:
    plugins = exported(cp)["plugins"]
    scoped = next(p for p in plugins if p.get("route"))
    assert (scoped["route"], scoped["consumer"]) == ("r1", "bob")
    assert any("route" not in p and "consumer" not in p for p in plugins)


def test_ids_are_kept_and_timestamps_dropped(cp: ControlPlane) -> None:
    service = exported(cp)["services"][0]
    assert service["id"] == entity_service.require(cp, "services", "alpha").data["id"]
    assert "created_at" not in service and "updated_at" not in service


def test_nulls_that_are_the_default_are_left_out_and_others_kept(cp: ControlPlane) -> None:
    service = exported(cp)["services"][0]
    assert "path" not in service and "client_certificate" not in service
    assert service["retries"] == 5


def test_the_export_is_deterministic(cp: ControlPlane) -> None:
    first = render(exported(cp), "yaml")
    assert render(export_declarative_config(cp), "yaml") == first
    assert first.index("_format_version") < first.index("consumer_groups") < first.index("services")


def test_multi_line_strings_are_literal_blocks() -> None:
    text = render({"certificates": [{"cert": "-----BEGIN-----\nabc\n-----END-----\n"}]}, "yaml")
    assert "cert: |" in text
    assert yaml.safe_load(text)["certificates"][0]["cert"].endswith("-----END-----\n")


def test_basic_auth_hashes_are_marked_so_a_resync_keeps_them(cp: ControlPlane) -> None:
    apply_declarative_config(
        cp,
        {
            "consumers": [
                {"username": "u", "basicauth_credentials": [{"username": "x", "password": "p"}]}
            ]
        },
        actor="test",
    )
    document = export_declarative_config(cp)
    assert document["_info"] == {"skip_hash_for_basic_auth": True}


def test_an_empty_config_exports_just_the_format_version() -> None:
    assert export_document({}) == {"_format_version": "3.0"}
