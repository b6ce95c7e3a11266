"""lib/once.py: the same form token applies once — a second post, twenty at once, or the back button
and resubmit — and a post that did not apply gives its token back."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from gongxin.lib.models import SubmittedForm
from gongxin.lib.once import REPLAYED, OnceMiddleware, new_token
from gongxin.notices.models import Notice
from gongxin.testing import make_user
from gongxin.tests.hardening import parallel

pytestmark = pytest.mark.urls("gongxin.lib.tests.once_urls")


def client():
    c = Client()
    c.force_login(make_user("once-user", None))
    return c


@pytest.mark.django_db
def test_the_same_token_twice_applies_once_and_says_so():
    c, token = client(), new_token()
    first = c.post("/add/", {"title": "一", "once": token})
    assert first.status_code == 302 and first["Location"] == "/done/"
    again = c.post("/add/", {"title": "一", "once": token}, HTTP_REFERER="http://testserver/form/")
    assert again.status_code == 302 and again["Location"] == "http://testserver/form/"
    assert Notice.objects.filter(title="一").count() == 1
    assert REPLAYED in [str(m) for m in again.wsgi_request._messages]
    assert SubmittedForm.objects.get(token=token).path == "/add/"


@pytest.mark.django_db
def test_a_refused_post_gives_its_token_back_and_a_new_token_applies_again():
    c, token = client(), new_token()
    assert c.post("/add/", {"title": "坏", "once": token}).status_code == 302
    assert not SubmittedForm.objects.filter(token=token).exists()
    assert c.post("/add/", {"title": "好", "once": token})["Location"] == "/done/"
    assert c.post("/add/", {"title": "好", "once": new_token()})["Location"] == "/done/"
    assert Notice.objects.filter(title="好").count() == 2


@pytest.mark.django_db
def test_a_post_without_a_token_is_left_alone_and_a_forged_long_one_refused():
    c = client()
    c.post("/add/", {"title": "无"})
    c.post("/add/", {"title": "无"})
    assert Notice.objects.filter(title="无").count() == 2
    assert c.post("/add/", {"title": "长", "once": "x" * 41}).status_code == 400
    assert not Notice.objects.filter(title="长").exists()


@pytest.mark.django_db
def test_a_view_failing_inside_the_transaction_rolls_back_with_its_token():
    c = client()
    c.raise_request_exception = False
    token = new_token()
    assert c.post("/boom/", {"once": token}).status_code == 500
    assert not SubmittedForm.objects.filter(token=token).exists()
    assert not Notice.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_identical_posts_at_once_apply_once():
    user, token = make_user("once-racer", None), new_token()

    def post(_):
        c = Client()
        c.force_login(user)
        return c.post("/add/", {"title": "并发", "once": token}, HTTP_REFERER="http://testserver/form/")["Location"]

    answers = parallel(20, post)
    assert Notice.objects.filter(title="并发").count() == 1
    assert sorted(answers) == ["/done/"] + ["http://testserver/form/"] * 19


@pytest.mark.django_db
def test_tokens_older_than_the_keeping_time_are_purged():
    SubmittedForm.objects.create(token="old", path="/x/", at=timezone.now() - dt.timedelta(days=31))
    SubmittedForm.objects.create(token="new", path="/x/", at=timezone.now() - dt.timedelta(days=29))
    call_command("forms_purge", stdout=io.StringIO())
    assert list(SubmittedForm.objects.values_list("token", flat=True)) == ["new"]


@pytest.mark.django_db
def test_a_signed_api_upload_keeps_its_body_readable():
    """The middleware never reads an /api/ post (a multipart body read there could not be hashed)."""
    request = RequestFactory().post("/api/v1/returns/import", {"file": io.BytesIO(b"x"), "once": new_token()})
    seen = []
    OnceMiddleware(lambda r: seen.append(r.body) or HttpResponse())(request)
    assert seen and b"once" in seen[0]
    assert not SubmittedForm.objects.exists()
