"""Emergency events (应急事件): the container that reserves' dispatches, prevention supervision,
work resumption and vehicle permits are recorded under, so one event's data stay apart from the next.

An event is active from `started_on` through `ended_on` (open-ended while `ended_on` is empty);
`closed_at` marks it closed for good (personal-data purges key on it).
"""

import datetime as dt

from django.db import models
from django.db.models import Q


class EventQuerySet(models.QuerySet):
    def active_on(self, day):
        """Events in force on `day` (a date)."""
        return self.filter(started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))


class Event(models.Model):
    class Kind(models.TextChoices):
        EPIDEMIC = "epidemic", "公共卫生（疫情防控）"
        FLOOD = "flood", "防汛抗旱"
        ENERGY = "energy", "能源保供"
        SAFETY = "safety", "安全生产"
        OTHER = "other", "其他"

    class Level(models.TextChoices):
        I = "I", "Ⅰ级（特别重大）"  # noqa: E741 - the official level names
        II = "II", "Ⅱ级（重大）"
        III = "III", "Ⅲ级（较大）"
        IV = "IV", "Ⅳ级（一般）"

    code = models.SlugField("事件代码", max_length=30, unique=True, help_text="如 2022-covid")
    name = models.CharField("事件名称", max_length=100)
    kind = models.CharField("事件类型", max_length=12, choices=Kind.choices)
    level = models.CharField("响应级别", max_length=4, choices=Level.choices, blank=True)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    description = models.TextField("说明", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "应急事件"
        ordering = ["-started_on", "code"]
        constraints = [
            models.CheckConstraint(name="event_ends_after_start",
                                   condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on"))),
        ]

    def __str__(self):
        return self.name

    def is_active_on(self, day):
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    @property
    def is_closed(self):
        return self.closed_at is not None

    def phase_on(self, day):
        """The phase in force on `day`, or None."""
        for phase in self.phases.all():
            if phase.starts_on <= day and (phase.ends_on is None or phase.ends_on >= day):
                return phase
        return None


class Phase(models.Model):
    """A stage of an event with its dates (临时管控, 复工复产 …); rules of other modules may key on it."""

    event = models.ForeignKey(Event, models.CASCADE, related_name="phases", verbose_name="应急事件")
    name = models.CharField("阶段名称", max_length=50)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事件阶段"
        ordering = ["event", "order", "starts_on"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="phase_name_per_event")]

    def __str__(self):
        return f"{self.event.name}·{self.name}"


def current_event(day=None):
    """The most recently started event active on `day` (today by default), or None."""
    return Event.objects.active_on(day or dt.date.today()).order_by("-started_on").first()
