"""The statistics engine: every figure the analysis pages, exports, commands and brief show.

Pure functions over querysets. Rules (DESIGN.md "Domain rules"):

- A figure counts the 产值 ("output" form) returns of a period whose status is in
  `Return.COUNTED`, of enterprises on the period's year 规上 list. Leavers never count; new
  entrants count with the last-year figures on their own return.
- Growth is on the comparable basis: Σ this ÷ Σ last year − 1 over the same counted returns,
  Decimal, half-up to one decimal; None when the base is zero or missing.
- Share = part ÷ whole; contribution rate (贡献率) = part's increase ÷ whole's increase;
  pull (拉动, percentage points) = part's increase ÷ whole's last-year base × 100.
- Aggregation happens in the database: one query per grouping (values() + Sum).

`user` (optional everywhere) scopes the figures with `enterprise_q`: a town officer gets the
figures of their town's enterprises; None means the whole county (commands).
"""

import functools
from dataclasses import dataclass, field
from decimal import Context as DecimalContext
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from gongxin.accounts.scoping import enterprise_q, get_access, region_q
from gongxin.lib.numeric import ZERO, growth_pct, pct, round_half_up, to_decimal
from gongxin.lib.periods import periods_of_year, split, time_progress_pct
from gongxin.registry.models import Enterprise, EnterpriseGroup, Industry, ListYear, Region
from gongxin.reporting.models import Form, Indicator, MonitoredProduct, ProductLine, Return, ReturnValue

OUTPUT_FORM = "output"
INDICATORS = ("output_value", "sales_value", "export_value", "electricity")
COLUMNS = ("month", "ytd", "month_ly", "ytd_ly")
GROUPINGS = ("county", "town", "industry", "tier", "group")

# Tiers by the previous calendar year's December 1-本月 output value (千元).
OVER_500M, FROM_100M, UNDER_100M = "over_500m", "100m_500m", "under_100m"
TIER_THRESHOLDS = ((OVER_500M, Decimal(500_000)), (FROM_100M, Decimal(100_000)))
TIER_NAMES = {OVER_500M: "产值5亿元以上", FROM_100M: "产值1亿-5亿元", UNDER_100M: "产值1亿元以下"}
AMOUNT_PLACES = Decimal("0.0001")


# ---------------------------------------------------------------- figures


@dataclass
class Figures:
    """Σ of the four columns of one indicator over a set of counted returns."""

    month: Decimal = ZERO
    ytd: Decimal = ZERO
    month_ly: Decimal = ZERO
    ytd_ly: Decimal = ZERO

    @property
    def month_growth_pct(self):
        return growth_pct(self.month, self.month_ly)

    @property
    def ytd_growth_pct(self):
        return growth_pct(self.ytd, self.ytd_ly)

    @property
    def month_change(self):
        return self.month - self.month_ly

    @property
    def ytd_change(self):
        return self.ytd - self.ytd_ly

    def add(self, other):
        return Figures(*(getattr(self, c) + getattr(other, c) for c in COLUMNS))


def share_pct(part, whole, column="ytd"):
    """占比: part ÷ whole in percent."""
    return pct(getattr(part, column), getattr(whole, column))


def contribution_pct(part, whole, column="ytd"):
    """贡献率: the part's increase ÷ the whole's increase, in percent (None if the whole's is 0)."""
    return pct(
        getattr(part, column) - getattr(part, f"{column}_ly"),
        getattr(whole, column) - getattr(whole, f"{column}_ly"),
    )


def pull_pp(part, whole, column="ytd"):
    """拉动 (percentage points): the part's increase ÷ the whole's last-year base × 100."""
    return pct(getattr(part, column) - getattr(part, f"{column}_ly"), getattr(whole, f"{column}_ly"))


@dataclass
class Row:
    """One group (a town, a division, a tier, …) with its figures per indicator."""

    code: str
    name: str
    enterprises: int = 0
    indicators: dict = field(default_factory=dict)
    key: object = None  # the database key of the group (region id, industry id, tier code, …)

    @property
    def output(self):
        return self.indicators.get("output_value", Figures())


# ---------------------------------------------------------------- base querysets


@functools.cache
def output_form_id():
    """The 产值 form's id. Cached until the next request starts (see apps.py): a page asks dozens of times."""
    return Form.objects.filter(code=OUTPUT_FORM).values_list("id", flat=True).get()


