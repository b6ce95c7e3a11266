from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import Notice, NoticeRead
from .services import mark_read


def _get_notice_for_user(request, notice_id):
    return get_object_or_404(Notice.objects.for_user(request.user), pk=notice_id)


@login_required
def notice_list(request):
    notices = Notice.objects.for_user(request.user).select_related("enterprise", "region")
    if request.GET.get("unread"):
        notices = notices.exclude(reads__user=request.user)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    read_ids = set(NoticeRead.objects.filter(user=request.user, notice__in=list(page.object_list))
                   .values_list("notice_id", flat=True))
    return render(request, "notices/list.html", {"page_title": "我的通知", "page": page, "read_ids": read_ids,
                                                 "unread_only": bool(request.GET.get("unread"))})


@login_required
def notice_detail(request, notice_id):
    notice = _get_notice_for_user(request, notice_id)
    read = NoticeRead.objects.filter(notice=notice, user=request.user).first()
    return render(request, "notices/detail.html", {"page_title": notice.title, "notice": notice, "read": read})


@login_required
@require_POST
def notice_read(request, notice_id):
    notice = _get_notice_for_user(request, notice_id)
    mark_read(notice, request.user)
    if request.POST.get("next") == "go" and notice.url:
        return redirect(notice.url)
    return redirect(f"/notices/{notice.pk}/")
