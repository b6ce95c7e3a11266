"""Demo county: the 2022 epidemic event (code `2022-covid`) with its phases (after registry.demo)."""

import datetime as dt

from .models import Event, Phase

EVENT_CODE = "2022-covid"


def build(ctx):
    event, _ = Event.objects.update_or_create(code=EVENT_CODE, defaults={
        "name": "2022年3月新冠肺炎疫情防控",
        "kind": Event.Kind.EPIDEMIC,
        "level": Event.Level.II,
        "started_on": dt.date(2022, 3, 13),
        "ended_on": dt.date(2022, 5, 31),
        "description": "全市实行临时管控措施，工业企业封闭生产、应急物资保障、车辆接驳与复工复产。",
    })
    for order, (name, start, end) in enumerate([
        ("临时管控", dt.date(2022, 3, 13), dt.date(2022, 4, 3)),
        ("有序复工复产", dt.date(2022, 4, 4), dt.date(2022, 4, 30)),
        ("常态化防控", dt.date(2022, 5, 1), dt.date(2022, 5, 31)),
    ]):
        Phase.objects.update_or_create(event=event, name=name,
                                       defaults={"starts_on": start, "ends_on": end, "order": order})
    ctx["event"] = event
