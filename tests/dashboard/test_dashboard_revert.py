"""Reverting from the change history: "Revert to this version" shows the diff first, and only
the confirmation writes the one new version; admins only."""

from typing import Any

import pytest
from django.test import Client

from controlplane.models import ConfigVersion, ControlPlane, Organization, Role
from controlplane.services.entities import create_entity, update_entity
from controlplane.services.tenancy import add_member, create_user
from tests.dashboard.conftest import signed_in


@pytest.fixture
def history(cp: ControlPlane) -> ControlPlane:
    """v1: a service on port 80; v2: a rate limit on it; v3: port 81; v4: limit 10; v5: ann."""
    create_entity(cp, "services", {"name": "billing", "host": "b.internal", "port": 80}, actor="t")
    limit = {"name": "rate-limiting", "service": "billing", "config": {"minute": 5}}
    create_entity(cp, "plugins", limit, actor="t")
    update_entity(cp, "services", "billing", {"port": 81}, actor="t")
    plugin_id = str(ConfigVersion.objects.get(control_plane=cp, version=2).changes.get().entity_id)
    update_entity(cp, "plugins", plugin_id, {"config": {"minute": 10}}, actor="t")
    create_entity(cp, "consumers", {"username": "ann"}, actor="ops@acme.test")
    return cp


def review_url(cp: ControlPlane, version: int) -> str:
    return f"/control-planes/{cp.pk}/changes/{version}/revert/"


def apply_url(cp: ControlPlane, version: int) -> str:
    return f"/control-planes/{cp.pk}/changes/{version}/revert/apply/"


def head(cp: ControlPlane) -> tuple[int, str]:
    cp.refresh_from_db()
    return cp.config_version, cp.config_hash


def test_each_past_version_offers_a_revert_and_the_current_one_says_current(
    alice_client: Client, history: ControlPlane
) -> None:
    page = alice_client.get(f"/control-planes/{history.pk}/changes/").content.decode()
    assert page.count("Revert to this version") == 4
    assert review_url(history, 1) in page and review_url(history, 5) not in page
    assert ">current</span>" in page
    # The last page also offers the version before the oldest kept: here the empty config.
    assert review_url(history, 0) in page and "the empty configuration before version 1" in page
    assert "no longer kept" not in page


def test_a_version_page_offers_a_revert(alice_client: Client, history: ControlPlane) -> None:
    page = alice_client.get(f"/control-planes/{history.pk}/changes/2/").content.decode()
    assert review_url(history, 2) in page
    current = alice_client.get(f"/control-planes/{history.pk}/changes/5/").content.decode()
    assert review_url(history, 5) not in current


def test_viewers_see_no_revert_and_cannot_review_or_revert(
    charlie_client: Client, history: ControlPlane
) -> None:
    page = charlie_client.get(f"/control-planes/{history.pk}/changes/").content.decode()
    assert "Revert to this version" not in page and ">current</span>" in page
    assert charlie_client.get(review_url(history, 1)).status_code == 403
    assert charlie_client.post(apply_url(history, 1), {"base_version": "5"}).status_code == 403
    assert head(history)[0] == 5


def test_editors_cannot_revert_either(org: Organization, history: ControlPlane) -> None:
    erin = create_user("erin@acme.test", "pw-erin")
    add_member(org, "erin@acme.test", Role.EDITOR)
    client = signed_in(erin)
    assert client.get(review_url(history, 1)).status_code == 403
    assert client.post(apply_url(history, 1), {"base_version": "5"}).status_code == 403


