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
from gongxin.lib import bounds
from gongxin.lib.numeric import ZERO, growth_pct, pct, round_half_up, to_decimal
from gongxin.lib.periods import (
    months_in_period,
    parse_span,
    periods_of_year,
    previous_in_year,
    same_period_last_year,
    split,
    time_progress_pct,
)
from gongxin.registry.models import Enterprise, EnterpriseGroup, Industry, ListYear, Region
from gongxin.reporting.models import Form, Indicator, MonitoredProduct, ProductLine, Return, ReturnValue

OUTPUT_FORM = "output"
INDICATORS = ("output_value", "sales_value", "export_value", "electricity")
COLUMNS = ("month", "ytd", "month_ly", "ytd_ly")
GROUPINGS = ("county", "town", "industry", "tier", "group")

# Tiers by the previous calendar year's annual output value (千元): the December 1-本月 of the year
# before, else the 上年1-12月 column of the enterprise's own December return of the period's year,
# else 未分档 (never silently the lowest tier).
OVER_500M, FROM_100M, UNDER_100M, UNTIERED = "over_500m", "100m_500m", "under_100m", "untiered"
TIER_THRESHOLDS = ((OVER_500M, Decimal(500_000)), (FROM_100M, Decimal(100_000)))
TIER_NAMES = {OVER_500M: "产值5亿元以上", FROM_100M: "产值1亿-5亿元", UNDER_100M: "产值1亿元以下",
              UNTIERED: "未分档（无上年全年产值）"}
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
    """'2022-03', a quarter ('2022Q1') or a year ('2022') → the period at its end (syntax only:
    what a user asks for is checked by `lib.periods.check_period`)."""
    return parse_span(text)


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
    """The tier code for a previous-year annual output value (None → 未分档)."""
    if amount is None:
        return UNTIERED
    for code, threshold in TIER_THRESHOLDS:
        if amount >= threshold:
            return code
    return UNDER_100M


def _december_values(december, form_id):
    """Counted 产值 output-value rows of one December (the annual 1-12月 figures)."""
    return ReturnValue.objects.filter(
        period=december,
        indicator_id=indicator_ids(("output_value",))["output_value"],
        ret__form_id=form_id or output_form_id(),
        ret__period=december,
        ret__status__in=Return.COUNTED,
    )


def tier_expression(period, form_id=None, key="enterprise_id"):
    """Tier code of the row's enterprise (`key` names its id field) by last year's annual output.

    First the 1-本月 of its counted 产值 return of (year−1)-12; where it has none, the 上年1-12月
    column of its counted return of year-12 (a 2021 period's tiers come from the 2021-12 returns
    when 2020 was never filed here); where neither exists, 未分档. Each test is a non-correlated
    `enterprise_id IN (…)` over one December's values, which the database builds once (a hashed
    set) instead of probing per row.
    """
    year = year_of(period)
    previous = _december_values(f"{year - 1:04d}-12", form_id).filter(ytd__isnull=False)
    own = _december_values(f"{year:04d}-12", form_id).filter(ytd_ly__isnull=False)
    whens = []
    for code, threshold in TIER_THRESHOLDS:
        whens.append(When(**{f"{key}__in": previous.filter(ytd__gte=threshold).values("enterprise_id")},
                          then=Value(code)))
    whens.append(When(**{f"{key}__in": previous.values("enterprise_id")}, then=Value(UNDER_100M)))
    for code, threshold in TIER_THRESHOLDS:
        whens.append(When(**{f"{key}__in": own.filter(ytd_ly__gte=threshold).values("enterprise_id")},
                          then=Value(code)))
    whens.append(When(**{f"{key}__in": own.values("enterprise_id")}, then=Value(UNDER_100M)))
    return Case(*whens, default=Value(UNTIERED), output_field=CharField())


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


# The roll-up read path (analysis/rollups.py): the cells' sums per grouping, the same records as
# `_grouped` gives from the raw values. Cells whose returns all left hold n = 0 and are skipped.
ROLLUP_KEYS = {"county": None, "town": "town_id", "industry": "division_id", "tier": "tier", "group": "group_id"}


