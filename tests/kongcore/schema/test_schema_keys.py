import json

import pytest

from kongcore.schema import SchemaViolation, get_schema

KEYS = get_schema("keys")
KEY_SETS = get_schema("key_sets")
SET = {"id": "d46b0e15-ffbc-4b15-ad92-09ef67935453"}
JWK = {"kty": "RSA", "kid": "k1", "n": "v2KA", "e": "AQAB", "alg": "RS256"}


def violation(data):
    with pytest.raises(SchemaViolation) as info:
        KEYS.validate(data)
    return info.value


def test_key_set_has_name_endpoint():
    key_set = KEY_SETS.validate({"name": "bar"})
    assert key_set["name"] == "bar"
    assert KEY_SETS.endpoint_key == "name"


def test_jwk_key_is_accepted():
    key = KEYS.validate({"kid": "k1", "name": "foo", "jwk": json.dumps(JWK), "set": SET})
    assert key["pem"] is None and key["set"] == SET


def test_pem_key_pair_is_accepted(rsa_pair):
    pem = {"private_key": rsa_pair.key, "public_key": rsa_pair.public_key}
    key = KEYS.validate({"kid": "my-pem-key", "pem": pem})
    assert key["pem"] == pem and key["jwk"] is None


def test_key_needs_exactly_one_of_jwk_and_pem(rsa_pair):
    assert violation({"kid": "k"}).fields == {
        "@entity": ["only one of these fields must be non-empty: 'jwk', 'pem'"]
    }
    both = {"kid": "k1", "jwk": json.dumps(JWK), "pem": {"public_key": rsa_pair.public_key}}
    assert "@entity" in violation(both).fields


def test_jwk_must_be_json_and_match_kid():
    assert violation({"kid": "k1", "jwk": "{"}).fields == {
        "jwk": "could not parse JWK: not valid JSON"
    }
    assert violation({"kid": "other", "jwk": json.dumps(JWK)}).fields == {
        "kid": "kid in jwk.kid must be equal to keys.kid"
    }


def test_pem_must_parse():
    error = violation({"kid": "k", "pem": {"private_key": "nope"}})
    assert error.fields["pem"]["private_key"].startswith("invalid key: ")


def test_key_schema_metadata():
    assert KEYS.unique_together == (("set", "kid"),)
    assert KEYS.foreign_keys["set"].on_delete == "cascade"
    assert KEYS.endpoint_key == "name"
