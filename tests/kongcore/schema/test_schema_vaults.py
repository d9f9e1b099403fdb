import pytest

from kongcore.schema import SchemaViolation, get_schema

VAULTS = get_schema("vaults")


def test_env_vault_is_accepted_with_config_defaults():
    vault = VAULTS.validate({"name": "env", "prefix": "my-env-vault", "config": {"prefix": "MY_"}})
    assert vault["config"] == {"prefix": "MY_", "base64_decode": False}
    assert VAULTS.endpoint_key == "prefix"


def test_unknown_vault_is_refused():
    with pytest.raises(SchemaViolation) as info:
        VAULTS.validate({"name": "hcv", "prefix": "secrets"})
    assert info.value.fields == {"name": "vault 'hcv' is not installed"}


def test_vault_prefix_cannot_shadow_a_vault_name():
    with pytest.raises(SchemaViolation) as info:
        VAULTS.validate({"name": "env", "prefix": "env"})
    assert info.value.fields == {"prefix": "must not be one of: env"}