def rollup_scope(user):
    """A Q over the roll-ups' `town` for `user` when the roll-ups can answer for that scope (the whole
    county, or a town officer's towns), else None (raw path): also None when settings.ROLLUPS is off."""
    from . import rollups

    if not rollups.enabled():
        return None
    if user is None:
        return Q()
    access = get_access(user)
    if access.sees_all:
        return Q()
    if access.enterprise_ids:
        return None  # an enterprise reporter's scope is not a set of towns
    return Q(town_id__in=access.region_ids)


# The whole county's groupings read OutputSummary (one row per group and indicator); the key it
# stores as text, given back as the fine cells' key.
SUMMARY_GRAINS = {"county": None, "town": int, "industry": int, "tier": str}


def _grouped_rollups(period, by, ids, town_filter):
    from .models import GroupRollup, OutputRollup, OutputSummary

    key = ROLLUP_KEYS[by]
    sums = {c: Coalesce(Sum(c), Value(ZERO), output_field=DecimalField()) for c in COLUMNS}
    if by in SUMMARY_GRAINS and town_filter == Q():
        qs = OutputSummary.objects.filter(period=period, grain=by, indicator_id__in=ids.values(), n__gt=0)
        records = list(qs.values("key", "indicator_id").annotate(n=Sum("n"), **sums).order_by())
        for rec in records:
            cell = rec.pop("key")
            if key:
                rec[key] = SUMMARY_GRAINS[by](cell)
        return key, records
    model = GroupRollup if by == "group" else OutputRollup
    qs = model.objects.filter(town_filter, period=period, indicator_id__in=ids.values(), n__gt=0)
    fields = [key, "indicator_id"] if key else ["indicator_id"]
    return key, qs.values(*fields).annotate(n=Sum("n"), **sums).order_by()


