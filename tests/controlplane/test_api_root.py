"""Kong's root endpoint at the control plane's base URL."""

from collections.abc import Callable

from rest_framework.test import APIClient

Url = Callable[[str], str]


def test_the_base_url_answers_kong_root_information(owner_api: APIClient, core: Url) -> None:
    owner_api.post(core("/plugins"), {"name": "cors"}, format="json")
    body = owner_api.get(core("/")).json()
    assert body["version"].startswith("3.")
    assert {"key-auth", "rate-limiting", "cors"} <= set(body["plugins"]["available_on_server"])
    assert body["plugins"]["enabled_in_cluster"] == ["cors"]


def test_the_base_url_hides_other_orgs(outsider_api: APIClient, core: Url) -> None:
    assert outsider_api.get(core("/")).status_code == 404


def test_the_base_url_requires_auth(core: Url) -> None:
    assert APIClient().get(core("/")).status_code == 401


def test_the_base_url_is_read_only(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(core("/"), {}, format="json")
    assert response.status_code == 405
    assert response.json()["name"] == "method not allowed"
