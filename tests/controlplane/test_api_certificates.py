"""Certificates in the Admin API, with Kong's ``snis`` shorthand."""

from collections.abc import Callable

from rest_framework.test import APIClient

from controlplane.models import ConfigVersion, ControlPlane

Url = Callable[[str], str]


def create(api: APIClient, core: Url, cert_pem: tuple[str, str], **extra: object) -> dict:
    cert, key = cert_pem
    response = api.post(core("/certificates"), {"cert": cert, "key": key, **extra}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def sni_names(api: APIClient, core: Url) -> list[str]:
    return sorted(s["name"] for s in api.get(core("/snis")).json()["data"])


def test_requires_auth(core: Url) -> None:
    assert APIClient().get(core("/certificates")).status_code == 401


def test_hides_other_orgs(outsider_api: APIClient, core: Url) -> None:
    assert outsider_api.get(core("/certificates")).status_code == 404


def test_refuses_viewers(viewer_api: APIClient, core: Url, cert_pem: tuple[str, str]) -> None:
    cert, key = cert_pem
    response = viewer_api.post(core("/certificates"), {"cert": cert, "key": key}, format="json")
    assert response.status_code == 403


def test_posting_snis_creates_them_in_the_certificates_version(
    owner_api: APIClient, core: Url, cp: ControlPlane, cert_pem: tuple[str, str]
) -> None:
    body = create(owner_api, core, cert_pem, snis=["b.example", "a.example"])
    assert body["snis"] == ["a.example", "b.example"]
    assert sni_names(owner_api, core) == ["a.example", "b.example"]
    cp.refresh_from_db()
    assert cp.config_version == 1
    version = ConfigVersion.objects.get(control_plane=cp, version=1)
    assert version.change_count == 3


def test_a_certificate_shows_its_sni_names(
    owner_api: APIClient, core: Url, cert_pem: tuple[str, str]
) -> None:
    created = create(owner_api, core, cert_pem)
    owner_api.post(
        core("/snis"), {"name": "c.example", "certificate": {"id": created["id"]}}, format="json"
    )
    assert owner_api.get(core(f"/certificates/{created['id']}")).json()["snis"] == ["c.example"]
    listed = owner_api.get(core("/certificates")).json()["data"]
    assert listed[0]["snis"] == ["c.example"]


def test_patching_snis_replaces_them(
    owner_api: APIClient, core: Url, cert_pem: tuple[str, str]
) -> None:
    created = create(owner_api, core, cert_pem, snis=["a.example", "b.example"])
    response = owner_api.patch(
        core(f"/certificates/{created['id']}"), {"snis": ["b.example", "c.example"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["snis"] == ["b.example", "c.example"]
    assert sni_names(owner_api, core) == ["b.example", "c.example"]


def test_putting_a_certificate_without_snis_keeps_them(
    owner_api: APIClient, core: Url, cert_pem: tuple[str, str]
) -> None:
    cert, key = cert_pem
    created = create(owner_api, core, cert_pem, snis=["a.example"])
    response = owner_api.put(
        core(f"/certificates/{created['id']}"),
        {"cert": cert, "key": key, "tags": ["t"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["snis"] == ["a.example"]


def test_an_sni_of_another_certificate_is_refused(
    owner_api: APIClient, core: Url, cert_pem: tuple[str, str]
) -> None:
    first = create(owner_api, core, cert_pem, snis=["a.example"])
    cert, key = cert_pem
    response = owner_api.post(
        core("/certificates"), {"cert": cert, "key": key, "snis": ["a.example"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "snis": f"a.example already associated with existing certificate '{first['id']}'"
    }
    assert len(owner_api.get(core("/certificates")).json()["data"]) == 1


def test_duplicate_snis_are_refused(
    owner_api: APIClient, core: Url, cert_pem: tuple[str, str]
) -> None:
    cert, key = cert_pem
    response = owner_api.post(
        core("/certificates"),
        {"cert": cert, "key": key, "snis": ["a.example", "a.example"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"snis": "a.example is duplicated"}


def test_deleting_a_certificate_deletes_its_snis_in_one_version(
    owner_api: APIClient, core: Url, cp: ControlPlane, cert_pem: tuple[str, str]
) -> None:
    created = create(owner_api, core, cert_pem, snis=["a.example"])
    assert owner_api.delete(core(f"/certificates/{created['id']}")).status_code == 204
    assert sni_names(owner_api, core) == []
    cp.refresh_from_db()
    last = ConfigVersion.objects.get(control_plane=cp, version=cp.config_version)
    assert [c.entity_type for c in last.changes.all()] == ["snis", "certificates"]


def test_a_certificate_a_service_uses_cannot_be_deleted(
    owner_api: APIClient, core: Url, cert_pem: tuple[str, str]
) -> None:
    created = create(owner_api, core, cert_pem)
    owner_api.post(
        core("/services"),
        {"name": "s", "url": "https://s.internal", "client_certificate": {"id": created["id"]}},
        format="json",
    )
    response = owner_api.delete(core(f"/certificates/{created['id']}"))
    assert response.status_code == 400
    assert response.json()["name"] == "referenced by others"


def test_snis_are_listed_under_their_certificate(
    owner_api: APIClient, core: Url, cert_pem: tuple[str, str]
) -> None:
    created = create(owner_api, core, cert_pem, snis=["a.example"])
    listed = owner_api.get(core(f"/certificates/{created['id']}/snis")).json()["data"]
    assert [s["name"] for s in listed] == ["a.example"]
