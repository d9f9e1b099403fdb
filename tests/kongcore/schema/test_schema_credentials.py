import hashlib

import pytest

from kongcore.schema import SchemaViolation, get_schema

CONSUMER = {"id": "58076db2-28b6-423b-ba39-a797193017f7"}


def violation(entity_type, data, **kwargs):
    with pytest.raises(SchemaViolation) as info:
        get_schema(entity_type).validate(data, **kwargs)
    return info.value


def test_keyauth_key_is_generated_when_absent():
    first = get_schema("keyauth_credentials").validate({"consumer": CONSUMER})
    second = get_schema("keyauth_credentials").validate({"consumer": CONSUMER})
    assert len(first["key"]) == 32 and first["key"] != second["key"]
    assert list(first) == ["id", "created_at", "consumer", "key", "tags", "ttl"]


def test_keyauth_key_is_kept_when_given_and_on_patch():
    schema = get_schema("keyauth_credentials")
    created = schema.validate({"consumer": CONSUMER, "key": "secret-key"})
    assert created["key"] == "secret-key"
    assert schema.validate({"tags": ["a"]}, existing=created)["key"] == "secret-key"


def test_credentials_need_a_consumer():
    assert violation("keyauth_credentials", {"key": "k"}).fields == {
        "consumer": "required field missing"
    }


def test_basicauth_password_is_hashed_with_consumer_id():
    schema = get_schema("basicauth_credentials")
    created = schema.validate({"consumer": CONSUMER, "username": "c1", "password": "pw"})
    expected = hashlib.sha1(("pw" + CONSUMER["id"]).encode()).hexdigest()
    assert created["password"] == expected


def test_basicauth_unchanged_password_is_not_hashed_again():
    schema = get_schema("basicauth_credentials")
    created = schema.validate({"consumer": CONSUMER, "username": "c1", "password": "pw"})
    patched = schema.validate({"username": "c2"}, existing=created)
    assert patched["password"] == created["password"]
    changed = schema.validate({"password": "new"}, existing=created)
    assert changed["password"] == hashlib.sha1(("new" + CONSUMER["id"]).encode()).hexdigest()


def test_basicauth_requires_username_and_password():
    error = violation("basicauth_credentials", {"consumer": CONSUMER})
    assert error.fields == {
        "username": "required field missing",
        "password": "required field missing",
    }


def test_acl_group_is_required():
    assert violation("acls", {"consumer": CONSUMER}).fields == {"group": "required field missing"}
    acl = get_schema("acls").validate({"consumer": CONSUMER, "group": "admins"})
    assert acl["group"] == "admins"
    assert get_schema("acls").unique_together == (("consumer", "group"),)


def test_jwt_secret_generates_key_and_secret_with_hs256_default():
    secret = get_schema("jwt_secrets").validate({"consumer": CONSUMER})
    assert len(secret["key"]) == 32 and len(secret["secret"]) == 32
    assert secret["algorithm"] == "HS256"


def test_jwt_secret_rsa_algorithm_needs_a_valid_public_key(rsa_pair):
    error = violation("jwt_secrets", {"consumer": CONSUMER, "algorithm": "RS256"})
    assert error.fields["rsa_public_key"] == "required field missing"
    bad = {"consumer": CONSUMER, "algorithm": "RS256", "rsa_public_key": "nope"}
    assert violation("jwt_secrets", bad).fields == {"rsa_public_key": "invalid key"}
    good = {**bad, "rsa_public_key": rsa_pair.public_key}
    assert get_schema("jwt_secrets").validate(good)["rsa_public_key"] == rsa_pair.public_key


def test_hmacauth_secret_is_generated():
    credential = get_schema("hmacauth_credentials").validate(
        {"consumer": CONSUMER, "username": "u"}
    )
    assert len(credential["secret"]) == 32


@pytest.mark.parametrize(
    ("entity_type", "endpoint_key", "unique"),
    [
        ("keyauth_credentials", "key", ("key",)),
        ("basicauth_credentials", "username", ("username",)),
        ("jwt_secrets", "key", ("key",)),
        ("hmacauth_credentials", "username", ("username",)),
    ],
)
def test_credential_metadata(entity_type, endpoint_key, unique):
    schema = get_schema(entity_type)
    assert schema.endpoint_key == endpoint_key
    assert schema.unique_fields == unique
    assert schema.foreign_keys["consumer"].on_delete == "cascade"
