"""Login lock-out: django-axes per user name + IP, and per IP across user names (password spraying).

axes counts failures per (user name, IP) — `AXES_FAILURE_LIMIT`. Its records hold the IP of every
failure, so the sum over one address, whatever user names it tried, is the spraying count: at
`AXES_IP_FAILURE_LIMIT` (0 = off) the address is locked out for the same cool-off time.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def ip_failures(ip_address):
    """Failed logins from `ip_address` within the cool-off time, over every user name."""
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def locked_usernames():
    """User names currently locked out by their own failures (what the unlock button clears)."""
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return set(attempts.values_list("username", flat=True))


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler whose failure count reaches the limit when the address is spraying."""

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        limit = settings.AXES_IP_FAILURE_LIMIT
        if not limit or failures >= settings.AXES_FAILURE_LIMIT:
            return failures
        ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
        if ip and ip_failures(ip) >= limit:
            return max(failures, get_failure_limit(request, credentials))
        return failures
