"""催报: one in-app notice per missing enterprise × form × period × day; e-mail when configured.

The `gongxin remind` command and the 催报 button on 报送进度 both call `remind`: one mechanism, one key
(`remind:<enterprise>:<form>:<period>:<day>`), so pressing the button again the same day, or the
command after the button, adds nothing.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from gongxin.accounts.audit import log_action
from gongxin.accounts.models import Membership, Role
from gongxin.lib import periods as P
from gongxin.notices.models import Notice
from gongxin.notices.services import send
from gongxin.registry.models import Enterprise

from .completeness import missing_enterprises


def remind_source(form, period):
    """What a 催报 notice is about; completeness reads it to mark enterprises 已催报."""
    return f"reporting.remind:{form.code}:{period}"


def remind_key(enterprise_id, form, period, day):
    return f"remind:{enterprise_id}:{form.code}:{period}:{day:%Y-%m-%d}"


def reminded_ids(form, period):
    """Enterprises that were sent a 催报 notice for the form and period (any day)."""
    return set(Notice.objects.filter(kind=Notice.Kind.REMIND, source=remind_source(form, period))
               .values_list("enterprise_id", flat=True))


def remind(form, period, actor="催报命令", user=None, today=None):
    """Send a 催报 notice to every enterprise still missing (within `user`'s scope when given);
    returns (new notices, e-mails sent). Idempotent per enterprise × form × period × day."""
    day = today or timezone.localdate()
    deadline = P.deadline(period, form.deadline_day)
    label = P.label(period, form.merge_jan_feb)
    missing = missing_enterprises(form, period)
    if user is not None:
        missing = missing.filter(pk__in=Enterprise.objects.for_user(user).values("pk"))
    message = f"请尽快报送{label}{form.name}表（截止{deadline:%Y年%m月%d日}）。"
    created = []
    with transaction.atomic():
        for e in missing:
            notice, new = send(Notice.Kind.REMIND, message, to_enterprise=e,
                               url=f"/returns/{e.uscc}/{form.code}/{period}/", sender=user,
                               source=remind_source(form, period), key=remind_key(e.pk, form, period, day))
            if new:
                created.append(notice)
        if created:
            log_action(user, "returns.remind", form,
                       {"period": period, "count": len(created), "day": f"{day:%Y-%m-%d}"},
                       actor=None if getattr(user, "pk", None) else actor)
    sent = _email(created, message) if settings.EMAIL_HOST else 0
    return len(created), sent


def _email(notices, message):
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
        send_mail(f"【催报】{message}", f"{notice.enterprise.name}：\n{message}\n\n工信运行监测平台",
                  None, to, fail_silently=True)
        Notice.objects.filter(pk=notice.pk).update(emailed_to=",".join(to)[:300])
        sent += 1
    return sent
