"""What other apps hear about returns, after the change is committed (reporting imports none of them).

`returns_changed` is sent once the transaction that submitted, returned, approved, accepted, reopened
or imported returns has committed, with `form` (code) and `items` ({(enterprise_id, period)}, or
{(None, period)} for "every enterprise of the period", as after an import). The alerts app listens:
it queues those enterprises and periods, and re-evaluates its warning rules for them off the request
(alerts/pending.py).
"""

import logging

from django.db import transaction
from django.dispatch import Signal

returns_changed = Signal()
log = logging.getLogger(__name__)


def changed_later(form_code, items):
    """Announce `items` once the current transaction commits (at once outside a transaction)."""
    items = set(items)

    def announce():
        # The change is committed: a listener's failure must not turn the user's success into an error
        # page; it is logged (and the nightly scan catches up).
        for receiver, result in returns_changed.send_robust(sender="reporting", form=form_code, items=items):
            if isinstance(result, Exception):
                log.error("returns_changed listener %s failed: %r", receiver, result, exc_info=result)

    transaction.on_commit(announce)


def return_changed_later(ret):
    changed_later(ret.form.code, {(ret.enterprise_id, ret.period)})
