import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from .crawl import crawl


@pytest.fixture
def pages(demo_county):
    """pages(username) → (user, logged-in client, its crawl) on the demo county (tests/crawl.py)."""
    def crawled(who):
        user = get_user_model().objects.get(username=who)
        client = Client()
        client.force_login(user)
        return user, client, crawl(client, user)
    return crawled
