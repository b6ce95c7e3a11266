"""Read-only analysis on a PostgreSQL streaming replica, with read-your-writes.

Views that only read figures are wrapped in `@analysis_reads` (dashboards, exports, the brief, API
figures): inside them, reads go to the `replica` database when `DATABASE_REPLICA_URL` is set. A
user who changed something in the last `REPLICA_READ_YOUR_WRITES_SECONDS` (any successful POST,
PUT, PATCH or DELETE — remembered in their session by `RememberWritesMiddleware`) reads from the
primary instead, so a just-submitted return is in the figures they open next. Writes always go to
the primary; migrations run on the primary only.
"""

import contextvars
import functools
import time

from django.conf import settings

_use_replica = contextvars.ContextVar("gongxin_use_replica", default=False)
SESSION_KEY = "gongxin_last_write"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def replica_configured():
    return "replica" in settings.DATABASES


def wrote_recently(request):
    session = getattr(request, "session", None)
    last = session.get(SESSION_KEY) if session is not None else None
    return last is not None and time.time() - last < settings.REPLICA_READ_YOUR_WRITES_SECONDS


def analysis_reads(view):
    """Route the view's reads to the replica unless the user has just written."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not replica_configured() or request.method in WRITES or wrote_recently(request):
            return view(request, *args, **kwargs)
        token = _use_replica.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _use_replica.reset(token)

    return wrapped


class replica_reads:
    """The same as `@analysis_reads`, as a context manager (class-based API views)."""

    def __init__(self, request):
        self.on = replica_configured() and request.method not in WRITES and not wrote_recently(request)

    def __enter__(self):
        self.token = _use_replica.set(True) if self.on else None

    def __exit__(self, *exc):
        if self.token is not None:
            _use_replica.reset(self.token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return "replica" if _use_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class RememberWritesMiddleware:
    """Note in the session when the user last changed something (for read-your-writes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.method in WRITES and response.status_code < 400 and replica_configured()
                and getattr(request, "user", None) is not None and request.user.is_authenticated):
            request.session[SESSION_KEY] = time.time()
        return response
