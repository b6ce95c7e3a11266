"""The demo county (`gongxin load_demo`): each app's demo builder, in dependency order.

Each builder is `build(ctx)` with one shared context (`rng`, `stdout`, and what earlier builders
put there: `list_2022`, `event`, …). A new module adds its builder to `BUILDERS`.
"""

import random

from django.db import connection, transaction

from gongxin.alerts import demo as alerts_demo
from gongxin.analysis import demo as analysis_demo
from gongxin.emergencies import demo as emergencies_demo
from gongxin.permits import demo as permits_demo
from gongxin.prevention import demo as prevention_demo
from gongxin.projects import demo as projects_demo
from gongxin.registry import demo as registry_demo
from gongxin.reporting import demo as reporting_demo
from gongxin.reserves import demo as reserves_demo
from gongxin.resumption import demo as resumption_demo
from gongxin.services import demo as services_demo

BUILDERS = [
    registry_demo,
    reporting_demo,
    projects_demo,
    analysis_demo,  # after projects: town investment targets come from its figures
    alerts_demo,  # after analysis and projects: the scan reads their figures
    emergencies_demo,  # the 2022 event: everything below is recorded under it
    reserves_demo,
    prevention_demo,
    resumption_demo,
    permits_demo,
    services_demo,  # last: demands link to warnings and resumption blockers
]


def load(stdout):
    """Build the whole demo county in one transaction; returns the shared context."""
    with transaction.atomic():
        ctx = {"rng": random.Random(370481), "stdout": stdout}
        for builder in BUILDERS:
            builder.build(ctx)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, or the planner guesses badly
            cursor.execute("ANALYZE")
    return ctx
