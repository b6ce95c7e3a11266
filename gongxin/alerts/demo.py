"""Demo county: early warnings of 2022-02..2022-04 and one follow-up (after analysis.demo and projects.demo)."""

from django.contrib.auth import get_user_model

from .models import EarlyWarning, Level
from .scan import scan
from .services import follow_up

PERIODS = ("2022-02", "2022-03", "2022-04")


def build(ctx):
    for period in PERIODS:
        scan(period)
    analyst = get_user_model().objects.filter(username="analyst").first()
    first = EarlyWarning.objects.filter(period="2022-03", level=Level.RED, enterprise__isnull=False).order_by("id").first()
    if analyst and first:
        follow_up(first, analyst, "已电话联系企业负责人：受疫情影响订单减少、物流受阻，已协调物流通行证，下周上门走访。")
