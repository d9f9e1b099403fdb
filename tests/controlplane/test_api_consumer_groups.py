"""Consumer groups and their consumers, through Kong's membership endpoints."""

from collections.abc import Callable

from rest_framework.test import APIClient

from controlplane.models import ConfigVersion, ControlPlane

Url = Callable[[str], str]


def setup(api: APIClient, core: Url) -> None:
    api.post(core("/consumer_groups"), {"name": "gold"}, format="json")
    api.post(core("/consumer_groups"), {"name": "silver"}, format="json")
    for name in ("alice", "bob"):
        api.post(core("/consumers"), {"username": name}, format="json")


def names(response: object, key: str) -> list[str]:
    return sorted(item[key] for item in response.json()["data"])  # type: ignore[attr-defined]


def test_requires_auth(core: Url) -> None:
    assert APIClient().get(core("/consumer_groups/gold/consumers")).status_code == 401


def test_hides_other_orgs(owner_api: APIClient, outsider_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    assert outsider_api.get(core("/consumer_groups/gold/consumers")).status_code == 404


def test_refuses_viewers(owner_api: APIClient, viewer_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    response = viewer_api.post(core("/consumer_groups/gold/consumers"), {"consumer": "alice"})
    assert response.status_code == 403


def test_adding_a_consumer_by_name_answers_the_group_and_consumer(
    owner_api: APIClient, core: Url
) -> None:
    setup(owner_api, core)
    response = owner_api.post(
        core("/consumer_groups/gold/consumers"), {"consumer": "alice"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["consumer_group"]["name"] == "gold"
    assert [c["username"] for c in body["consumers"]] == ["alice"]
    listed = owner_api.get(core("/consumer_groups/gold/consumers"))
    assert names(listed, "username") == ["alice"]


def test_several_consumers_join_in_one_version(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    setup(owner_api, core)
    cp.refresh_from_db()
    before = cp.config_version
    alice = owner_api.get(core("/consumers/alice")).json()
    response = owner_api.post(
        core("/consumer_groups/gold/consumers"), {"consumer": [alice["id"], "bob"]}, format="json"
    )
    assert response.status_code == 201
    cp.refresh_from_db()
    assert cp.config_version == before + 1
    assert ConfigVersion.objects.get(control_plane=cp, version=cp.config_version).change_count == 2


def test_a_consumer_already_in_the_group_is_a_conflict(owner_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    owner_api.post(core("/consumer_groups/gold/consumers"), {"consumer": "alice"}, format="json")
    response = owner_api.post(
        core("/consumer_groups/gold/consumers"), {"consumer": "alice"}, format="json"
    )
    assert response.status_code == 409
    assert "already in group" in response.json()["message"]


def test_unknown_consumers_and_groups_are_404(owner_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    response = owner_api.post(core("/consumer_groups/gold/consumers"), {"consumer": "nobody"})
    assert (response.status_code, response.json()["message"]) == (
        404,
        "Consumer 'nobody' not found",
    )
    response = owner_api.get(core("/consumer_groups/platinum/consumers"))
    assert (response.status_code, response.json()["message"]) == (404, "Group 'platinum' not found")


def test_a_post_without_consumer_is_a_bad_request(owner_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    response = owner_api.post(core("/consumer_groups/gold/consumers"), {}, format="json")
    assert (response.status_code, response.json()["message"]) == (400, "must provide consumer")


def test_one_membership_is_shown_and_removed(owner_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    owner_api.post(core("/consumer_groups/gold/consumers"), {"consumer": "alice"}, format="json")
    shown = owner_api.get(core("/consumer_groups/gold/consumers/alice"))
    assert shown.json()["consumer"]["username"] == "alice"
    assert owner_api.delete(core("/consumer_groups/gold/consumers/alice")).status_code == 204
    assert owner_api.get(core("/consumer_groups/gold/consumers/alice")).status_code == 404
    assert owner_api.delete(core("/consumer_groups/gold/consumers/alice")).status_code == 404


def test_a_consumer_joins_groups_from_its_own_side(owner_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    response = owner_api.post(
        core("/consumers/alice/consumer_groups"), {"group": ["gold", "silver"]}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["consumer"]["username"] == "alice"
    listed = owner_api.get(core("/consumers/alice/consumer_groups"))
    assert names(listed, "name") == ["gold", "silver"]
    shown = owner_api.get(core("/consumers/alice/consumer_groups/gold"))
    assert shown.json()["consumer_group"]["name"] == "gold"


def test_removing_all_groups_of_a_consumer(owner_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    owner_api.post(
        core("/consumers/alice/consumer_groups"), {"group": ["gold", "silver"]}, format="json"
    )
    assert owner_api.delete(core("/consumers/alice/consumer_groups")).status_code == 204
    assert names(owner_api.get(core("/consumers/alice/consumer_groups")), "name") == []


def test_emptying_a_group(owner_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    owner_api.post(
        core("/consumer_groups/gold/consumers"), {"consumer": ["alice", "bob"]}, format="json"
    )
    assert owner_api.delete(core("/consumer_groups/gold/consumers")).status_code == 204
    assert names(owner_api.get(core("/consumer_groups/gold/consumers")), "username") == []


def test_memberships_go_with_a_deleted_consumer(owner_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    owner_api.post(core("/consumer_groups/gold/consumers"), {"consumer": "alice"}, format="json")
    assert owner_api.delete(core("/consumers/alice")).status_code == 204
    assert names(owner_api.get(core("/consumer_groups/gold/consumers")), "username") == []


def test_plugins_nest_under_a_consumer_group(owner_api: APIClient, core: Url) -> None:
    setup(owner_api, core)
    response = owner_api.post(
        core("/consumer_groups/gold/plugins"),
        {"name": "rate-limiting", "config": {"minute": 5}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    group = owner_api.get(core("/consumer_groups/gold")).json()
    assert response.json()["consumer_group"] == {"id": group["id"]}
