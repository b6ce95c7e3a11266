import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every view test creates the personas; argon2 per user makes this suite minutes slower.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
