"""催报: one in-app notice per missing enterprise per form and period; e-mail when configured."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from gongxin.accounts.audit import log_action
from gongxin.accounts.models import Membership, Role
from gongxin.lib import periods as P

from .completeness import missing_enterprises
from .models import Notice


def remind(form, period, actor="催报命令"):
    """Record a reminder for every enterprise still missing; returns (new notices, e-mails sent).

    Idempotent: an enterprise already reminded for this form and period gets nothing new."""
    deadline = P.deadline(period, form.deadline_day)
    label = P.label(period, form.merge_jan_feb)
    already = set(Notice.objects.filter(form=form, period=period, kind=Notice.Kind.REMIND)
                  .values_list("enterprise_id", flat=True))
    missing = [e for e in missing_enterprises(form, period) if e.id not in already]
    notices = [Notice(enterprise=e, form=form, period=period, kind=Notice.Kind.REMIND,
                      message=f"请尽快报送{label}{form.name}表（截止{deadline:%Y年%m月%d日}）。")
               for e in missing]
    with transaction.atomic():
        Notice.objects.bulk_create(notices, ignore_conflicts=True)
        if notices:
            log_action(None, "returns.remind", form, {"period": period, "count": len(notices)}, actor=actor)
    sent = _email(form, period, [n for n in notices]) if settings.EMAIL_HOST else 0
    return len(notices), sent


def _email(form, period, notices):
    sent = 0
    emails = {}
    for enterprise_id, email in Membership.objects.filter(
            role=Role.ENTERPRISE, enterprise_id__in=[n.enterprise_id for n in notices],
            user__is_active=True).exclude(user__email="").values_list("enterprise_id", "user__email"):
        emails.setdefault(enterprise_id, []).append(email)
    for notice in notices:
        to = emails.get(notice.enterprise_id)
        if not to:
            continue
        send_mail(f"【催报】{notice.message}", f"{notice.enterprise.name}：\n{notice.message}\n\n工信运行监测平台",
                  None, to, fail_silently=True)
        Notice.objects.filter(enterprise_id=notice.enterprise_id, form=form, period=period,
                              kind=Notice.Kind.REMIND).update(emailed_to=",".join(to)[:300])
        sent += 1
    return sent