@functools.cache
def _output_indicator_ids():
    return dict(Indicator.objects.filter(form__code=OUTPUT_FORM).values_list("code", "id"))


def indicator_ids(codes=INDICATORS):
    """{indicator code: id} of the 产值 form, in the order asked."""
    found = _output_indicator_ids()
    return {c: found[c] for c in codes if c in found}


def clear_reference_cache(**kwargs):
    """Forget the cached form and indicator ids (connected to `request_started`; tests call it too)."""
    output_form_id.cache_clear()
    _output_indicator_ids.cache_clear()


def resolve_period(text):
    """'2022-03' (or any form parse_period accepts) → itself; a quarter ('2022Q1', '2022-Q1') or a
    year ('2022') → the period at its end: quarter and year views are the period at their end."""
    import re

    from gongxin.lib.periods import parse_period

    text = str(text).strip().upper()
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", text):
        return f"{m.group(1)}-{int(m.group(2)) * 3:02d}"
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-12"
    return parse_period(text)


def year_of(period):
    return split(period)[0]


def on_list(year):
    """Exists-filter: the row's enterprise is on `year`'s 规上 list."""
    return Exists(ListYear.objects.filter(enterprise_id=OuterRef("enterprise_id"), year=year))


def scope_q(user):
    """The enterprise scope of `user` for rows with an `enterprise` foreign key (None → all)."""
    return Q() if user is None else enterprise_q(user, "enterprise__")


def town_scope_q(user):
    """The towns `user` sees (None → all)."""
    return Q() if user is None else region_q(user)


def counted_values(period, indicators=INDICATORS, user=None, form_id=None):
    """ReturnValue rows that count for `period`: counted 产值 returns of listed enterprises."""
    ids = indicator_ids(indicators)
    return ReturnValue.objects.filter(
        on_list(year_of(period)),
        scope_q(user),
        period=period,
        indicator_id__in=ids.values(),
        # ret__period repeats the value's period so that the database picks the period's returns
        # by index (form, period, status) instead of scanning every return ever filed.
        ret__form_id=form_id or output_form_id(),
        ret__period=period,
        ret__status__in=Return.COUNTED,
    )


def counted_returns(period, user=None):
    """Counted 产值 returns of `period` of enterprises on the year's list."""
    return Return.objects.filter(
        on_list(year_of(period)),
        scope_q(user),
        period=period,
        form__code=OUTPUT_FORM,
        status__in=Return.COUNTED,
    )


def tier_of_value(amount):
    """The tier code for a previous-December 1-本月 output value (None → under 1亿)."""
    for code, threshold in TIER_THRESHOLDS:
        if amount is not None and amount >= threshold:
            return code
    return UNDER_100M


def tier_expression(period, form_id=None):
    """Tier code of the row's enterprise, from its counted 产值 return of (year−1)-12.

    Each tier test is a non-correlated `enterprise_id IN (…)` over the previous December's
    values, which the database builds once (a hashed set) instead of probing per row.
    """
    previous_december = f"{year_of(period) - 1:04d}-12"
    december = ReturnValue.objects.filter(
        period=previous_december,
        indicator_id=indicator_ids(("output_value",))["output_value"],
        ret__form_id=form_id or output_form_id(),
        ret__period=previous_december,
        ret__status__in=Return.COUNTED,
    )
    whens = [
        When(enterprise_id__in=december.filter(ytd__gte=threshold).values("enterprise_id"), then=Value(code))
        for code, threshold in TIER_THRESHOLDS
    ]
    return Case(*whens, default=Value(UNDER_100M), output_field=CharField())


GROUP_KEYS = {
    "county": None,
    "town": "enterprise__town_id",
    "industry": "enterprise__division_id",
    "tier": "tier",
    "group": "enterprise__groups",
    "enterprise": "enterprise_id",
}


def _grouped(qs, by, period, form_id):
    """values(key, indicator) + Sum of the four columns and the count of returns."""
    key = GROUP_KEYS[by]
    if by in ("town", "industry"):
        # Group by an expression, not the indexed column: otherwise SQLite walks all enterprises
        # in town (division) order and probes the values index once per enterprise (5× slower at
        # province scale) instead of reading the period's values and hashing their groups.
        qs = qs.annotate(group_key=ExpressionWrapper(F(key) + Value(0), output_field=BigIntegerField()))
        key = "group_key"
    if by == "tier":
        qs = qs.annotate(tier=tier_expression(period, form_id))
    if by == "group":
        qs = qs.filter(enterprise__groups__isnull=False)
    fields = [key, "indicator_id"] if key else ["indicator_id"]
    sums = {c: Coalesce(Sum(c), Value(ZERO), output_field=DecimalField()) for c in COLUMNS}
    return key, qs.values(*fields).annotate(n=Count("id"), **sums).order_by()


