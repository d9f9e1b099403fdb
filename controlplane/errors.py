"""Errors in Kong's shape: ``{code, name, message, fields}`` with Kong's codes and statuses.

Services raise these; the API's exception handler renders them unchanged, and the dashboard
shows their message. Codes and names follow Kong's ``kong/db/errors.lua``.
"""

from typing import Any


class KongError(Exception):
    status = 400
    code = 2
    name = "schema violation"

    def __init__(self, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "name": self.name, "message": self.message}
        if self.fields is not None:
            body["fields"] = self.fields
        return body


class SchemaViolationError(KongError):
    @classmethod
    def single(cls, field: str, problem: str) -> "SchemaViolationError":
        return cls(f"schema violation ({field}: {problem})", {field: problem})


class ForeignKeyViolation(KongError):
    code = 4
    name = "foreign key violation"


class UniqueViolation(KongError):
    status = 409
    code = 5
    name = "unique constraint violation"


class NotFound(KongError):
    status = 404
    code = 6
    name = "not found"

    def __init__(self, message: str = "Not found", fields: dict[str, Any] | None = None) -> None:
        super().__init__(message, fields)


class InvalidOffset(KongError):
    code = 7
    name = "invalid offset"


class InvalidSize(KongError):
    code = 9
    name = "invalid size"


class InvalidOptions(KongError):
    code = 11
    name = "invalid options"


class DeclarativeConfigError(KongError):
    code = 14
    name = "invalid declarative configuration"


class ReferencedByOthers(KongError):
    code = 19
    name = "referenced by others"


class Unauthorized(KongError):
    status = 401
    code = 401
    name = "unauthorized"


class PayloadTooLarge(KongError):
    status = 413
    code = 413
    name = "payload too large"


class Conflict(KongError):
    status = 409
    code = 409
    name = "conflict"
