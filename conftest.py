import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "argon2: keep the production password hasher (argon2)")


@pytest.fixture(autouse=True)
def _fast_passwords(request, settings):
    # Tests create many users; argon2 for each makes the suite minutes slower. The tests that
    # prove production hashing are marked `argon2` and keep it.
    if not request.node.get_closest_marker("argon2"):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
