import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from kongcore.schema import SchemaViolation, get_schema

CERTIFICATES = get_schema("certificates")
CA_CERTIFICATES = get_schema("ca_certificates")
SNIS = get_schema("snis")
CERT_ID = {"id": "13c562a1-191c-4464-9b18-e5222b46035b"}


def violation(schema, data, **kwargs):
    with pytest.raises(SchemaViolation) as info:
        schema.validate(data, **kwargs)
    return info.value


def test_certificate_with_matching_key_is_accepted(rsa_pair):
    certificate = CERTIFICATES.validate({"cert": rsa_pair.cert, "key": rsa_pair.key})
    assert list(certificate) == [
        "id",
        "created_at",
        "updated_at",
        "cert",
        "key",
        "cert_alt",
        "key_alt",
        "tags",
    ]
    assert certificate["cert_alt"] is None


def test_certificate_key_mismatch_is_refused(rsa_pair, other_rsa_pair):
    error = violation(CERTIFICATES, {"cert": rsa_pair.cert, "key": other_rsa_pair.key})
    assert error.fields == {"@entity": ["certificate does not match key"]}
    assert error.message == "schema violation (certificate does not match key)"


def test_certificate_that_is_not_pem_is_refused(rsa_pair):
    error = violation(CERTIFICATES, {"cert": "nope", "key": rsa_pair.key})
    assert error.fields["cert"].startswith("invalid certificate: ")
    error = violation(CERTIFICATES, {"cert": rsa_pair.cert, "key": "nope"})
    assert error.fields["key"].startswith("invalid key: ")


def test_certificate_alt_pair_must_match_and_differ_in_type(rsa_pair, other_rsa_pair, ec_pair):
    base = {"cert": rsa_pair.cert, "key": rsa_pair.key}
    ok = CERTIFICATES.validate({**base, "cert_alt": ec_pair.cert, "key_alt": ec_pair.key})
    assert ok["cert_alt"] == ec_pair.cert
    mismatch = violation(CERTIFICATES, {**base, "cert_alt": ec_pair.cert, "key_alt": rsa_pair.key})
    assert mismatch.fields == {"@entity": ["alternative certificate does not match key"]}
    same = {**base, "cert_alt": other_rsa_pair.cert, "key_alt": other_rsa_pair.key}
    assert "both of the same type" in violation(CERTIFICATES, same).fields["@entity"][0]


def test_certificate_alt_cert_needs_alt_key(rsa_pair, ec_pair):
    error = violation(
        CERTIFICATES, {"cert": rsa_pair.cert, "key": rsa_pair.key, "cert_alt": ec_pair.cert}
    )
    assert error.fields == {
        "@entity": ["all or none of these fields must be set: 'cert_alt', 'key_alt'"]
    }


def test_certificate_patch_with_mismatched_key_is_refused(rsa_pair, other_rsa_pair):
    existing = CERTIFICATES.validate({"cert": rsa_pair.cert, "key": rsa_pair.key})
    error = violation(CERTIFICATES, {"key": other_rsa_pair.key}, existing=existing)
    assert error.fields == {"@entity": ["certificate does not match key"]}


def test_certificate_accepts_vault_references():
    certificate = CERTIFICATES.validate({"cert": "{vault://env/cert}", "key": "{vault://env/key}"})
    assert certificate["cert"] == "{vault://env/cert}"


def test_ca_certificate_gets_sha256_digest_of_der(ca_pair):
    ca = CA_CERTIFICATES.validate({"cert": ca_pair.cert})
    der = x509.load_pem_x509_certificate(ca_pair.cert.encode()).public_bytes(
        serialization.Encoding.DER
    )
    assert ca["cert_digest"] == hashlib.sha256(der).hexdigest()
    assert CA_CERTIFICATES.unique_fields == ("cert_digest",)


def test_ca_certificate_must_be_a_ca(rsa_pair):
    error = violation(CA_CERTIFICATES, {"cert": rsa_pair.cert})
    assert error.fields == {
        "@entity": [
            'certificate does not appear to be a CA because it is missing the "CA" basic constraint'
        ]
    }


def test_sni_needs_a_certificate_and_a_valid_name():
    assert (
        SNIS.validate({"name": "*.example.com", "certificate": CERT_ID})["name"] == "*.example.com"
    )
    assert violation(SNIS, {"name": "example.com"}).fields == {
        "certificate": "required field missing"
    }
    assert violation(SNIS, {"name": "10.0.0.1", "certificate": CERT_ID}).fields == {
        "name": "must not be an IP"
    }
    assert violation(SNIS, {"name": "a.*.com", "certificate": CERT_ID}).fields == {
        "name": "wildcard must be leftmost or rightmost character"
    }


def test_sni_schema_metadata():
    assert SNIS.endpoint_key == "name"
    assert SNIS.foreign_keys["certificate"].on_delete == "restrict"
    assert CERTIFICATES.endpoint_key is None
