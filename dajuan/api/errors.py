"""One error shape for every failure: {"code", "message", "field"} with the right HTTP status."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from dajuan.core.errors import DomainError

# Where the API names a field differently from the services (a header rather than an argument).
API_FIELD_NAMES = {"idempotency_key": "Idempotency-Key"}


def _field(loc) -> str | None:
    # ninja's locations look like ("body", "payload", "title") or ("header", "Idempotency-Key").
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "header", "path", "filters")]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    def respond(request, status: int, code: str, message: str, field: str | None = None):
        return api.create_response(request, {"code": code, "message": str(message), "field": field}, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return respond(request, exc.http_status, exc.code, exc.message, API_FIELD_NAMES.get(exc.field, exc.field))

    @api.exception_handler(SchemaValidationError)
    def schema_error(request, exc: SchemaValidationError):
        first = exc.errors[0] if exc.errors else {}
        field = _field(first.get("loc", ()))
        message = first.get("msg", _("The request is not valid."))
        if first.get("type") == "missing":
            message = _("This field is required: %(field)s.") % {"field": field}
        elif field:
            message = f"{field}: {message}"
        return respond(request, 400, "validation_failed", message, field)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(request, 401, "not_authenticated",
                       _("Send a valid API token in the header: Authorization: Bearer <token>."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, "not_found", _("Not found, or not visible to this token."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, 403, "not_permitted", str(exc) or _("Not permitted."))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code = {400: "bad_request", 401: "not_authenticated", 404: "not_found", 405: "method_not_allowed",
                413: "too_large", 415: "unsupported_media_type"}.get(exc.status_code, "error")
        return respond(request, exc.status_code, code, str(exc))