def totals(period, by="county", user=None, indicators=INDICATORS):
    """Figures of `period` grouped `by` county / town / industry / tier / group / enterprise.

    Returns a list of Row (groups without counted returns are left out, except tiers, which are
    always the three, and 未分档 when it has returns). One query for the figures, one small query for the groups' names.
    """
    if by not in GROUP_KEYS:
        raise ValueError(f"unknown grouping {by!r}")
    form_id = output_form_id()
    ids = indicator_ids(indicators)
    code_by_id = {v: k for k, v in ids.items()}
    town_filter = rollup_scope(user)
    if town_filter is not None and by in ROLLUP_KEYS:
        key, grouped = _grouped_rollups(period, by, ids, town_filter)
    else:
        key, grouped = _grouped(counted_values(period, indicators, user, form_id), by, period, form_id)
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
            if code == UNTIERED and code not in rows:
                continue  # 未分档 is listed when it holds someone
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
    `totals(period, by, user, ("output_value",))`. On the roll-ups the same statement reads the
    period's cells (a few per town) instead of its values.
    """
    form_id = output_form_id()
    ids = indicator_ids(("output_value",))
    town_filter = rollup_scope(user)
    if town_filter == Q():  # the whole county: its four groupings are rows of OutputSummary
        return _dashboard_summary(period, ids, user)
    if town_filter is not None:  # the cells of the period instead of its values: n sums their counts
        from .models import OutputRollup

        rows = OutputRollup.objects.filter(town_filter, period=period, indicator_id__in=ids.values(), n__gt=0)
        inner, params = rows.values_list("town_id", "division_id", "tier", *COLUMNS, "n").query.sql_with_params()
    else:
        rows = counted_values(period, ("output_value",), user, form_id).annotate(
            town_key=F("enterprise__town_id"),
            division_key=F("enterprise__division_id"),
            tier=tier_expression(period, form_id),
            one=Value(1, output_field=BigIntegerField()),
        )
        inner, params = rows.values_list("town_key", "division_key", "tier", *COLUMNS, "one").query.sql_with_params()
    sums = ", ".join(f"SUM({c})" for c in (*COLUMNS, "n"))
    sql = (
        f"WITH v (town_key, division_key, tier, {', '.join(COLUMNS)}, n) AS ({inner}) "
        f"SELECT 'county', CAST(NULL AS BIGINT), CAST(NULL AS TEXT), {sums} FROM v "
        f"UNION ALL SELECT 'town', town_key, NULL, {sums} FROM v GROUP BY town_key "
        f"UNION ALL SELECT 'industry', division_key, NULL, {sums} FROM v GROUP BY division_key "
        f"UNION ALL SELECT 'tier', NULL, tier, {sums} FROM v GROUP BY tier"
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


def _dashboard_summary(period, ids, user):
    """`dashboard_totals` for the whole county from OutputSummary: one query for the four groupings'
    rows (read as the UNION ALL statement reads its sums: a raw cursor, `_summed`)."""
    from .models import OutputSummary

    qs = OutputSummary.objects.filter(period=period, indicator_id__in=ids.values(), n__gt=0,
                                      grain__in=("county", "town", "industry", "tier"))
    sql, params = qs.values_list("grain", "key", *COLUMNS, "n").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    groups = {"county": {}, "town": {}, "industry": {}, "tier": {}}
    for by, cell, *values, n in fetched:
        group = SUMMARY_GRAINS[by](cell) if SUMMARY_GRAINS[by] else None
        figures = Figures(*(_summed(v) for v in values))
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


def scope_word(user=None):
    """全市 / 全县 / 全区 for the county (its name's last character); the town's name for a town officer."""
    code, name = county_label(user)
    if user is None or get_access(user).sees_all:
        return "全" + (name[-1] if name and name[-1] in "市县区旗" else "县")
    return name


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


# ---------------------------------------------------------------- beside output: 产销率, 环比, 两年平均


def sell_through_pct(row, column="ytd"):
    """产销率 (%) = 工业销售产值 ÷ 工业总产值 × 100 of a Row, for `column` (month/ytd/month_ly/ytd_ly)."""
    sales, out = row.indicators.get("sales_value"), row.indicators.get("output_value")
    if sales is None or out is None:
        return None
    return pct(getattr(sales, column), getattr(out, column))


def sell_through_change_pp(row, column="ytd"):
    """Change of 产销率 against the same period last year, in percentage points (on unrounded
    ratios, then rounded half up); None when either year's output is zero."""
    sales, out = row.indicators.get("sales_value"), row.indicators.get("output_value")
    if sales is None or out is None:
        return None
    now, before = getattr(out, column), getattr(out, f"{column}_ly")
    if not now or not before:
        return None
    return round_half_up((getattr(sales, column) / now - getattr(sales, f"{column}_ly") / before) * 100)


def month_on_month(period, user=None, indicators=INDICATORS):
    """环比 (%) of the month value: Σ this month ÷ Σ previous period's month − 1 over the enterprises
    counted in both periods (the same set, like the comparable basis). The merged 1-2月 period is
    taken as its monthly average (÷ 2). None for the year's first period or a zero base.
    Returns {indicator: pct or None}."""
    previous = previous_in_year(period)
    if previous is None:
        return {code: None for code in indicators}
    both = counted_values(previous, indicators, user).values("enterprise_id")
    this = _month_sums(period, indicators, user, both)
    before_ids = counted_values(period, indicators, user).values("enterprise_id")
    before = _month_sums(previous, indicators, user, before_ids)
    months = Decimal(months_in_period(previous))
    return {code: growth_pct(this.get(code), before[code] / months if before.get(code) is not None else None)
            for code in indicators}


def _month_sums(period, indicators, user, enterprises):
    ids = indicator_ids(indicators)
    code_by_id = {v: k for k, v in ids.items()}
    qs = counted_values(period, indicators, user).filter(enterprise_id__in=enterprises)
    sums = qs.values("indicator_id").annotate(total=Sum("month")).order_by()
    return {code_by_id[r["indicator_id"]]: r["total"] for r in sums}


def two_year_average_pct(this, last):
    """两年平均增长 (%, geometric): √((1 + this year's growth) × (1 + last year's growth)) − 1, on
    unrounded ratios. `this` and `last` are (current, base) pairs — this year's figures against the
    same period of last year, and last year's (as counted then) against the year before. None when a
    base is zero or missing, or the product is not positive."""
    (now, base), (then, base_before) = this, last
    if not base or not base_before or now is None or then is None:
        return None
    product = (Decimal(now) / Decimal(base)) * (Decimal(then) / Decimal(base_before))
    if product <= 0:
        return None
    return round_half_up((product.sqrt() - 1) * 100)


def two_year_average(period, user=None, indicators=INDICATORS, whole=None):
    """{indicator: {"month": pct, "ytd": pct}} of the whole: this year's comparable growth combined
    with last year's (last year's list and returns, as counted then) — for years after a disrupted
    base year. `whole` is `county(period, user)` when the caller has it already."""
    this = (whole or county(period, user, indicators)).indicators
    last = county(same_period_last_year(period), user, indicators).indicators
    out = {}
    for code in indicators:
        t, lst = this.get(code, Figures()), last.get(code, Figures())
        out[code] = {column: two_year_average_pct((getattr(t, column), getattr(t, f"{column}_ly")),
                                                  (getattr(lst, column), getattr(lst, f"{column}_ly")))
                     for column in ("month", "ytd")}
    return out


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


@dataclass
class Coverage:
    """Who a figure set covers: `expected` — enterprises on the period's year list that owe the 产值
    return; `reported` — of them, those whose return is submitted or later; `counted` — of those,
    the ones whose output value is in the figures."""

    expected: int = 0
    reported: int = 0
    counted: int = 0

    @property
    def reported_pct(self):
        return pct(self.reported, self.expected)

    @property
    def counted_pct(self):
        return pct(self.counted, self.expected)

    @property
    def complete(self):
        return self.counted == self.expected

    @property
    def missing(self):
        return self.expected - self.counted

    def as_json(self):
        return {"expected": self.expected, "reported": self.reported, "counted": self.counted}


COVERAGE_KEYS = {"county": None, "town": "enterprise__town_id", "industry": "enterprise__division_id",
                 "tier": "tier", "group": "enterprise__groups"}


def coverage(period, user=None, by="county"):
    """Coverage of `period`'s figures: a Coverage for the county (by="county"), else
    {group key: Coverage} for the keys `totals(period, by)` gives its rows (town id, division id,
    tier code, group id). One query: the year's list in scope, each enterprise flagged reported /
    counted, counted per group."""
    if by not in COVERAGE_KEYS:
        raise ValueError(f"unknown grouping {by!r}")
    year = year_of(period)
    returns = Return.objects.filter(enterprise_id=OuterRef("enterprise_id"), form_id=output_form_id(),
                                    period=period, status__in=Return.COUNTED)
    values = counted_values(period, ("output_value",)).filter(enterprise_id=OuterRef("enterprise_id"))
    qs = ListYear.objects.filter(Q(year=year), scope_q(user)).annotate(
        is_reported=Exists(returns), is_counted=Exists(values))
    key = COVERAGE_KEYS[by]
    if by == "tier":
        qs = qs.annotate(tier=tier_expression(period))
    if by == "group":
        qs = qs.filter(enterprise__groups__isnull=False)
    counts = {"expected": Count("id"), "reported": Count("id", filter=Q(is_reported=True)),
              "counted": Count("id", filter=Q(is_counted=True))}
    if key is None:
        return Coverage(**qs.aggregate(**counts))
    return {r[key]: Coverage(r["expected"], r["reported"], r["counted"])
            for r in qs.values(key).annotate(**counts).order_by()}


def uncounted_previous_ytd(period, user=None):
    """(previous period, Σ of its 1-本月 output) of the listed enterprises not counted in `period` —
    how much of last month's total the missing returns held; None for the year's first period."""
    previous = previous_in_year(period)
    if previous is None:
        return None
    counted_now = counted_values(period, ("output_value",), user).values("enterprise_id")
    total = (counted_values(previous, ("output_value",), user).filter(on_list(year_of(period)))
             .exclude(enterprise_id__in=counted_now).aggregate(t=Sum("ytd"))["t"])
    return previous, total or ZERO


def total_coverage(by_group):
    """The whole's Coverage from a grouping that partitions it (tiers: every listed enterprise is in one)."""
    return Coverage(*(sum(getattr(c, k) for c in by_group.values()) for k in ("expected", "reported", "counted")))


def tier_members(period, user=None):
    """{tier code: enterprises on the year's list in the tier}, reported or not (the tier's size)."""
    return {code: c.expected for code, c in coverage(period, user, "tier").items()}


# ---------------------------------------------------------------- added value (comparable prices)


@dataclass
class AddedValue:
    """规上工业增加值 growth at comparable prices on the 单缩法, and the official figure if entered.

    Per industry division d of the counted returns (each on its current-price output):
      added value this year, deflated = output_d × rate_d(year) ÷ (PPI_d ÷ 100)
      added value last year           = output_ly_d × rate_d(year − 1)
    growth = Σ_d deflated ÷ Σ_d last year − 1 (1-本月 with the cumulative 1-本月 PPI, 本月 with the
    monthly PPI). rate = the division's 增加值率 (AddedValueRate), PPI = its producer price index
    (上年同期 = 100). A division with output but no PPI (or no rate) for the figure makes it not
    comparable: the estimate is None and `not_comparable_text` says what is missing — never a number
    labelled comparable-price. The official figure, when entered, takes precedence.
    """

    ytd_estimate_pct: Decimal | None
    month_estimate_pct: Decimal | None
    official_ytd_pct: Decimal | None = None
    official_month_pct: Decimal | None = None
    missing_divisions: list = field(default_factory=list)  # rows without a 1-本月 PPI
    missing_month_divisions: list = field(default_factory=list)  # rows without a 本月 PPI
    missing_rate_divisions: list = field(default_factory=list)  # rows without this or last year's rate

    @property
    def is_official(self):
        return self.official_ytd_pct is not None

    @property
    def comparable(self):
        """The 1-本月 estimate could be made (every division has its PPI and rates)."""
        return not (self.missing_divisions or self.missing_rate_divisions)

    @property
    def ytd_pct(self):
        return self.official_ytd_pct if self.is_official else self.ytd_estimate_pct

    @property
    def month_pct(self):
        if self.is_official and self.official_month_pct is not None:
            return self.official_month_pct
        return self.month_estimate_pct

    @property
    def not_comparable_text(self):
        """"不可比（缺少3个行业价格指数）" when the 1-本月 estimate is missing, else ""."""
        missing = []
        if self.missing_divisions:
            missing.append(f"{len(self.missing_divisions)}个行业价格指数")
        if self.missing_rate_divisions:
            missing.append(f"{len(self.missing_rate_divisions)}个行业增加值率")
        return f"不可比（缺少{'、'.join(missing)}）" if missing else ""


HUNDRED = Decimal(100)


def single_deflation(rows, indexes, rates, this_year, column="ytd"):
    """(Σ deflated added value, Σ last year's added value, rows without PPI, rows without rates)
    of division rows for one column ("ytd" with the 1-本月 PPI, "month" with the monthly PPI)."""
    current = base = ZERO
    no_index, no_rate = [], []
    for row in rows:
        f = row.output
        value, value_ly = getattr(f, column), getattr(f, f"{column}_ly")
        if not value and not value_ly:
            continue  # a division with nothing this year or last adds nothing and needs nothing
        month_index, ytd_index = indexes.get(row.key, (None, None))
        index = ytd_index if column == "ytd" else month_index
        rate, rate_ly = rates.get((row.key, this_year)), rates.get((row.key, this_year - 1))
        if not index:
            no_index.append(row)
        if rate is None or rate_ly is None:
            no_rate.append(row)
        if index and rate is not None and rate_ly is not None:
            current += value * rate / index  # (value × rate/100) ÷ (index/100)
            base += value_ly * rate_ly / HUNDRED
    return current, base, no_index, no_rate


def added_value(period, user=None):
    from .models import AddedValueRate, OfficialAddedValue, PriceIndex

    year = year_of(period)
    rows = totals(period, "industry", user, ("output_value",))
    indexes = {
        d: (m, y)
        for d, m, y in PriceIndex.objects.filter(period=period).values_list(
            "division_id", "month_index", "ytd_index"
        )
    }
    rates = {(d, y): r for d, y, r in AddedValueRate.objects.filter(year__in=(year, year - 1)).values_list(
        "division_id", "year", "rate_pct")}
    ytd, ytd_ly, no_ytd_index, no_rate = single_deflation(rows, indexes, rates, year, "ytd")
    month, month_ly, no_month_index, _ = single_deflation(rows, indexes, rates, year, "month")
    result = AddedValue(
        None if no_ytd_index or no_rate else growth_pct(ytd, ytd_ly),
        None if no_month_index or no_rate else growth_pct(month, month_ly),
        missing_divisions=no_ytd_index,
        missing_month_divisions=no_month_index,
        missing_rate_divisions=no_rate,
    )
    if user is None or get_access(user).sees_all:
        official = OfficialAddedValue.objects.filter(period=period).first()
        if official:
            result.official_ytd_pct = official.ytd_growth_pct
            result.official_month_pct = official.month_growth_pct
    return result


# ---------------------------------------------------------------- key products


PRODUCT_BASES = {"ytd": "1-本月", "month": "本月"}


def products_basis():
    """The basis of 产量增长: "ytd" (1-本月, the default) or "month" (本月), settings.PRODUCTS_BASIS."""
    from django.conf import settings

    return getattr(settings, "PRODUCTS_BASIS", "ytd")


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
    price_value: Decimal | None = None  # Σ 本月价格 × 本月产量 over lines priced both years
    price_value_ly: Decimal | None = None  # Σ 上年同月价格 × 本月产量 over the same lines
    basis: str = "ytd"

    @property
    def ytd_growth_pct(self):
        return growth_pct(self.ytd, self.ytd_ly)

    @property
    def month_growth_pct(self):
        return growth_pct(self.month, self.month_ly)

    @property
    def growth_pct(self):
        """产量增长 on the basis of the figures (1-本月 or 本月)."""
        return self.month_growth_pct if self.basis == "month" else self.ytd_growth_pct

    @property
    def price_growth_pct(self):
        """Price growth on the same weights for both years (this month's quantities):
        Σ price × qty ÷ Σ price_ly × qty − 1; the averages' ratio where no line has both."""
        if self.price_value is not None and self.price_value_ly:
            return growth_pct(self.price_value, self.price_value_ly)
        return growth_pct(self.price, self.price_ly)

    @property
    def has_data(self):
        """Some enterprise reported a quantity or a price of it, this year or last."""
        return bool(self.enterprises) and bool(self.month or self.ytd or self.month_ly or self.ytd_ly
                                               or self.price is not None or self.price_ly is not None)

    @property
    def output_up(self):
        if self.basis == "month":
            return self.month > self.month_ly
        return self.ytd > self.ytd_ly

    @property
    def price_up(self):
        growth = self.price_growth_pct
        if growth is not None and self.price_value is not None and self.price_value_ly:
            return self.price_value > self.price_value_ly
        return self.price is not None and self.price_ly is not None and self.price > self.price_ly


@dataclass
class ProductStats:
    """The monitored list of a period. Counts and shares are over the products with data (`with_data`
    is the denominator, said beside every share); `total` is the length of the list."""

    period: str
    rows: list
    basis: str = "ytd"

    @property
    def total(self):
        return len(self.rows)

    @property
    def with_data(self):
        return sum(1 for r in self.rows if r.has_data)

    @property
    def basis_label(self):
        return PRODUCT_BASES[self.basis]

    @property
    def output_up(self):
        return sum(1 for r in self.rows if r.has_data and r.output_up)

    @property
    def price_up(self):
        return sum(1 for r in self.rows if r.has_data and r.price_up)

    @property
    def output_up_share_pct(self):
        return pct(self.output_up, self.with_data)

    @property
    def price_up_share_pct(self):
        return pct(self.price_up, self.with_data)


def weighted_price(weighted_sum, weight, plain_mean):
    """Σ(price × qty) ÷ Σ qty; the plain mean of the prices where the weights sum to zero."""
    if weight:
        return weighted_sum / weight
    return plain_mean


def products(period, user=None, basis=None):
    """Key-product statistics of `period` over the year's monitored list (all of it, in code order).

    From counted 产值 returns of listed enterprises: Σ of the four quantity columns; the average
    price = Σ(price × 本月产量) ÷ Σ 本月产量 over lines with a price (price_ly likewise with 上年同月产量),
    a plain mean of the prices where those weights sum to zero. Price growth is on the same weights
    for both years: Σ(price × 本月产量) ÷ Σ(price_ly × 本月产量) over the lines priced both years.
    产量增长 is on `basis` ("ytd" 1-本月, the default from settings, or "month" 本月). Counts and
    shares are over the products with data. For a town officer the list is the monitored products
    made in their town (shares of the county list would mislead).
    """
    basis = basis or products_basis()
    year = year_of(period)
    monitored = MonitoredProduct.objects.filter(year=year).select_related("product").order_by("product__code")
    rows = {m.product_id: ProductRow(m.product.code, m.product.name, m.product.unit, basis=basis)
            for m in monitored}
    amount = DecimalField(max_digits=40, decimal_places=8)

    def total(column, **extra):
        return Coalesce(Sum(column, **extra), Value(ZERO), output_field=amount)

    town_filter = rollup_scope(user)
    qs = (_product_rollups(period, rows, town_filter, total) if town_filter is not None
          else _product_lines(period, year, rows, user, total, amount))
    for rec in qs:
        row = rows[rec["product_id"]]
        row.enterprises = rec["n"]
        for c in COLUMNS:
            setattr(row, c, rec[c])
        mean = rec["mean"] / rec["priced"] if rec["priced"] else None
        mean_ly = rec["mean_ly"] / rec["priced_ly"] if rec["priced_ly"] else None
        row.price = weighted_price(rec["value"], rec["weight"], mean)
        row.price_ly = weighted_price(rec["value_ly"], rec["weight_ly"], mean_ly)
        row.price_value, row.price_value_ly = rec["same_value"], rec["same_value_ly"]
    if user is not None and not get_access(user).sees_all:
        return ProductStats(period, [r for r in rows.values() if r.enterprises], basis)
    return ProductStats(period, list(rows.values()), basis)


def _product_lines(period, year, rows, user, total, amount):
    """The per-product sums of `products()` from the raw product lines."""
    priced, priced_ly = Q(price__isnull=False), Q(price_ly__isnull=False)
    both = priced & priced_ly & Q(qty_month__gt=0)
    return (
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
            same_value=Sum(F("price") * F("qty_month"), filter=both, output_field=amount),
            same_value_ly=Sum(F("price_ly") * F("qty_month"), filter=both, output_field=amount),
        )
        .order_by()
    )


