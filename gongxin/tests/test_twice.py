"""A double click applies once, on every form: each form on every page a demo persona reaches, filled
as a user would and posted twice with the same fields (its version, its one-time token — what a double
click or a resent request sends): the tables the first post added rows to gain none from the second.

A form the first post did not apply (refused: the filled values did not suit it) is passed over —
nothing to repeat. Each pair of posts runs in a savepoint rolled back afterwards. The race — twenty
identical posts at once — is test_hardening_races.py's, per view, on PostgreSQL.
"""

import pytest
from django.apps import apps
from django.db import connection, transaction

from .crawl import Writes, filled

pytestmark = pytest.mark.django_db
PERSONAS = ["bureau", "town", "enterprise", "supplier"]
# Rows every request may add: the session, the log-in and audit trail of the refusal itself.
NOT_EFFECTS = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
# Posts whose every press is its own act, audited each time: showing a masked ID number (each look is
# an access to personal data) and issuing a one-time password (the latest one shown is the valid one).
EACH_PRESS = {"prevention_worker_unmask", "gongxin.permits.views.reveal", "user_reset_password"}


def rows(tables):
    return {m._meta.db_table: m._default_manager.count() for m in apps.get_models() if m._meta.db_table in tables}


def rewind(data):
    for value in data.values():
        if hasattr(value, "seek"):
            value.seek(0)


@pytest.mark.parametrize("who", PERSONAS)
def test_every_form_posted_twice_applies_once(pages, who):
    user, client, crawled = pages(who)
    done, applied, twice = set(), 0, []
    for form in [f for _, page in crawled for f in page.forms if f.method == "post"]:
        if form.action.startswith("/accounts/logout/") or form.kind in EACH_PRESS:
            continue
        for button in form.buttons:
            if (form.kind, button) in done:
                continue
            done.add((form.kind, button))
            data = filled(form)
            if button:
                data[button[0]] = button[1]
            with transaction.atomic():
                writes = Writes(updates=False)
                with connection.execute_wrapper(writes):
                    client.post(form.action, data, HTTP_REFERER=form.page)
                added = writes.tables - NOT_EFFECTS
                if added:
                    applied += 1
                    before = rows(added)
                    rewind(data)
                    client.post(form.action, data, HTTP_REFERER=form.page)
                    again = {t: n - before[t] for t, n in rows(added).items() if n != before[t]}
                    if again:
                        twice.append((form.action, button, again))
                transaction.set_rollback(True)
            client.force_login(user)
    assert applied, "no form applied: the filling no longer suits any"
    assert not twice, "\n".join(map(str, twice))
