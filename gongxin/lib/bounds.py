"""The one numeric boundary: every number and date entering the system passes here before it is saved.

`number(field, value)` takes a model field (`ReturnValue._meta.get_field("month")`, or
`bounds.field(ReturnValue, "month")`) and a typed/imported value, and returns a Decimal rounded half
up to the column's decimal places (or None for a blank), or raises `OutOfRange` (a ValueError) with a
Chinese message naming the field. It knows the column's precision (max_digits, decimal_places) and the
domain range the model declares on the field with Min/MaxValueValidator (no negative output, a growth
within ±10,000%). Forms, the htmx check, imports, admin and the API call it, so a value that the
database cannot hold — or that makes no sense — never reaches it.

`date(value, label)` bounds dates the same way (1900-01-01 to 2100-12-31 unless told otherwise), and
`text(value, field)` checks a CharField's max_length, and `fit(model, name, value, error)` does so
for a service, raising the service's own error.

Reading is the other half: `lib/sqlite_backend` turns a stored value SQLite cannot give back as a
Decimal into None and records it (`anomalies()`), so a page shows 数据异常 instead of failing.
"""

import contextvars
import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.validators import MaxValueValidator, MinValueValidator

from .numeric import to_decimal

logger = logging.getLogger("gongxin.data")

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
GROWTH_LIMIT = Decimal(10000)  # a growth rate beyond ±10,000% is a typing error, not a figure


class OutOfRange(ValueError):
    """The value cannot be stored or makes no sense for the field; the message is for the user."""


def field(model, name):
    return model._meta.get_field(name)


def _label(f, label):
    return label or str(f.verbose_name)


def _domain(f):
    low = high = None
    for v in f.validators:
        if isinstance(v, MinValueValidator):
            low = Decimal(v.limit_value) if low is None else max(low, Decimal(v.limit_value))
        elif isinstance(v, MaxValueValidator):
            high = Decimal(v.limit_value) if high is None else min(high, Decimal(v.limit_value))
    return low, high


def largest(f):
    """The largest magnitude the column holds: max_digits − decimal_places integer digits."""
    return Decimal(10) ** (f.max_digits - f.decimal_places) - Decimal(1).scaleb(-f.decimal_places)


def number(f, value, label=None, *, minimum=None, maximum=None):
    """`value` as a Decimal the column holds and the domain allows; None when blank."""
    name = _label(f, label)
    try:
        d = to_decimal(value)
    except ValueError as e:
        raise OutOfRange(f"{name}应填数字") from e
    if d is None:
        return None
    try:
        d = d.quantize(Decimal(1).scaleb(-f.decimal_places), rounding=ROUND_HALF_UP)
    except InvalidOperation as e:  # more digits than any context holds (1e999999)
        raise OutOfRange(f"{name}数值过大，超出允许范围") from e
    if abs(d) > largest(f):
        raise OutOfRange(f"{name}数值过大，超出允许范围（整数部分最多{f.max_digits - f.decimal_places}位）")
    low, high = _domain(f)
    low = low if minimum is None else (minimum if low is None else max(low, minimum))
    high = high if maximum is None else (maximum if high is None else min(high, maximum))
    if low is not None and d < low:
        raise OutOfRange(f"{name}不能为负数" if low == 0 else f"{name}不能小于{low.normalize():f}")
    if high is not None and d > high:
        raise OutOfRange(f"{name}不能大于{high.normalize():f}")
    return d


def growth(f, value, label=None):
    """A growth rate in percent: the column's precision and ±10,000%."""
    return number(f, value, label, minimum=-GROWTH_LIMIT, maximum=GROWTH_LIMIT)


def date(value, label, *, earliest=EARLIEST, latest=LATEST):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not (earliest <= value <= latest):
        raise OutOfRange(f"{label}应在{earliest:%Y-%m-%d}至{latest:%Y-%m-%d}之间")
    return value


def text(f, value, label=None):
    value = "" if value is None else str(value)
    if f.max_length and len(value) > f.max_length:
        raise OutOfRange(f"{_label(f, label)}最多{f.max_length}个字，收到{len(value)}个字")
    return value


def fit(model, name, value, error=OutOfRange, label=None):
    """`value` as typed when it fits the column `model.name` (its max_length), else `error` (the
    caller's domain error) with the Chinese message: what a user typed is stored whole or refused
    before anything is written — never cut (PostgreSQL would refuse it; SQLite would keep it whole)."""
    try:
        return text(model._meta.get_field(name), value, label)
    except OutOfRange as e:
        raise error(str(e)) from None


def model_numbers(instance):
    """Check every DecimalField of `instance` (admin, commands); {field name: message} of the failures."""
    from django.db import models

    errors = {}
    for f in instance._meta.concrete_fields:
        if isinstance(f, models.DecimalField):
            try:
                setattr(instance, f.attname, number(f, getattr(instance, f.attname)))
            except OutOfRange as e:
                errors[f.name] = str(e)
        elif isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
            try:
                date(getattr(instance, f.attname), str(f.verbose_name))
            except OutOfRange as e:
                errors[f.name] = str(e)
    return errors


# ---------------------------------------------------------------- reading what is stored

_anomalies = contextvars.ContextVar("gongxin_anomalies", default=None)


def start_request():
    _anomalies.set([])


def anomalies():
    return _anomalies.get() or []


def unreadable(field_name, raw):
    """A stored value that cannot be read back (logged; the page shows 数据异常)."""
    logger.error("数据异常：%s 的存储值 %r 超出栏目精度，按空值显示", field_name, raw)
    found = _anomalies.get()
    if found is not None and len(found) < 100:
        found.append(field_name)


# ---------------------------------------------------------------- versions

class BadVersion(ValueError):
    """A form's version field is missing or not a whole number: the request is refused (400)."""


def version(value):
    """The version a form carries ("0" for an object that did not exist yet) as an int; a missing,
    negative or malformed one (`abc`, `1.0`, `-1`) raises BadVersion — never a pass."""
    text = "" if value is None else str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise BadVersion("缺少或无效的版本号，请刷新页面后重新操作")
    return int(text)


def expected_version(value, error=BadVersion):
    """The version a service's caller says it opened: None when none was sent (blank), else the whole
    number (`version`), or `error` — the service's own error, which its views answer with a message."""
    if value is None or value == "":
        return None
    try:
        return version(value)
    except BadVersion as e:
        raise error(str(e)) from None


def whole(value, digits=18):
    """A whole number sent by a form or link as an int, or None when it is not one: a word, a
    negative, a superscript (isdigit() but not int()), more than `digits` digits (int() refuses
    4,300)."""
    text = "" if value is None else str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


def pk(value):
    """A primary key sent by a form or link (a select's option, ?plan=) as an int, or None when it is
    not one (a word, a negative, more digits than a key has): the caller then finds nothing."""
    return whole(value, 18)

