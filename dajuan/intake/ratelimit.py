"""Fixed-window rate limits kept in Django's cache.

The cache must be shared by every worker process, or each worker would count on its own: settings
use the database cache by default (one table, works on SQLite and PostgreSQL, no extra service) and
Redis when DAJUAN_CACHE_URL says so (the scale-out path). Counting is approximate under a race (the
database cache's incr is read-then-write), which is fine for a limit of a few requests per window.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, value: str) -> str:
    return "dajuan:rl:" + scope + ":" + hashlib.sha256(value.encode()).hexdigest()[:32]


def allow(scope: str, value: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request for `value` under `scope`; False once `limit` is exceeded in the window."""
    if not value:
        return True
    key = _key(scope, value)
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def client_ip(request) -> str:
    """The client address; behind DAJUAN_PROXY_COUNT trusted proxies, the address they saw."""
    proxies = getattr(settings, "DAJUAN_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