def totals(period, by="county", user=None, indicators=INDICATORS):
    """Figures of `period` grouped `by` county / town / industry / tier / group / enterprise.

    Returns a list of Row (groups without counted returns are left out, except tiers, which are
    always the three). One query for the figures, one small query for the groups' names.
    """
    if by not in GROUP_KEYS:
        raise ValueError(f"unknown grouping {by!r}")
    form_id = output_form_id()
    ids = indicator_ids(indicators)
    code_by_id = {v: k for k, v in ids.items()}
    qs = counted_values(period, indicators, user, form_id)
    key, grouped = _grouped(qs, by, period, form_id)
    rows = {}
    for rec in grouped:
        group = rec[key] if key else None
        row = rows.setdefault(group, Row(code="", name="", key=group))
        row.indicators[code_by_id[rec["indicator_id"]]] = Figures(*(rec[c] for c in COLUMNS))
        row.enterprises = max(row.enterprises, rec["n"])
    for row in rows.values():
        for code in ids:
            row.indicators.setdefault(code, Figures())
    return _label(by, rows, ids, user)


def _label(by, rows, ids, user):
    """Give each group row its code and name, in the grouping's natural order."""
    if by == "county":
        row = rows.get(None) or Row("", "", indicators={c: Figures() for c in ids})
        row.code, row.name = county_label(user)
        return [row]
    if by == "tier":
        out = []
        for code, name in TIER_NAMES.items():
            row = rows.get(code) or Row(code, name, indicators={c: Figures() for c in ids}, key=code)
            row.code, row.name = code, name
            out.append(row)
        return out
    if by == "town":
        names = Region.objects.filter(pk__in=rows).values_list("pk", "code", "name")
    elif by == "industry":
        names = Industry.objects.filter(pk__in=rows).values_list("pk", "code", "name")
    elif by == "group":
        names = EnterpriseGroup.objects.filter(pk__in=rows).values_list("pk", "pk", "name")
    else:
        names = Enterprise.objects.filter(pk__in=rows).values_list("pk", "uscc", "name")
    for pk, code, name in names:
        rows[pk].code, rows[pk].name = str(code), name
    return sorted(rows.values(), key=lambda r: r.code if by != "enterprise" else -r.output.ytd)