def _product_rollups(period, rows, town_filter, total):
    """The per-product sums of `products()` from ProductRollup, or for the whole county from
    ProductSummary (the same records as `_product_lines`)."""
    from .models import ProductRollup, ProductSummary

    summed = ("month", "ytd", "month_ly", "ytd_ly", "value", "weight", "mean", "value_ly", "weight_ly", "mean_ly",
              "same_value", "same_value_ly")
    cells = ProductSummary.objects.all() if town_filter == Q() else ProductRollup.objects.filter(town_filter)
    qs = (cells.filter(period=period, product_id__in=rows, n__gt=0)
          .values("product_id")
          .annotate(**{c: total(c) for c in summed}, n=Sum("n"), priced=Sum("priced"), priced_ly=Sum("priced_ly"),
                    same_n=Sum("same_n"))
          .order_by())
    for rec in qs:
        if not rec["same_n"]:
            rec["same_value"] = rec["same_value_ly"] = None  # no line priced both years: as Sum over none
        yield rec


# ---------------------------------------------------------------- guidance plans


AHEAD, ON_SCHEDULE, BEHIND = "ahead", "on_schedule", "behind"
POSITION_NAMES = {AHEAD: "超过时间进度", ON_SCHEDULE: "持平于时间进度", BEHIND: "落后于时间进度"}


