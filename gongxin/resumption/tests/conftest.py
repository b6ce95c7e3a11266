import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from .helpers import TODAY


@pytest.fixture
def same_day():
    """Run on TODAY at noon: dates relative to TODAY, taken at import, stay right when a run crosses
    midnight (Asia/Shanghai), where "tomorrow" would otherwise become today."""
    noon = dt.datetime.combine(TODAY, dt.time(12), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(noon, tick=True):
        yield