def test_another_organization_gets_404(bob_client: Client, history: ControlPlane) -> None:
    assert bob_client.get(review_url(history, 1)).status_code == 404
    assert bob_client.post(apply_url(history, 1), {"base_version": "5"}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(history: ControlPlane) -> None:
    assert Client().get(review_url(history, 1)).status_code == 302
    assert Client().post(apply_url(history, 1), {"base_version": "5"}).status_code == 302
    assert head(history)[0] == 5


def test_the_review_shows_each_change_field_by_field_and_writes_nothing(
    alice_client: Client, history: ControlPlane
) -> None:
    before = head(history)
    response = alice_client.get(review_url(history, 1))
    assert response.status_code == 200
    page = response.content.decode()
    assert head(history) == before
    assert "Revert to version 1" in page and "Nothing has been changed yet" in page
    target = ConfigVersion.objects.get(control_plane=history, version=1).config_hash
    assert target in page  # the hash the config will have: version 1's
    assert '<td class="mono">port</td>' in page
    assert ">81</td>" in page and ">80</td>" in page
    assert "Created in version 5 by ops@acme.test" in page  # the consumer goes
    assert "Created in version 2 by t" in page  # the plugin goes
    assert 'name="base_version" value="5"' in page
    assert "hx-confirm=" in page and "written as version 6" in page


def test_a_record_change_is_shown_by_the_path_of_each_changed_leaf(
    alice_client: Client, history: ControlPlane
) -> None:
    page = alice_client.get(review_url(history, 2)).content.decode()
    assert '<td class="mono">config.minute</td>' in page
    assert ">10</td>" in page and ">5</td>" in page


def test_confirming_reverts_as_one_version_and_says_so(
    alice_client: Client, history: ControlPlane
) -> None:
    response = alice_client.post(apply_url(history, 1), {"base_version": "5"}, follow=True)
    target = ConfigVersion.objects.get(control_plane=history, version=1).config_hash
    assert head(history) == (6, target)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/control-planes/{history.pk}/changes/"
    assert "Reverted to version 1 as version 6: 0 created, 1 updated, 2 deleted." in page
    latest = ConfigVersion.objects.get(control_plane=history, version=6)
    assert latest.actor == "alice@acme.test (revert to v1)"


def test_an_htmx_confirmation_is_told_where_to_go(
    alice_client: Client, history: ControlPlane
) -> None:
    response = alice_client.post(
        apply_url(history, 1), {"base_version": "5"}, headers={"HX-Request": "true"}
    )
    assert response.headers["HX-Redirect"] == f"/control-planes/{history.pk}/changes/"
    assert head(history)[0] == 6


def test_a_config_changed_since_the_review_shows_the_new_diff_instead(
    alice_client: Client, history: ControlPlane
) -> None:
    alice_client.get(review_url(history, 1))
    create_entity(history, "consumers", {"username": "bea"}, actor="t")  # now at version 6
    response = alice_client.post(apply_url(history, 1), {"base_version": "5"}, follow=True)
    assert head(history)[0] == 6
    assert response.redirect_chain[-1][0] == review_url(history, 1)
    page = response.content.decode()
    assert "The config changed since the diff was made (version 5 → 6)" in page
    assert 'name="base_version" value="6"' in page and "bea" in page


@pytest.mark.parametrize("base_version", ["", "five", "-1"])
def test_a_confirmation_without_a_reviewed_version_goes_back_to_the_review(
    alice_client: Client, history: ControlPlane, base_version: str
) -> None:
    response = alice_client.post(apply_url(history, 1), {"base_version": base_version})
    assert response.status_code == 302 and response["Location"] == review_url(history, 1)
    assert head(history)[0] == 5


def test_reviewing_the_current_version_says_there_is_nothing_to_revert(
    alice_client: Client, history: ControlPlane
) -> None:
    page = alice_client.get(review_url(history, 5)).content.decode()
    assert "Nothing to revert" in page and "The control plane is at version 5" in page
    assert "confirm-revert" not in page


def test_a_version_no_longer_kept_is_explained_on_the_history(
    alice_client: Client, cp: ControlPlane, settings: Any
) -> None:
    settings.KONNECTLITE_CHANGELOG_RETENTION = 2
    for n in range(5):
        create_entity(cp, "consumers", {"username": f"u{n}"}, actor="t")
    response = alice_client.get(review_url(cp, 1), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/control-planes/{cp.pk}/changes/"
    assert "the oldest version this control plane can revert to is 3" in page
    assert review_url(cp, 3) in page and "Older versions are no longer kept" in page
