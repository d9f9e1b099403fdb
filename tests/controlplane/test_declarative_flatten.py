"""From decK's nested layout to flat entities, with decK's sugar applied."""

from typing import Any

import pytest

from controlplane.declarative import limits
from controlplane.declarative.errors import Problems
from controlplane.declarative.flatten import FlatConfig, flatten


def flat(document: dict[str, Any]) -> tuple[FlatConfig, Problems]:
    problems = Problems()
    return flatten(document, problems), problems


def test_nested_entities_become_children_of_their_parent() -> None:
    config, problems = flat(
        {"services": [{"name": "s", "routes": [{"name": "r", "plugins": [{"name": "cors"}]}]}]}
    )
    assert not problems
    (route,) = config.entities["routes"]
    (plugin,) = config.entities["plugins"]
    assert (route.parent_field, route.parent and route.parent.where) == (
        "service",
        "services[name=s]",
    )
    assert plugin.parent is route and plugin.parent_field == "route"
    assert plugin.where == "services[name=s].routes[name=r].plugins[0]"
    assert plugin.path == "services[0].routes[0].plugins[0]"
    assert "routes" not in config.entities["services"][0].body


@pytest.mark.parametrize(
    ("parent", "key", "child", "field"),
    [
        ("consumers", "keyauth_credentials", "keyauth_credentials", "consumer"),
        ("consumers", "basicauth_credentials", "basicauth_credentials", "consumer"),
        ("consumers", "hmacauth_credentials", "hmacauth_credentials", "consumer"),
        ("consumers", "jwt_secrets", "jwt_secrets", "consumer"),
        ("consumers", "acls", "acls", "consumer"),
        ("consumers", "plugins", "plugins", "consumer"),
        ("upstreams", "targets", "targets", "upstream"),
        ("certificates", "snis", "snis", "certificate"),
        ("consumer_groups", "plugins", "plugins", "consumer_group"),
        ("key_sets", "keys", "keys", "set"),
    ],
)
def test_every_decK_nesting_is_understood(parent: str, key: str, child: str, field: str) -> None:
    config, problems = flat({parent: [{key: [{}]}]})
    (entity,) = config.entities[child]
    assert entity.parent_field == field and not problems


def test_group_lists_become_memberships_naming_the_other_side() -> None:
    config, _ = flat(
        {
            "consumers": [{"username": "u", "groups": [{"name": "gold"}]}],
            "consumer_groups": [{"name": "gold", "consumers": [{"username": "v"}]}],
        }
    )
    bodies = sorted(str(e.body) for e in config.entities["consumer_group_consumers"])
    assert bodies == ["{'consumer': {'username': 'v'}}", "{'consumer_group': {'name': 'gold'}}"]


def test_sni_names_may_be_plain_strings() -> None:
    config, _ = flat({"certificates": [{"snis": ["a.example"]}]})
    assert config.entities["snis"][0].body == {"name": "a.example"}


def test_timestamps_in_the_file_are_dropped() -> None:
    config, _ = flat({"services": [{"name": "s", "created_at": 1, "updated_at": 2}]})
    assert config.entities["services"][0].body == {"name": "s"}


def test_select_tags_are_added_to_every_taggable_entity() -> None:
    config, _ = flat(
        {
            "_info": {"select_tags": ["a", "b"]},
            "services": [{"name": "s", "tags": ["b", "x"]}],
            "consumers": [{"username": "u", "groups": [{"name": "g"}]}],
        }
    )
    assert config.entities["services"][0].body["tags"] == ["b", "x", "a"]
    assert "tags" not in config.entities["consumer_group_consumers"][0].body


def test_an_unknown_plugin_config_name_is_a_problem() -> None:
    _, problems = flat({"plugins": [{"name": "cors", "_config": "missing"}]})
    assert problems.items[0].location == "plugins[0]._config"


def test_unsupported_children_are_named() -> None:
    _, problems = flat({"services": [{"name": "s", "filter_chains": [{"name": "f"}]}]})
    assert problems.items[0].location == "services[name=s].filter_chains"


def test_an_entry_that_is_not_a_record_is_a_problem() -> None:
    _, problems = flat({"services": ["billing"]})
    assert (problems.items[0].location, problems.items[0].message) == (
        "services[0]",
        "expected a record",
    )


def test_a_collection_that_is_not_a_list_is_a_problem() -> None:
    _, problems = flat({"services": {"name": "s"}})
    assert problems.items[0].location == "services"


def test_an_unknown_format_version_is_a_problem() -> None:
    _, problems = flat({"_format_version": "0.1"})
    assert problems.items[0].location == "_format_version"


def test_unknown_info_fields_are_problems() -> None:
    _, problems = flat({"_info": {"select_tag": ["a"]}})
    assert problems.items[0].location == "_info.select_tag"


def test_the_default_workspace_is_accepted() -> None:
    _, problems = flat({"_workspace": "default"})
    assert not problems


def _defaults_file(services: int, tags: int) -> dict[str, Any]:
    return {
        "_info": {"defaults": {"service": {"tags": [f"t{i}" for i in range(tags)]}}},
        "services": [{"name": f"s{i}", "host": "h"} for i in range(services)],
    }


def test_defaults_within_the_expansion_bound_fill_every_entity() -> None:
    config, problems = flat(_defaults_file(services=20, tags=1000))
    assert not problems
    assert all(len(s.body["tags"]) == 1000 for s in config.entities["services"])


def test_defaults_that_expand_the_file_past_the_bound_are_refused_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A default is copied into every entity: a large one multiplies validation like an alias.
    monkeypatch.setattr(limits, "EXPANSION_ALLOWANCE", 0)
    config, problems = flat(_defaults_file(services=20, tags=1000))
    assert len(problems.items) == 1
    problem = problems.items[0]
    assert problem.where.startswith("services[name=s")
    assert "_info.defaults, _plugin_configs and select_tags add more than" in problem.message
    assert "at most 10 times the values the file writes" in problem.message
    assert "tags" not in config.entities["services"][-1].body


def test_shared_plugin_configs_count_against_the_same_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "EXPANSION_ALLOWANCE", 0)
    shared = {"origins": [f"o{i}" for i in range(1000)]}
    plugins = [{"name": "cors", "instance_name": f"c{i}", "_config": "big"} for i in range(20)]
    _, problems = flat({"_plugin_configs": {"big": shared}, "plugins": plugins})
    assert len(problems.items) == 1
    assert "_plugin_configs and select_tags add more than" in problems.items[0].message


def test_select_tags_count_against_the_same_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "EXPANSION_ALLOWANCE", 0)
    select_tags = [f"t{i}" for i in range(1000)]
    services = [{"name": f"s{i}", "host": "h"} for i in range(20)]
    _, problems = flat({"_info": {"select_tags": select_tags}, "services": services})
    assert len(problems.items) == 1
    assert "select_tags add more than" in problems.items[0].message


def test_select_tags_are_added_beside_tags_that_are_not_strings() -> None:
    config, _ = flat({"_info": {"select_tags": ["a"]}, "services": [{"tags": [{"x": 1}]}]})
    assert config.entities["services"][0].body["tags"] == [{"x": 1}, "a"]
