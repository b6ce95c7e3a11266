"""Sending and reading notices. Contract:

- `send(kind, title, *, to_user|to_enterprise|to_region|to_role, key=None, …)` creates one notice,
  or returns the existing one when `key` was used before (a double click, a second 催报 the same
  day, a retried job): callers build `key` from what makes the notice unique.
- `mark_read(notice, user)` records the user's receipt once (idempotent) and audits it.
"""

from django.db import IntegrityError, transaction

from gongxin.accounts.audit import log_action

from .models import Notice, NoticeRead


def send(kind, title, *, to_user=None, to_enterprise=None, to_region=None, to_role="", body="", url="",
         sender=None, source="", key=None):
    """The notice for `key` (created now, or the one sent before); returns (notice, created)."""
    fields = {"kind": kind, "title": title[:200], "body": body, "url": url[:300], "user": to_user,
              "enterprise": to_enterprise, "region": to_region, "role": str(to_role or ""),
              "sender": sender if getattr(sender, "pk", None) else None,
              "sender_name": sender.get_username() if getattr(sender, "pk", None) else "系统",
              "source": source}
    if key is None:
        return Notice.objects.create(**fields), True
    try:
        with transaction.atomic():
            return Notice.objects.create(key=key[:200], **fields), True
    except IntegrityError:  # sent before (or a parallel request sent it first)
        return Notice.objects.get(key=key[:200]), False


def mark_read(notice, user):
    """Record that `user` read `notice`; returns True the first time, False after."""
    enterprise = notice.enterprise
    try:
        with transaction.atomic():
            NoticeRead.objects.create(notice=notice, user=user, enterprise=enterprise)
            log_action(user, "notices.read", notice, {"title": notice.title})
    except IntegrityError:
        return False
    return True


def unread_count(user):
    return Notice.objects.unread_by(user).count()
