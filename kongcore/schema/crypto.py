"""PEM parsing for certificates and keys, via the `cryptography` package."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

_LOAD_ERRORS = (ValueError, TypeError, UnsupportedAlgorithm)
_SPKI = (serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def is_reference(value: Any) -> bool:
    """Kong vault references ({vault://env/x}) are resolved by the gateway, not here."""
    return isinstance(value, str) and value.startswith("{vault://")


def load_certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def certificate_error(pem: str) -> str | None:
    if is_reference(pem):
        return None
    try:
        load_certificate(pem)
    except _LOAD_ERRORS as exc:
        return f"invalid certificate: {exc}"
    return None


def key_error(pem: str) -> str | None:
    if is_reference(pem):
        return None
    try:
        serialization.load_pem_private_key(pem.encode(), password=None)
    except _LOAD_ERRORS as exc:
        return f"invalid key: {exc}"
    return None


def public_key_error(pem: str) -> str | None:
    if is_reference(pem):
        return None
    try:
        serialization.load_pem_public_key(pem.encode())
    except _LOAD_ERRORS as exc:
        return f"invalid key: {exc}"
    return None


def certificate_matches_key(cert_pem: str, key_pem: str) -> bool:
    if is_reference(cert_pem) or is_reference(key_pem):
        return True
    cert_public = load_certificate(cert_pem).public_key().public_bytes(*_SPKI)
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    return cert_public == key.public_key().public_bytes(*_SPKI)


def key_type(cert_pem: str) -> str:
    """ "rsa", "ec", ... for the certificate's public key."""
    public = load_certificate(cert_pem).public_key()
    kinds: list[tuple[type, str]] = [
        (rsa.RSAPublicKey, "rsa"),
        (ec.EllipticCurvePublicKey, "ec"),
        (ed25519.Ed25519PublicKey, "ed25519"),
        (ed448.Ed448PublicKey, "ed448"),
    ]
    return next((name for cls, name in kinds if isinstance(public, cls)), "other")


def certificate_digest(cert_pem: str) -> str:
    """sha256 hex of the DER encoding, which Kong stores as ca_certificates.cert_digest."""
    der = load_certificate(cert_pem).public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).hexdigest()
