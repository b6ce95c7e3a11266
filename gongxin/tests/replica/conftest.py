"""The replica test runs against a real primary + hot standby pair started by `.ci/replica`: the
primary's database is migrated by that script, so no test database is created here."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup():
    """Use the databases as they are (the standby cannot create a test database: it is read-only)."""
