"""Limits per client address, on the shared cache (a file cache by default, so every process sees the same count).

No outside service (the issue asks for protection "without any outside service"): a fixed window per key.
"""

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips): X-Forwarded-For is
    # written by the client and would let anyone pick a fresh address per request.
    return str(request.META.get("REMOTE_ADDR", ""))


def allow(request: HttpRequest, scope: str, *, limit: int, window_seconds: int, also: str = "") -> bool:
    """Count one attempt of ``scope`` from this address (and ``also``, e.g. the e-mail given); False once ``limit``
    is exceeded within the window."""
    return attempt(request, scope, limit=limit, window_seconds=window_seconds, also=also) == 0


def attempt(request: HttpRequest, scope: str, *, limit: int, window_seconds: int, also: str = "") -> int:
    """Count one attempt; 0 when allowed, else the seconds until the window ends and attempts are allowed again.

    Windows are fixed slices of the clock (so the wait can be told exactly), one counter per address and ``also``.
    """
    now = int(time.time())
    window = now // window_seconds
    digest = hashlib.sha256(f"{client_address(request)}|{also.strip().lower()}".encode()).hexdigest()[:32]
    key = f"rl:{scope}:{digest}:{window}"
    if cache.add(key, 1, timeout=window_seconds + 5):
        return 0
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds + 5)
        return 0
    return 0 if count <= limit else (window + 1) * window_seconds - now
