"""In-app notices (站内通知): 催报, a return sent back or accepted, a policy document to read, an alert.

A notice is addressed to exactly one of: a user, an enterprise (all its reporters), a town (its
officers) or a role (everyone holding it). Reading is recorded per user (`NoticeRead`), so "who has
not read" is a query, and a repeated send is prevented by `key` (one notice per key, ever).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongxin.accounts.models import Role
from gongxin.accounts.scoping import get_access


def addressees(user):
    """[(field, values)] a notice addressed to `user` matches one of: the user directly, an enterprise
    they report for, a town they cover, a role they hold (`for_user`, and the header's unread count)."""
    access = get_access(user)
    pairs = [("user", [user.pk])]
    for field, values in (("enterprise", access.enterprise_ids), ("region", access.region_ids),
                          ("role", [str(r) for r in access.roles])):
        if values:
            pairs.append((field, sorted(values)))
    return pairs


class NoticeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Notices addressed to `user` (see `addressees`)."""
        if not getattr(user, "pk", None):
            return self.none()
        q = Q()
        for field, values in addressees(user):
            q |= Q(**{f"{field}__in": values})
        return self.filter(q)

    def unread_by(self, user):
        return self.for_user(user).exclude(reads__user=user)


class Notice(models.Model):
    class Kind(models.TextChoices):
        REMIND = "remind", "催报"
        RETURNED = "returned", "报表退回"
        APPROVED = "approved", "报表审核通过"
        ACCEPTED = "accepted", "报表已受理"
        POLICY = "policy", "政策文件"
        READ_REMIND = "read_remind", "阅读提醒"
        ALERT = "alert", "预警提醒"
        TASK = "task", "待办提醒"
        OTHER = "other", "其他"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("办理链接", max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True,
                             related_name="notices", verbose_name="接收用户")
    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, null=True, blank=True,
                                   related_name="inbox", verbose_name="接收企业")
    region = models.ForeignKey("registry.Region", models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name="接收镇街")
    role = models.CharField("接收角色", max_length=20, choices=Role.choices, blank=True)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name="发送人")
    sender_name = models.CharField("发送人名称", max_length=150, blank=True)
    # What the notice is about ("reporting.return:17"), for links back and for counting read receipts.
    source = models.CharField("来源对象", max_length=80, blank=True, db_index=True)
    # One notice per key, ever: makes 催报 once per enterprise × period × day, a send-back notice once.
    key = models.CharField("去重键", max_length=200, null=True, blank=True, unique=True)
    emailed_to = models.CharField("已发送邮件", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            # Exactly one addressee kind, or the notice reaches nobody (or the wrong people).
            models.CheckConstraint(
                name="notice_one_addressee",
                condition=(
                    Q(user__isnull=False, enterprise__isnull=True, region__isnull=True, role="")
                    | Q(user__isnull=True, enterprise__isnull=False, region__isnull=True, role="")
                    | Q(user__isnull=True, enterprise__isnull=True, region__isnull=False, role="")
                    | (Q(user__isnull=True, enterprise__isnull=True, region__isnull=True) & ~Q(role=""))
                ),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def addressee(self):
        return self.user or self.enterprise or self.region or self.get_role_display()


class NoticeRead(models.Model):
    """One user's confirmation that they read a notice (timestamped; at most one per user)."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="reads", verbose_name="通知")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name="用户")
    # The enterprise the reader read it for (enterprise notices), so read receipts count by enterprise.
    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, null=True, blank=True,
                                   related_name="+", verbose_name="企业")
    read_at = models.DateTimeField("阅读时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "阅读回执"
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once")]

    def __str__(self):
        return f"{self.user} 已读 {self.notice}"
