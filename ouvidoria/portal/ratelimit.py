"""Limits per client address, on the shared cache (a file cache by default, so every process sees the same count).

No outside service (the issue asks for protection "without any outside service"): a fixed window per key.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips): X-Forwarded-For is
    # written by the client and would let anyone pick a fresh address per request.
    return str(request.META.get("REMOTE_ADDR", ""))


def allow(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt of ``scope`` from this address; False once ``limit`` is exceeded within the window."""
    digest = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"rl:{scope}:{digest}"
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return True
    return count <= limit
