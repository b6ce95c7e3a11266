"""A form's indicators and active rules, and a year's monitored products, read once per request.

Every return page, save and submission needs them, several times over (the view, the write and the
validation). They are bureau-edited reference data: within one request they are read from the
database once and then served from here. The cache exists only while a request is being handled
(`request_started` opens it, `request_finished` drops it — analysis/stats.py keeps its form and
indicator ids the same way), so a change is seen by every worker from its next request; saving or
deleting one of these rows also drops it at once in the process that did so. Outside a request
(commands, imports, tests calling services directly) nothing is cached: each call reads the
database.
"""

import threading

from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save

from .models import Indicator, MonitoredProduct, Product, ValidationRule

_local = threading.local()  # gunicorn's gthread workers handle one request per thread


def _cached(key, load):
    cache = getattr(_local, "cache", None)
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def indicators(form_id):
    """The form's indicators in their order (a list; do not change the objects)."""
    return _cached(("indicators", form_id), lambda: list(Indicator.objects.filter(form_id=form_id)))


def rules(form_id):
    """The form's active validation rules in their order."""
    return _cached(("rules", form_id), lambda: list(ValidationRule.objects.filter(form_id=form_id, is_active=True)))


def monitored_products(year):
    """The products monitored in `year`, by code."""
    return _cached(("products", year), lambda: list(Product.objects.filter(monitored__year=year).order_by("code")))


def open_cache(**kwargs):
    _local.cache = {}


def close_cache(**kwargs):
    _local.cache = None


def forget(**kwargs):
    """A reference row changed: read everything afresh (the rest of this request included)."""
    if getattr(_local, "cache", None) is not None:
        _local.cache = {}


def connect():
    request_started.connect(open_cache, dispatch_uid="gongxin_reporting_reference_open")
    request_finished.connect(close_cache, dispatch_uid="gongxin_reporting_reference_close")
    for model in (Indicator, ValidationRule, Product, MonitoredProduct):
        post_save.connect(forget, sender=model, dispatch_uid=f"gongxin_reference_saved_{model.__name__}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"gongxin_reference_deleted_{model.__name__}")
