"""Test helpers: an API client with a token, scoped like a membership."""

from django.contrib.auth import get_user_model

from gongxin.accounts.models import Membership

from .models import ApiClient, ApiToken


def make_client(name, role, region=None, enterprise=None, **fields):
    """(client, raw token)."""
    user = get_user_model().objects.create_user(f"api:{name}", password=None)
    Membership.objects.create(user=user, role=role, region=region, enterprise=enterprise)
    client = ApiClient.objects.create(name=name, role=role, region=region, enterprise=enterprise, user=user, **fields)
    return client, ApiToken.issue(client)[1]
