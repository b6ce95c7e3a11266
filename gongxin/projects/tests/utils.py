"""Plain helpers for this app's tests."""

import datetime as dt
import itertools
from decimal import Decimal

from gongxin.projects.models import Programme, Project, ProjectInvestment, Stage

_serial = itertools.count(1)


def make_project(enterprise, stage=Stage.IDEA, total="1000", **fields):
    n = next(_serial)
    return Project.objects.create(
        code=fields.pop("code", f"T{n:04d}"), name=fields.pop("name", f"测试技改项目{n}"), enterprise=enterprise,
        total_investment=Decimal(total), stage=stage, stage_since=fields.pop("stage_since", dt.date(2021, 1, 1)),
        **fields)


def invest(project, period, month, ytd):
    return ProjectInvestment.objects.create(project=project, period=period, month=Decimal(month), ytd=Decimal(ytd))


def make_programme(name="省企业技术改造重点导向项目", year=2022, level=Programme.Level.PROVINCE):
    return Programme.objects.create(name=name, year=year, level=level)
