"""The NinjaAPI instance: OpenAPI at /api/openapi.json, Swagger UI at /api/docs from django-ninja's own
static files (ninja is in INSTALLED_APPS, so its template loads them locally: no CDN)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

from dajuan.api import errors
from dajuan.api.auth import TokenAuth
from dajuan.api.cases import router as cases_router
from dajuan.api.figures import router as figures_router
from dajuan.api.transitions import router as transitions_router
from dajuan.routing.api import router as routing_router

api = NinjaAPI(
    title="dajuan API",
    version="1",
    description=(
        "The loop of dajuan (答卷) over JSON: register cases from integrations, read them as access allows, "
        "and perform every transition the token's user may perform. Errors always have the shape "
        '{"code", "message", "field"}.'
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", cases_router)
api.add_router("", transitions_router)
api.add_router("", figures_router)
api.add_router("", routing_router)


def _public(patterns):
    """The API authenticates by token, not by session: exempt its views from LoginRequiredMiddleware."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            _public(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            entry.callback = login_not_required(entry.callback)
    return patterns


def urls():
    patterns, app_name, namespace = api.urls
    return _public(patterns), app_name, namespace
