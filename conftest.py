import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Tests create many users; argon2 for each makes the suite minutes slower. Tests about
    # hashing set the production hasher themselves (accounts/tests/test_login.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
