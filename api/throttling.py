"""Anonymous reads are allowed and rate-limited per client address, counted in Django's
cache (shared by every app server: the database's table or Redis, see CACHE_URL)."""

import threading

from django.conf import settings
from ninja.throttling import AnonRateThrottle, BaseThrottle


class _ClientCount(AnonRateThrottle):
    scope = "api"


class ApiRateThrottle(BaseThrottle):
    """ninja's anonymous-rate throttle at the rate of settings.API_RATE_LIMIT ("120/min";
    empty: no limit), read at each request so that a changed setting takes effect.

    ninja keeps one throttle object per operation and the ones it ships remember the
    request being counted on themselves; threads (gunicorn's gthread workers) would mix
    up their counts. This one counts each request with an object of its own."""

    def __init__(self):
        self._local = threading.local()

    def allow_request(self, request) -> bool:
        rate = settings.API_RATE_LIMIT
        if not rate:
            return True
        counter = _ClientCount(rate)
        self._local.counter = counter
        return counter.allow_request(request)

    def wait(self):
        counter = getattr(self._local, "counter", None)
        return counter.wait() if counter is not None else None