@dataclass
class PlanRow:
    """A town's plan. Ahead / on schedule / behind is decided on the unrounded values
    (1-本月 × 12 against target × months elapsed), never on the rounded percentages."""

    code: str
    name: str
    target: Decimal | None
    ytd: Decimal
    ytd_ly: Decimal
    time_progress_pct: Decimal
    rank: int | None = None
    months: int | None = None  # months elapsed (the period's month); None → from time_progress_pct

    @property
    def completion_pct(self):
        return pct(self.ytd, self.target)

    @property
    def ytd_growth_pct(self):
        return growth_pct(self.ytd, self.ytd_ly)

    @property
    def gap(self):
        """Unrounded completion minus time progress, in percentage points (negative = behind)."""
        if not self.target:
            return None
        progress = Decimal(self.months) * 100 / 12 if self.months is not None else self.time_progress_pct
        return Decimal(self.ytd) * 100 / Decimal(self.target) - progress

    @property
    def gap_pp(self):
        """Completion minus time progress, percentage points, one decimal half-up (negative = behind;
        a gap that rounds to zero is 0.0, never -0.0 — the position still says which side it is)."""
        gap = round_half_up(self.gap)
        return None if gap is None else gap if gap != 0 else abs(gap)

    @property
    def position(self):
        """AHEAD / ON_SCHEDULE / BEHIND, or None without a target."""
        gap = self.gap
        if gap is None:
            return None
        return AHEAD if gap > 0 else ON_SCHEDULE if gap == 0 else BEHIND

    @property
    def position_name(self):
        return POSITION_NAMES.get(self.position, "—")

    @property
    def ahead(self):
        """Not behind the schedule (ahead of it or exactly on it); None without a target."""
        position = self.position
        return None if position is None else position != BEHIND


