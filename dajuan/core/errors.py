"""The DomainError family: every business failure has a stable code, an HTTP status and a message
that says what to do. Views turn `field` into a form field error; the API into {"code", "message",
"field"}."""

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), "field": self.field}


class ValidationFailed(DomainError):
    """Input that breaks a business rule (a missing or malformed value)."""

    code = "validation_failed"
    http_status = 400


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Conflict(DomainError):
    """The object is not in a state that allows the request (409)."""

    code = "conflict"
    http_status = 409


class NotPermitted(DomainError, PermissionDenied):
    """The actor may not do this. Also a PermissionDenied, so an uncaught one is still a 403."""

    code = "not_permitted"
    http_status = 403
