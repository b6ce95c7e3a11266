from django.conf import settings
from django.db import models
from django.utils import timezone


class SubmittedForm(models.Model):
    """A form's one-time token, kept once its post has applied: the same form posted again (a double
    click, a resent request, the back button) applies nothing more (lib/once.py)."""

    token = models.CharField("表单令牌", max_length=40, unique=True)
    path = models.CharField("地址", max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name="用户")
    at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "已提交表单"

    def __str__(self):
        return f"{self.path} {self.at:%Y-%m-%d %H:%M}"