def furthest_behind_first(rows):
    """The rows behind schedule, the largest gap first (ties by code)."""
    return sorted((r for r in rows if r.position == BEHIND), key=lambda r: (r.gap, r.code))


def furthest_ahead_first(rows):
    """The rows ahead of schedule, the largest lead first (ties by code)."""
    return sorted((r for r in rows if r.position == AHEAD), key=lambda r: (-r.gap, r.code))


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

    completion = 1-本月 ÷ yearly target; time progress = months elapsed ÷ 12; a town is ahead,
    on schedule or behind by the unrounded values (PlanRow.position). Ranked by the unrounded
    completion (towns without a target last).
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
    progress, months = time_progress_pct(period), split(period)[1]
    rows = [
        PlanRow(code, name, targets.get(pk), *actual.get(code, actual.get(name, (ZERO, ZERO))), progress,
                months=months)
        for pk, code, name in towns
    ]
    ranked = sorted((r for r in rows if r.target), key=lambda r: (-r.gap, r.code))
    for rank, row in enumerate(ranked, start=1):
        row.rank = rank
    return ranked + [r for r in rows if not r.target]


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
        return qs.filter(enterprise__groups__pk=bounds.pk(code)) if bounds.pk(code) is not None else qs.none()
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
        return (EnterpriseGroup.objects.filter(pk=bounds.pk(code)).values_list("name", flat=True).first()
                if bounds.pk(code) is not None else None)
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
    if by == "group" and bounds.pk(code) is None:
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