def dashboard_totals(period, user=None):
    """Output value of the whole, by town, by industry and by tier, from ONE statement.

    The period's counted values, each with its enterprise's town, division and tier, are read
    once into a common table expression (materialized: both databases do so for a CTE used more
    than once); the four groupings are sums over it, joined by UNION ALL. So the tier test runs
    once per row and the database returns a few hundred rows, not one per (town, division, tier).
    Returns {"county": Row, "town": [Row], "industry": [Row], "tier": [Row]}, equal to
    `totals(period, by, user, ("output_value",))`.
    """
    form_id = output_form_id()
    ids = indicator_ids(("output_value",))
    rows = counted_values(period, ("output_value",), user, form_id).annotate(
        town_key=F("enterprise__town_id"),
        division_key=F("enterprise__division_id"),
        tier=tier_expression(period, form_id),
    )
    inner, params = rows.values_list("town_key", "division_key", "tier", *COLUMNS).query.sql_with_params()
    sums = ", ".join(f"SUM({c})" for c in COLUMNS)
    sql = (
        f"WITH v (town_key, division_key, tier, {', '.join(COLUMNS)}) AS ({inner}) "
        f"SELECT 'county', CAST(NULL AS BIGINT), CAST(NULL AS TEXT), {sums}, COUNT(*) FROM v "
        f"UNION ALL SELECT 'town', town_key, NULL, {sums}, COUNT(*) FROM v GROUP BY town_key "
        f"UNION ALL SELECT 'industry', division_key, NULL, {sums}, COUNT(*) FROM v GROUP BY division_key "
        f"UNION ALL SELECT 'tier', NULL, tier, {sums}, COUNT(*) FROM v GROUP BY tier"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    groups = {"county": {}, "town": {}, "industry": {}, "tier": {}}
    for by, key, tier, *values, n in fetched:
        if n:  # the county line of an empty period has no values
            figures = Figures(*(_summed(v) for v in values))
            group = tier if by == "tier" else key
            groups[by][group] = Row("", "", enterprises=n, key=group, indicators={"output_value": figures})
    out = {}
    for by, rows_by_key in groups.items():
        labelled = _label(by, rows_by_key, ids, user)
        out[by] = labelled[0] if by == "county" else labelled
    return out


_from_float = DecimalContext(prec=15).create_decimal_from_float


def _summed(value):
    """A SUM fetched by a raw cursor as the ORM would give it: Decimal, 0 for no values.

    SQLite sums NUMERIC columns as floats; like Django, keep their 15 significant digits.
    """
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else _from_float(value)


def county_label(user=None):
    """(code, name) of the whole the user sees: the county, or the officer's town(s)."""
    access = get_access(user) if user is not None else None
    if access is None or access.sees_all:
        county = Region.objects.filter(level=Region.Level.COUNTY).order_by("code").first()
        return (county.code, county.name) if county else ("", "全县")
    towns = list(Region.objects.towns().filter(region_q(user)).values_list("code", "name"))
    if len(towns) == 1:
        return towns[0]
    return ("", "、".join(n for _, n in towns) or "—")


def county(period, user=None, indicators=INDICATORS):
    """The whole (county, or the officer's town) as one Row."""
    return totals(period, "county", user, indicators)[0]


def with_structure(rows, whole, column="ytd"):
    """[(row, share %, contribution %, pull pp)] of output value against `whole` (a Row)."""
    w = whole.output
    return [
        (
            r,
            share_pct(r.output, w, column),
            contribution_pct(r.output, w, column),
            pull_pp(r.output, w, column),
        )
        for r in rows
    ]


# ---------------------------------------------------------------- rankings, series, completeness


def enterprise_changes(period, user=None, limit=10, fallers=False):
    """Enterprises with the largest 1-本月 output increase (or decrease): [(Row, change)]."""
    form_id = output_form_id()
    qs = counted_values(period, ("output_value",), user, form_id).annotate(change=F("ytd") - F("ytd_ly"))
    qs = qs.filter(ytd__isnull=False, ytd_ly__isnull=False)
    qs = qs.filter(change__lt=0) if fallers else qs.filter(change__gt=0)
    qs = qs.order_by("change" if fallers else "-change", "enterprise__uscc")[:limit]
    out = []
    for v in qs.values("enterprise__uscc", "enterprise__name", "enterprise__town__name", "change", *COLUMNS):
        row = Row(
            v["enterprise__uscc"],
            v["enterprise__name"],
            1,
            {"output_value": Figures(*(v[c] or ZERO for c in COLUMNS))},
        )
        row.town = v["enterprise__town__name"]
        out.append(row)
    return out


def series(period, user=None, indicator="output_value"):
    """Month by month of `period`'s year up to it, with last year's same months.

    [{"period", "this": Figures, "last": Figures or None}] — last year's figures are those
    counted then (last year's list, its own returns), so growth lines compare like with like.
    """
    year, month = split(period)
    this_periods = periods_of_year(year, upto=month)
    last_periods = periods_of_year(year - 1, upto=month)
    this = _by_period(this_periods, year, user, indicator)
    last = _by_period(last_periods, year - 1, user, indicator)
    return [
        {"period": p, "this": this.get(p, Figures()), "last": last.get(lp)}
        for p, lp in zip(this_periods, last_periods, strict=True)
    ]


def _by_period(periods, year, user, indicator):
    ids = indicator_ids((indicator,))
    qs = ReturnValue.objects.filter(
        on_list(year),
        scope_q(user),
        period__in=periods,
        indicator_id__in=ids.values(),
        ret__form_id=output_form_id(),
        ret__period__in=periods,
        ret__status__in=Return.COUNTED,
    )
    sums = {c: Coalesce(Sum(c), Value(ZERO), output_field=DecimalField()) for c in COLUMNS}
    return {
        r["period"]: Figures(*(r[c] for c in COLUMNS))
        for r in qs.values("period").annotate(**sums).order_by()
    }


def enterprise_series(enterprise, year):
    """One enterprise's 产值 returns of a year: [{"period", "status", indicator: Figures}]."""
    values = ReturnValue.objects.filter(
        enterprise=enterprise, period__startswith=f"{year}-", ret__form__code=OUTPUT_FORM
    ).select_related("indicator", "ret")
    out = {}
    for v in values.order_by("period"):
        item = out.setdefault(
            v.period,
            {
                "period": v.period,
                "status": v.ret.get_status_display(),
                "counted": v.ret.status in Return.COUNTED,
            },
        )
        item[v.indicator.code] = Figures(*(getattr(v, c) or ZERO for c in COLUMNS))
    return list(out.values())


@dataclass
class Completeness:
    expected: int
    counted: int

    @property
    def pct(self):
        return pct(self.counted, self.expected)


def completeness(period, user=None):
    """Counted 产值 returns ÷ enterprises on the year's list (both within the user's scope)."""

    expected = Enterprise.objects.filter(enterprise_q(user) if user else Q()).on_list(year_of(period)).count()
    return Completeness(expected, counted_returns(period, user).count())


# ---------------------------------------------------------------- added value (comparable prices)


@dataclass
class AddedValue:
    """Estimated 规上工业增加值 growth at comparable prices, and the official figure if entered.

    estimate (1-本月) = Σ_d (ytd_d ÷ (PPI_ytd_d ÷ 100)) ÷ Σ_d ytd_ly_d − 1, where d runs over the
    industry divisions of the counted returns and PPI_ytd_d is the division's cumulative 1-本月
    producer price index (上年同期 = 100) for the period; 本月 likewise with the monthly PPI and
    the month columns. A division without a PPI for the period uses 100 (no deflation).
    """

    ytd_estimate_pct: Decimal | None
    month_estimate_pct: Decimal | None
    official_ytd_pct: Decimal | None = None
    official_month_pct: Decimal | None = None
    missing_divisions: list = field(default_factory=list)

    @property
    def is_official(self):
        return self.official_ytd_pct is not None

    @property
    def ytd_pct(self):
        return self.official_ytd_pct if self.is_official else self.ytd_estimate_pct

    @property
    def month_pct(self):
        if self.is_official and self.official_month_pct is not None:
            return self.official_month_pct
        return self.month_estimate_pct


HUNDRED = Decimal(100)


def deflated(rows, indexes):
    """(Σ ytd deflated, Σ ytd_ly, Σ month deflated, Σ month_ly) of division rows by PPI."""
    ytd = ytd_ly = month = month_ly = ZERO
    for row in rows:
        f = row.output
        month_index, ytd_index = indexes.get(row.key, (None, None))
        ytd += f.ytd * HUNDRED / (ytd_index or HUNDRED)
        month += f.month * HUNDRED / (month_index or HUNDRED)
        ytd_ly += f.ytd_ly
        month_ly += f.month_ly
    return ytd, ytd_ly, month, month_ly


def added_value(period, user=None):
    from .models import OfficialAddedValue, PriceIndex

    rows = totals(period, "industry", user, ("output_value",))
    indexes = {
        d: (m, y)
        for d, m, y in PriceIndex.objects.filter(period=period).values_list(
            "division_id", "month_index", "ytd_index"
        )
    }
    ytd, ytd_ly, month, month_ly = deflated(rows, indexes)
    result = AddedValue(
        growth_pct(ytd, ytd_ly),
        growth_pct(month, month_ly),
        missing_divisions=[r for r in rows if r.key not in indexes],
    )
    if user is None or get_access(user).sees_all:
        official = OfficialAddedValue.objects.filter(period=period).first()
        if official:
            result.official_ytd_pct = official.ytd_growth_pct
            result.official_month_pct = official.month_growth_pct
    return result


# ---------------------------------------------------------------- key products


@dataclass
class ProductRow:
    code: str
    name: str
    unit: str
    month: Decimal = ZERO
    ytd: Decimal = ZERO
    month_ly: Decimal = ZERO
    ytd_ly: Decimal = ZERO
    price: Decimal | None = None
    price_ly: Decimal | None = None
    enterprises: int = 0

    @property
    def ytd_growth_pct(self):
        return growth_pct(self.ytd, self.ytd_ly)

    @property
    def month_growth_pct(self):
        return growth_pct(self.month, self.month_ly)

    @property
    def price_growth_pct(self):
        return growth_pct(self.price, self.price_ly)

    @property
    def output_up(self):
        return self.ytd > self.ytd_ly

    @property
    def price_up(self):
        return self.price is not None and self.price_ly is not None and self.price > self.price_ly


@dataclass
class ProductStats:
    period: str
    rows: list

    @property
    def total(self):
        return len(self.rows)

    @property
    def output_up(self):
        return sum(1 for r in self.rows if r.output_up)

    @property
    def price_up(self):
        return sum(1 for r in self.rows if r.price_up)

    @property
    def output_up_share_pct(self):
        return pct(self.output_up, self.total)

    @property
    def price_up_share_pct(self):
        return pct(self.price_up, self.total)


def weighted_price(weighted_sum, weight, plain_mean):
    """Σ(price × qty) ÷ Σ qty; the plain mean of the prices where the weights sum to zero."""
    if weight:
        return weighted_sum / weight
    return plain_mean


def products(period, user=None):
    """Key-product statistics of `period` over the year's monitored list (all of it, in code order).

    From counted 产值 returns of listed enterprises: Σ of the four quantity columns; price =
    Σ(price × 本月产量) ÷ Σ 本月产量 over lines with a price (price_ly likewise with 上年同月产量),
    a plain mean of the prices where those weights sum to zero. For a town officer the list is
    the monitored products made in their town (shares of the county list would mislead).
    """
    year = year_of(period)
    monitored = MonitoredProduct.objects.filter(year=year).select_related("product").order_by("product__code")
    rows = {m.product_id: ProductRow(m.product.code, m.product.name, m.product.unit) for m in monitored}
    amount = DecimalField(max_digits=40, decimal_places=8)

    def total(column, **extra):
        return Coalesce(Sum(column, **extra), Value(ZERO), output_field=amount)

    priced, priced_ly = Q(price__isnull=False), Q(price_ly__isnull=False)
    qs = (
        ProductLine.objects.filter(
            on_list(year),
            scope_q(user),
            period=period,
            product_id__in=rows,
            ret__form_id=output_form_id(),
            ret__period=period,
            ret__status__in=Return.COUNTED,
        )
        .values("product_id")
        .annotate(
            n=Count("id"),
            month=total("qty_month"),
            ytd=total("qty_ytd"),
            month_ly=total("qty_month_ly"),
            ytd_ly=total("qty_ytd_ly"),
            value=Sum(F("price") * F("qty_month"), output_field=amount),
            weight=Sum("qty_month", filter=priced, output_field=amount),
            mean=Sum("price", output_field=amount),
            priced=Count("id", filter=priced),
            value_ly=Sum(F("price_ly") * F("qty_month_ly"), output_field=amount),
            weight_ly=Sum("qty_month_ly", filter=priced_ly, output_field=amount),
            mean_ly=Sum("price_ly", output_field=amount),
            priced_ly=Count("id", filter=priced_ly),
        )
        .order_by()
    )
    for rec in qs:
        row = rows[rec["product_id"]]
        row.enterprises = rec["n"]
        for c in COLUMNS:
            setattr(row, c, rec[c])
        mean = rec["mean"] / rec["priced"] if rec["priced"] else None
        mean_ly = rec["mean_ly"] / rec["priced_ly"] if rec["priced_ly"] else None
        row.price = weighted_price(rec["value"], rec["weight"], mean)
        row.price_ly = weighted_price(rec["value_ly"], rec["weight_ly"], mean_ly)
    if user is not None and not get_access(user).sees_all:
        return ProductStats(period, [r for r in rows.values() if r.enterprises])
    return ProductStats(period, list(rows.values()))


# ---------------------------------------------------------------- guidance plans


@dataclass
class PlanRow:
    code: str
    name: str
    target: Decimal | None
    ytd: Decimal
    ytd_ly: Decimal
    time_progress_pct: Decimal
    rank: int | None = None

    @property
    def completion_pct(self):
        return pct(self.ytd, self.target)

    @property
    def ytd_growth_pct(self):
        return growth_pct(self.ytd, self.ytd_ly)

    @property
    def gap_pp(self):
        """Completion minus time progress, percentage points (negative = behind)."""
        c = self.completion_pct
        return None if c is None else c - self.time_progress_pct

    @property
    def ahead(self):
        c = self.completion_pct
        return None if c is None else c >= self.time_progress_pct


PLAN_KINDS = {"output": "规上工业总产值", "investment": "工业技改投资"}
PLAN_UNITS = {"output": "千元", "investment": "万元"}


def investment_by_town(period):
    """{town code: (ytd, ytd_ly)} in 万元 from the projects app, or None if it is not installed."""
    try:
        from gongxin.projects.stats import investment_rows
    except ImportError:
        return None
    out = {}
    for r in investment_rows(period, by="town"):
        figures = (to_decimal(r["ytd"]) or ZERO, to_decimal(r["ytd_ly"]) or ZERO)
        out[r["code"]] = out[r["name"]] = figures
    return out


def plans(period, kind="output", user=None):
    """Each visible town's plan for the year, its 1-本月, completion rate and rank.

    completion = 1-本月 ÷ yearly target; time progress = months elapsed ÷ 12; a town is ahead
    when completion ≥ time progress. Ranked by completion (towns without a target last).
    """
    from .models import TownPlan

    if kind not in PLAN_KINDS:
        raise ValueError(f"unknown plan kind {kind!r}")
    year = year_of(period)
    target_field = "output_target" if kind == "output" else "investment_target"
    targets = dict(TownPlan.objects.filter(year=year).values_list("town_id", target_field))
    towns = list(Region.objects.towns().filter(town_scope_q(user)).values_list("pk", "code", "name"))
    if kind == "output":
        actual = {
            r.key: (r.output.ytd, r.output.ytd_ly) for r in totals(period, "town", user, ("output_value",))
        }
        actual = {code: actual.get(pk, (ZERO, ZERO)) for pk, code, _ in towns}
    else:
        actual = investment_by_town(period) or {}
    progress = time_progress_pct(period)
    rows = [
        PlanRow(code, name, targets.get(pk), *actual.get(code, actual.get(name, (ZERO, ZERO))), progress)
        for pk, code, name in towns
    ]
    ranked = sorted(
        (r for r in rows if r.completion_pct is not None), key=lambda r: (-r.completion_pct, r.code)
    )
    for rank, row in enumerate(ranked, start=1):
        row.rank = rank
    return ranked + [r for r in rows if r.completion_pct is None]


# ---------------------------------------------------------------- formatting for machines


def amount_text(value):
    """A stored amount as a plain decimal string with four places ("7000000.0000"); None → None."""
    if value is None:
        return None
    return format(Decimal(value).quantize(AMOUNT_PLACES), "f")


def pct_text(value):
    """A percentage as a one-decimal string ("23.8"), None → None; never "-0.0"."""
    if value is None:
        return None
    value = round_half_up(value)
    return format(value if value != 0 else Decimal("0.0"), "f")


# ---------------------------------------------------------------- enterprise-level (warnings, brief)


KEY_TIERS = (OVER_500M, FROM_100M)


def enterprise_tiers(year, user=None, tiers=KEY_TIERS):
    """{enterprise id: tier code} of `year`'s listed enterprises in `tiers` (previous December's output)."""
    qs = ListYear.objects.filter(Q(year=year), Q() if user is None else enterprise_q(user, "enterprise__"))
    qs = qs.annotate(tier=tier_expression(f"{year:04d}-01")).filter(tier__in=tiers)
    return dict(qs.values_list("enterprise_id", "tier"))


def latest_period():
    """The latest period with a counted 产值 return (the default period of the brief), or None."""
    return (
        Return.objects.filter(form__code=OUTPUT_FORM, status__in=Return.COUNTED)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


# ---------------------------------------------------------------- rolling trend (the cockpit)


def rolling_series(period, user=None, months=24):
    """The whole's 产值 for each reported period of the `months` up to `period`, oldest first:
    [{"period", "figures": Figures}] — this year's and the same enterprises' last-year values side
    by side, so both lines of the trend come from one comparable basis per period."""
    from gongxin.lib import periods as P

    out, current = [], period
    for _ in range(months):
        if P.is_reported(current):
            out.append({"period": current, "figures": county(current, user, ("output_value",)).output})
        current = P.shift(current, -1)
    return list(reversed(out))


# ---------------------------------------------------------------- drill-down: the enterprises of a group

DRILL_BYS = {"town": "镇街", "industry": "行业", "tier": "规模", "group": "企业名单"}
DRILL_SORTS = {"output": lambda r: r.output.ytd, "growth": lambda r: r.output.ytd_growth_pct,
               "contribution": lambda r: r.contribution}


def _drill_filter(qs, by, code, period, form_id):
    if by == "town":
        return qs.filter(enterprise__town__code=code)
    if by == "industry":
        return qs.filter(enterprise__division__code=code)
    if by == "group":
        return qs.filter(enterprise__groups__pk=int(code)) if str(code).isdigit() else qs.none()
    if by == "tier":
        return qs.annotate(tier=tier_expression(period, form_id)).filter(tier=code)
    return qs


def drill_name(by, code):
    """The name of the group `by`/`code` (None when it does not exist)."""
    if by == "town":
        return Region.objects.filter(code=code).values_list("name", flat=True).first()
    if by == "industry":
        return Industry.objects.filter(code=code).values_list("name", flat=True).first()
    if by == "group":
        return (EnterpriseGroup.objects.filter(pk=int(code)).values_list("name", flat=True).first()
                if str(code).isdigit() else None)
    if by == "tier":
        return TIER_NAMES.get(code)
    return None


def enterprise_rows(period, by, code, user=None, sort="output", descending=True):
    """(group Row, [enterprise Row]) of `period`: every enterprise of the town / industry / tier / group
    with a counted 产值 return, each with `town`, `industry`, `share` (of the group's 1-本月) and
    `contribution` (to the group's growth) set; sorted by output, growth or contribution (None last)."""
    form_id = output_form_id()
    qs = _drill_filter(counted_values(period, ("output_value",), user, form_id), by, code, period, form_id)
    rows = {}
    for rec in qs.values("enterprise_id", *COLUMNS):
        row = rows.setdefault(rec["enterprise_id"], Row("", "", 1, key=rec["enterprise_id"]))
        row.indicators["output_value"] = Figures(*(rec[c] or ZERO for c in COLUMNS))
    group = Row(code, drill_name(by, code) or "", len(rows), {"output_value": Figures()})
    for row in rows.values():
        group.indicators["output_value"] = group.output.add(row.output)
    names = Enterprise.objects.filter(pk__in=rows).values_list("pk", "uscc", "name", "town__name", "division__name")
    for pk, uscc, name, town, industry in names:
        row = rows[pk]
        row.code, row.name, row.town, row.industry = uscc, name, town, industry or "—"
        row.share = share_pct(row.output, group.output)
        row.contribution = contribution_pct(row.output, group.output)
    key = DRILL_SORTS.get(sort, DRILL_SORTS["output"])
    known = sorted((r for r in rows.values() if key(r) is not None), key=lambda r: (key(r), r.code),
                   reverse=descending)
    return group, known + sorted((r for r in rows.values() if key(r) is None), key=lambda r: r.code)


def missing_in_group(period, by, code, user=None):
    """Enterprises of a town / industry / group on the year's list without a counted 产值 return."""
    if by not in ("town", "industry", "group"):
        return Enterprise.objects.none()
    visible = Enterprise.objects.all() if user is None else Enterprise.objects.for_user(user)
    lookup = {"town": "town__code", "industry": "division__code", "group": "groups__pk"}[by]
    if by == "group" and not str(code).isdigit():
        return Enterprise.objects.none()
    counted = counted_returns(period, user).values("enterprise_id")
    return (visible.on_list(year_of(period)).filter(**{lookup: code}).exclude(pk__in=counted)
            .select_related("town").order_by("uscc"))


@dataclass
class ProductMaker:
    """One enterprise's line of a product for a period: quantities (the product's unit) and prices (元)."""

    uscc: str
    name: str
    town: str
    qty_month: Decimal | None
    qty_ytd: Decimal | None
    qty_ytd_ly: Decimal | None
    price: Decimal | None
    price_ly: Decimal | None

    @property
    def ytd_growth_pct(self):
        return growth_pct(self.qty_ytd, self.qty_ytd_ly)

    @property
    def price_growth_pct(self):
        return growth_pct(self.price, self.price_ly)


def product_makers(period, product, user=None):
    """The enterprises making `product` in `period` (counted 产值 returns of listed enterprises), by 1-本月 quantity."""
    lines = (ProductLine.objects.filter(on_list(year_of(period)), scope_q(user), period=period, product=product,
                                        ret__form_id=output_form_id(), ret__period=period,
                                        ret__status__in=Return.COUNTED)
             .values_list("enterprise__uscc", "enterprise__name", "enterprise__town__name", "qty_month", "qty_ytd",
                          "qty_ytd_ly", "price", "price_ly"))
    makers = [ProductMaker(*line) for line in lines]
    return sorted(makers, key=lambda m: (-(m.qty_ytd or ZERO), m.uscc))
