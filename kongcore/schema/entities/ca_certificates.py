"""CA certificates: trusted roots for upstream TLS verification and mTLS plugins."""

from __future__ import annotations

from typing import Any

from cryptography import x509

from kongcore.schema import checks as C
from kongcore.schema import crypto
from kongcore.schema import typedefs as T
from kongcore.schema.entities.certificates import certificate_field
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import String
from kongcore.schema.record import Record

NOT_CA = 'certificate does not appear to be a CA because it is missing the "CA" basic constraint'


def _is_ca(entity: dict[str, Any]) -> str | None:
    cert = entity.get("cert")
    if cert is None or crypto.is_reference(cert):
        return None
    try:
        constraints = crypto.load_certificate(cert).extensions.get_extension_for_class(
            x509.BasicConstraints
        )
    except x509.ExtensionNotFound:
        return NOT_CA
    return None if constraints.value.ca else NOT_CA


RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
        ("cert", certificate_field(required=True)),
        ("cert_digest", String()),
        ("tags", T.tags()),
    ],
    checks=[C.Custom(("cert",), _is_ca)],
)


class CACertificateSchema(EntitySchema):
    def finalize(self, entity: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        # The digest always follows the certificate, so a changed cert cannot keep a
        # stale digest that would defeat the uniqueness check.
        if not crypto.is_reference(entity["cert"]):
            entity["cert_digest"] = crypto.certificate_digest(entity["cert"])
        return entity


schema = CACertificateSchema("ca_certificates", RECORD, unique_fields=("cert_digest",))
