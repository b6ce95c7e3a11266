"""Session expiry after inactivity, and the forced password change after a reset or a new account."""

import time

from django.shortcuts import redirect

PASSWORD_CHANGE_URL = "/accounts/password/"
# Paths a user who must change their password may still reach.
ALLOWED_PREFIXES = (PASSWORD_CHANGE_URL, "/accounts/logout/", "/static/", "/healthz")
TOUCH_EVERY_SECONDS = 60
MUST_CHANGE = "gx_must_change_password"


class SessionActivityMiddleware:
    """Renews the session (and so its expiry, SESSION_COOKIE_AGE) at most once a minute.

    A session not renewed within SESSION_IDLE_MINUTES expires: the next request is anonymous.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("gx_seen", 0) >= TOUCH_EVERY_SECONDS:
                request.session["gx_seen"] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Sends a user holding a one-time password to 修改密码 until they have chosen their own.

    The flag is copied from the profile into the session at login (accounts/signals.py), so this
    costs no query; a reset changes the password hash, which ends the user's other sessions.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.user.is_authenticated and request.session.get(MUST_CHANGE)
                and not request.path.startswith(ALLOWED_PREFIXES)):
            return redirect(PASSWORD_CHANGE_URL)
        return self.get_response(request)
