"""Changes that alter what the figures count, announced INSIDE their transaction.

The registry and reporting apps wrap each such change (a return submitted, sent back or reopened,
a counted return's values edited, an import, an enterprise moved to another town or industry, its
list years or groups changed) in one of these context managers; the analysis app registers its
roll-up trackers here when it starts (analysis/apps.py). A plain list, not a signal: the trackers
run inside the change's transaction, before and after it, and their failure undoes the change.
`reporting/events.py` is the other, after-commit announcement (warnings re-evaluated).
"""

from contextlib import ExitStack, contextmanager

# Context-manager factories: RETURN_TRACKERS get a Return; PAIR_TRACKERS a set of
# (enterprise id, period) of the 产值 form; ENTERPRISE_TRACKERS enterprise ids.
RETURN_TRACKERS = []
PAIR_TRACKERS = []
ENTERPRISE_TRACKERS = []


@contextmanager
def _all(trackers, arg):
    with ExitStack() as stack:
        for tracker in trackers:
            stack.enter_context(tracker(arg))
        yield


def return_changing(ret):
    """Around a change of one return's status or values."""
    return _all(RETURN_TRACKERS, ret)


def returns_changing(pairs):
    """Around a change of many 产值 returns at once (imports): (enterprise id, period) pairs."""
    return _all(PAIR_TRACKERS, set(pairs))


def enterprises_changing(enterprise_ids):
    """Around a change of enterprises' town, industry, list years or groups."""
    return _all(ENTERPRISE_TRACKERS, list(enterprise_ids))
