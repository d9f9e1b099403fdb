"""Shared fixtures: an owner (alice), a viewer in her organization (charlie), and a member
of another organization (bob), each with an API client holding a personal access token."""

import os
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from controlplane.models import ControlPlane, Organization, Role, User
from controlplane.services.control_planes import create_control_plane
from controlplane.services.tenancy import add_member, create_org, create_user
from controlplane.services.tokens import create_token


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # PBKDF2's million rounds cost most of each test's setup; tests need no strong hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api_client(user: User, org: Organization) -> APIClient:
    _, secret = create_token(user, org, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def org(db: Any) -> Organization:
    organization, _ = create_org("acme", admin_email="alice@acme.test", admin_password="pw-alice")
    return organization


@pytest.fixture
def alice(org: Organization) -> User:
    return User.objects.get(email="alice@acme.test")


@pytest.fixture
def charlie(org: Organization) -> User:
    create_user("charlie@acme.test", "pw-charlie")
    add_member(org, "charlie@acme.test", Role.VIEWER)
    return User.objects.get(email="charlie@acme.test")


@pytest.fixture
def other_org(db: Any) -> Organization:
    organization, _ = create_org("globex", admin_email="bob@globex.test", admin_password="pw-bob")
    return organization


@pytest.fixture
def bob(other_org: Organization) -> User:
    return User.objects.get(email="bob@globex.test")


@pytest.fixture
def owner_api(alice: User, org: Organization) -> APIClient:
    return api_client(alice, org)


@pytest.fixture
def viewer_api(charlie: User, org: Organization) -> APIClient:
    return api_client(charlie, org)


@pytest.fixture
def outsider_api(bob: User, other_org: Organization) -> APIClient:
    return api_client(bob, other_org)


@pytest.fixture
def cp(org: Organization) -> ControlPlane:
    return create_control_plane(org, name="default")


@pytest.fixture
def core(cp: ControlPlane) -> Callable[[str], str]:
    """The base URL of the control plane's Kong Admin API, plus a path."""

    def url(path: str = "") -> str:
        return f"/v2/control-planes/{cp.pk}/core-entities{path}"

    return url


@pytest.fixture(scope="session")
def cert_pem() -> tuple[str, str]:
    """A self-signed RSA certificate and its key, PEM-encoded: (cert, key)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "example.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()


def services_required(name: str) -> None:
    """Under CI a missing service fails the test; elsewhere it skips with a hint."""
    message = (
        f"{name} is not configured; run the tests through scripts/with-services.sh "
        "(sets DATABASE_URL and REDIS_URL) to include them"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def close_async_thread_connections(request: pytest.FixtureRequest) -> Any:
    """Close the connections that async tests opened in asgiref's worker thread.

    ``database_sync_to_async`` runs on one executor thread whose connection outlives the
    tests; PostgreSQL refuses to drop a test database that a connection still holds.
    """
    if "django_db_setup" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("django_db_setup")
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def published(monkeypatch: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every (group, event) the code publishes to the channel layer, in order."""
    from controlplane.sync import publish

    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(publish, "publish", lambda group, event: sent.append((group, event)))
    return sent
