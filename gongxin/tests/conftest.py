import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow (~0.1-1 s a hash on a busy machine) and make_user hashes a password
    # for every persona; tests that are about hashing ask for argon2 themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
