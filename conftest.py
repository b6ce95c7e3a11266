import os

import pytest

# The replica tests need the real primary + standby of .ci/replica and their own database setup.
collect_ignore = [] if os.environ.get("GONGXIN_REPLICA_TEST") else ["gongxin/tests/replica"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Tests create many users; argon2 for each makes the suite minutes slower. Tests about
    # hashing set the production hasher themselves (accounts/tests/test_login.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    # Each test may build its own forms and indicators; stats caches their ids per request.
    from gongxin.analysis.stats import clear_reference_cache

    clear_reference_cache()
    yield
    clear_reference_cache()


@pytest.fixture(autouse=True)
def _raw_figures_by_default(settings):
    # Most tests write returns straight through the ORM, which the roll-ups do not see: the engine
    # answers from the raw returns unless a test asks for the roll-ups (analysis/tests/conftest.py
    # runs the engine's tests on both paths; test_rollups.py keeps them through the services).
    settings.ROLLUPS = False


@pytest.fixture(autouse=True)
def _rescan_at_commit(settings):
    # Warnings are re-scanned in the committing thread, so a test sees them at once; the background
    # drain that production uses is tested in alerts/tests/test_pending.py.
    settings.RESCAN_DELAY_MS = 0


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    """The demo county, loaded once for a module's tests (it takes ~15 s): it is written inside a
    transaction held open for the module, each test runs in a savepoint of it (pytest-django's
    `db`) and is rolled back to it, and the whole is rolled back after the module's last test.
    Loaded with the settings the autouse fixtures above give every test."""
    import io

    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), override_settings(
            DEBUG=True, ROLLUPS=False, RESCAN_DELAY_MS=0,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
