"""What the tables a request wrote hold, for the sweeps (test_long_text, test_import_cells,
test_form_values): `Writes` (tests/crawl.py) names the tables, these say what in them no column should
hold — a text longer than its column or cut short, a date outside 1900–2100, a number outside the
range the model declares or its column's digits."""

import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models.functions import Length

from gongxin.lib import bounds

LONGEST = max(f.max_length or 0 for m in apps.get_models() for f in m._meta.concrete_fields
              if isinstance(f, models.CharField))
TOO_LONG = "长" * max(LONGEST + 1, 5000)  # longer than any column; long enough to show a cut in a TextField


def _fields(tables, kinds):
    for model in apps.get_models():
        if tables is not None and model._meta.db_table not in tables:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, kinds):
                yield model, f


def kept_badly(tables=None):
    """(model, field, what) of every text column, in the models with one of the given table names (all
    when None), holding a value longer than its max_length ("over-long") or a typed value cut short: a
    value that is nothing but the start of TOO_LONG ("cut to N"). A copy composed around the text
    (a notice "理由：长长…", an audit snippet) is not the typed value and is not counted."""
    found = []
    for model, f in _fields(tables, (models.CharField, models.TextField)):
        rows = model._default_manager
        if f.max_length and rows.annotate(_n=Length(f.name)).filter(_n__gt=f.max_length).exists():
            found.append((model._meta.label, f.name, "over-long"))
        for value in rows.filter(**{f"{f.name}__startswith": TOO_LONG[:5]}).values_list(f.name, flat=True):
            if value != TOO_LONG and TOO_LONG.startswith(value):
                found.append((model._meta.label, f.name, f"cut to {len(value)}"))
                break
    return found


def dates_outside(tables):
    """(model, field) of every date column, in the given tables, holding a date outside 1900–2100."""
    found = []
    for model, f in _fields(tables, models.DateField):
        if isinstance(f, models.DateTimeField):
            continue
        rows = model._default_manager.exclude(**{f"{f.name}__isnull": True})
        if rows.exclude(**{f"{f.name}__range": (dt.date(1900, 1, 1), dt.date(2100, 12, 31))}).exists():
            found.append((model._meta.label, f.name))
    return found


def numbers_outside(tables):
    """(model, field) of every number column, in the given tables, holding a value below or above what
    its model declares (Min/MaxValueValidator) or, for a decimal, more integer digits than it has."""
    found = []
    for model, f in _fields(tables, (models.DecimalField, models.IntegerField, models.FloatField)):
        low, high = bounds._domain(f)
        if isinstance(f, models.DecimalField):
            top = bounds.largest(f)
            low, high = max(low, -top) if low is not None else -top, min(high, top) if high is not None else top
        rows, outside = model._default_manager, None
        if low is not None:
            outside = rows.filter(**{f"{f.name}__lt": Decimal(low)})
        if high is not None:
            above = rows.filter(**{f"{f.name}__gt": Decimal(high)})
            outside = above if outside is None else outside | above
        if outside is not None and outside.exists():
            found.append((model._meta.label, f.name))
    return found
