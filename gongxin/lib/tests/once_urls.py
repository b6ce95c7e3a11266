"""Test-only pages for lib/once.py: a post adds one notice titled as posted (the title 坏 is refused);
/boom/ fails inside its transaction."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path

from gongxin.notices.models import Notice


def add(request):
    if request.POST.get("title") == "坏":
        messages.error(request, "标题不正确")
        return redirect("/")
    Notice.objects.create(kind="other", title=request.POST["title"], role="bureau_admin")
    return redirect("/done/")


def boom(request):
    Notice.objects.create(kind="other", title="无收件人")  # violates notice_one_addressee: a 500
    return redirect("/done/")


def shown(request):
    return redirect("/")  # a 200 re-render would count as not applied either; the redirect is the success


urlpatterns = [path("add/", add), path("boom/", boom), path("done/", shown)]
