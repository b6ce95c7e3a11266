import pytest


@pytest.fixture(autouse=True)
def _no_axes_lockout_between_tests(settings):
    # Each test starts with a clean lock-out state (axes keeps it in the database).
    settings.AXES_ENABLED = True
