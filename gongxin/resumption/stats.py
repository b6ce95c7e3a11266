"""Resumption figures: every number the dashboard, the command, the export and the brief show.

Rules (docs/resumption.md says the same for users):

- The status of an enterprise in an event **as of day D** is its latest `StatusEntry` with
  `effective_on` ≤ D (two entries on one day: the later record). Nothing is stored per day.
- The denominator is the enterprises on D's year 规上 list (`Enterprise.objects.on_list(year)`),
  scoped to what the user sees.
- An enterprise with no entry yet counts as the event's `Rules.no_entry_status` (停产 for the 2022
  epidemic: during the temporary control every enterprise stopped unless it registered otherwise);
  before the event started it counts as 未受影响.
- `resumed` = 全面复工 + 部分复工 (+ 未受影响 when `Rules.unaffected_counts_as_resumed`, on by default:
  enterprises that kept producing under closed-loop management are working); `stopped` = the
  listed enterprises not resumed; `rate_pct` = resumed ÷ enterprises, half-up to one decimal.
- 人员到岗率 = Σ workers back ÷ Σ usual workers, 产能利用率 = mean of the reported capacity %,
  with bands ≥90% / 80–90% / <80%; orders vs last year = Σ orders ÷ Σ last year's − 1 — over the
  resumed enterprises whose latest entry carries the figures.
- Tier is the statistics engine's (previous December's output, `analysis.stats.enterprise_tiers`).
- Output lost in a month (`cost`): per enterprise, its daily output — its own last-year month
  (上年同月 of this month's return, else last year's return) ÷ days in the month, or its last normal
  month before the event ÷ that month's days — × the days it did not work (a 部分复工 day counts
  1 − capacity%, or ½ when no capacity is reported). Its pull (拉动) on the county's growth is
  lost ÷ the county's last-year base × 100 (percentage points), with the county from the engine.
"""

import bisect
import calendar as _calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from gongxin.accounts.scoping import enterprise_q
from gongxin.analysis import stats as engine
from gongxin.emergencies.models import Event
from gongxin.lib import periods as P
from gongxin.lib.numeric import ZERO, fmt_decimal, growth_pct, pct, qian_to_wan, qian_to_yi, round_half_up
from gongxin.registry.models import Enterprise, Industry, Region
from gongxin.reporting.models import Return, ReturnValue

from .models import WORKING, Blocker, GridReading, Rules, Status, StatusEntry

GROUPINGS = ("county", "town", "industry", "tier")
ALL_TIERS = tuple(engine.TIER_NAMES)
HALF = Decimal("0.5")


# ---------------------------------------------------------------- events and rules


def rules_for(event):
    """The event's resumption rules (defaults the first time)."""
    rules = getattr(event, "_resumption_rules", None)
    if rules is None:
        rules, created = Rules.objects.get_or_create(event=event)
        if created:
            rules.refresh_from_db()  # the defaults as the database types them (Decimal)
        event._resumption_rules = rules
    return rules


def event_for(code=None, day=None):
    """The event named by `code`, else the one active on `day`, else the latest; None when there is none."""
    if code:
        return Event.objects.filter(code=code).first()
    if day is not None:
        found = Event.objects.active_on(day).order_by("-started_on").first()
        if found:
            return found
    return Event.objects.order_by("-started_on").first()


def event_in_period(period):
    """The most recently started event active on some day of `period`, or None."""
    first, last = month_days(period)
    return (Event.objects.filter(started_on__lte=last).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
            .order_by("-started_on").first())


def month_days(period):
    year, month = P.split(period)
    return dt.date(year, month, 1), dt.date(year, month, _calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------- the timeline


def listed(year, user=None):
    """Enterprises on `year`'s list that `user` sees (None → all)."""
    qs = Enterprise.objects.on_list(year)
    return qs if user is None else qs.filter(enterprise_q(user))


@dataclass
class Timeline:
    """Every entry of an event up to a day, per enterprise, in effective order."""

    event: Event
    rules: Rules
    days: dict = field(default_factory=dict)  # enterprise id → [effective_on, ...]
    entries: dict = field(default_factory=dict)  # enterprise id → [entry dict, ...]

    def entry_on(self, enterprise_id, day):
        """The latest entry effective on or before `day`, or None."""
        days = self.days.get(enterprise_id)
        if not days:
            return None
        i = bisect.bisect_right(days, day)
        return self.entries[enterprise_id][i - 1] if i else None

    def status_on(self, enterprise_id, day):
        """The status an enterprise counts as on `day` (the no-entry rule applied)."""
        entry = self.entry_on(enterprise_id, day)
        if entry is not None:
            return entry["status"]
        return Status.UNAFFECTED if day < self.event.started_on else self.rules.no_entry_status

    def is_resumed(self, status):
        return status in WORKING or (status == Status.UNAFFECTED and self.rules.unaffected_counts_as_resumed)


ENTRY_FIELDS = ("enterprise_id", "effective_on", "id", "status", "workers_back", "workers_usual", "capacity_pct",
                "orders", "orders_ly")


def timeline(event, upto, enterprise_ids=None):
    """The event's entries effective up to `upto`, for `enterprise_ids` (a queryset or list; None → all)."""
    qs = StatusEntry.objects.filter(event=event, effective_on__lte=upto)
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=enterprise_ids)
    tl = Timeline(event, rules_for(event))
    for row in qs.order_by("enterprise_id", "effective_on", "id").values(*ENTRY_FIELDS):
        tl.days.setdefault(row["enterprise_id"], []).append(row["effective_on"])
        tl.entries.setdefault(row["enterprise_id"], []).append(row)
    return tl


# ---------------------------------------------------------------- counts and metrics as of a day


@dataclass
class ResumptionRow:
    code: str
    name: str
    enterprises: int = 0
    full: int = 0
    partial: int = 0
    unaffected: int = 0
    no_entry: int = 0
    workers_back: int = 0
    workers_usual: int = 0
    capacity: list = field(default_factory=list)
    orders: Decimal = ZERO
    orders_ly: Decimal = ZERO
    resumed: int = 0
    key: object = None

    @property
    def stopped(self):
        """Listed enterprises not (yet) resumed."""
        return self.enterprises - self.resumed

    @property
    def rate_pct(self):
        return pct(self.resumed, self.enterprises)

    @property
    def attendance_pct(self):
        return pct(self.workers_back, self.workers_usual)

    @property
    def capacity_pct(self):
        if not self.capacity:
            return None
        return round_half_up(sum(self.capacity) / len(self.capacity))

    @property
    def capacity_bands(self):
        """(≥90%, 80–90%, <80%) counts of resumed enterprises reporting capacity."""
        high = sum(1 for c in self.capacity if c >= 90)
        mid = sum(1 for c in self.capacity if 80 <= c < 90)
        return high, mid, len(self.capacity) - high - mid

    @property
    def orders_growth_pct(self):
        return growth_pct(self.orders, self.orders_ly) if self.orders_ly else None

    def count(self, tl, status, entry):
        self.enterprises += 1
        if status == Status.FULL:
            self.full += 1
        elif status == Status.PARTIAL:
            self.partial += 1
        elif status == Status.UNAFFECTED:
            self.unaffected += 1
        if entry is None:
            self.no_entry += 1
        if not tl.is_resumed(status):
            return
        self.resumed += 1
        if entry is None:
            return
        if entry["workers_back"] is not None and entry["workers_usual"]:
            self.workers_back += entry["workers_back"]
            self.workers_usual += entry["workers_usual"]
        if entry["capacity_pct"] is not None:
            self.capacity.append(entry["capacity_pct"])
        if entry["orders"] is not None and entry["orders_ly"] is not None:
            self.orders += entry["orders"]
            self.orders_ly += entry["orders_ly"]

    def as_json(self):
        """The command's row: exactly these keys."""
        return {"code": self.code, "name": self.name, "enterprises": self.enterprises, "resumed": self.resumed,
                "rate_pct": engine.pct_text(self.rate_pct), "partial": self.partial, "stopped": self.stopped}


def _enterprises(year, user):
    """[(id, town id, division id)] of the listed enterprises the user sees."""
    return list(listed(year, user).values_list("id", "town_id", "division_id"))


def _group_of(by, town_id, division_id, tier):
    return {"county": None, "town": town_id, "industry": division_id, "tier": tier}[by]


def _labelled(by, rows, user):
    if by == "county":
        row = rows.get(None) or ResumptionRow("", "")
        row.code, row.name = engine.county_label(user)
        return [row]
    if by == "tier":
        out = []
        for code, name in engine.TIER_NAMES.items():
            if code == engine.UNTIERED and code not in rows:
                continue  # 未分档 is listed when it holds someone (as the engine lists it)
            row = rows.get(code) or ResumptionRow(code, name, key=code)
            row.code, row.name = code, name
            out.append(row)
        return out
    model = Region if by == "town" else Industry
    for pk, code, name in model.objects.filter(pk__in=list(rows)).values_list("pk", "code", "name"):
        rows[pk].code, rows[pk].name = str(code), name
    return sorted(rows.values(), key=lambda r: r.code)


def tiers(year, user=None):
    """{enterprise id: tier code} from the engine, for every listed enterprise."""
    return engine.enterprise_tiers(year, user, tiers=ALL_TIERS)


@dataclass
class Snapshot:
    """One read of the listed enterprises a user sees and of the event's timeline up to `upto`. A page
    asking several figures (the dashboard) passes one as `snap`; any day ≤ `upto` of that year is answered."""

    enterprises: list  # [(id, town id, division id)]
    tl: Timeline
    upto: dt.date

    def ids_not_resumed(self, day):
        return [eid for eid, _, _ in self.enterprises if not self.tl.is_resumed(self.tl.status_on(eid, day))]


def snapshot(event, upto, user=None):
    return Snapshot(_enterprises(upto.year, user), timeline(event, upto, listed(upto.year, user).values("id")), upto)


def _snap(snap, event, day, user):
    if snap is not None and snap.upto >= day and snap.upto.year == day.year and snap.tl.event.pk == event.pk:
        return snap
    return snapshot(event, day, user)


def as_of(event, day, by="county", user=None, snap=None):
    """[ResumptionRow] of `event` on `day` grouped `by` county / town / industry / tier."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    snap = _snap(snap, event, day, user)
    tl = snap.tl
    tier_of = tiers(day.year, user) if by == "tier" else {}
    rows = {}
    for eid, town_id, division_id in snap.enterprises:
        group = _group_of(by, town_id, division_id, tier_of.get(eid, engine.UNTIERED))
        row = rows.setdefault(group, ResumptionRow("", "", key=group))
        row.count(tl, tl.status_on(eid, day), tl.entry_on(eid, day))
    return _labelled(by, rows, user)


def county(event, day, user=None, snap=None):
    return as_of(event, day, "county", user, snap)[0]


def report(event, day, by="county", user=None):
    """The command's JSON (and the export's rows): {"date", "event", "rows": [...]}."""
    return {"date": day.isoformat(), "event": event.code, "rows": [r.as_json() for r in as_of(event, day, by, user)]}


def trend(event, start, end, user=None, snap=None):
    """Day by day from `start` to `end`: [{"day", "resumed", "enterprises", "rate_pct"}] (one read)."""
    snap = _snap(snap, event, end, user)
    enterprises, tl = [eid for eid, _, _ in snap.enterprises], snap.tl
    # A status changes only on an entry's day or the event's first day: sweep those, not every day.
    change = defaultdict(int)
    resumed = 0
    for eid in enterprises:
        was = tl.is_resumed(tl.status_on(eid, start))
        resumed += was
        for day in sorted({event.started_on, *tl.days.get(eid, ())}):
            if start < day <= end and (now := tl.is_resumed(tl.status_on(eid, day))) != was:
                change[day] += 1 if now else -1
                was = now
    out = []
    day = start
    while day <= end:
        resumed += change.get(day, 0)
        out.append({"day": day, "resumed": resumed, "enterprises": len(enterprises),
                    "rate_pct": pct(resumed, len(enterprises))})
        day += dt.timedelta(days=1)
    return out


def event_span(event, day=None):
    """(first, last) day of the event's dashboard trend: its start to its end (or `day`)."""
    end = event.ended_on or day or dt.date.today()
    if day is not None:
        end = min(end, day) if day >= event.started_on else end
    return event.started_on, end


def not_resumed(event, day, user=None, snap=None):
    """[(Enterprise, status, entry or None, [open Blocker])] of listed enterprises not resumed on `day`."""
    snap = _snap(snap, event, day, user)
    tl, ids = snap.tl, snap.ids_not_resumed(day)
    blockers = defaultdict(list)
    for b in open_blockers(event, day, ids):
        blockers[b.enterprise_id].append(b)
    enterprises = Enterprise.objects.filter(pk__in=ids).select_related("town").order_by("town__code", "uscc")
    return [(e, tl.status_on(e.id, day), tl.entry_on(e.id, day), blockers[e.id]) for e in enterprises]


def open_blockers(event, day, enterprise_ids):
    """Blockers of `enterprise_ids` open at the end of `day` (reported by then, not resolved by then)."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    if settings.USE_TZ:
        end = timezone.make_aware(end)
    return Blocker.objects.filter(event=event, enterprise_id__in=enterprise_ids, reported_at__lt=end).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))


def blocker_tally(event, day, user=None, snap=None):
    """[(category label, open blockers, enterprises)] of the enterprises not resumed on `day`, most first."""
    from django.db.models import Count

    ids = _snap(snap, event, day, user).ids_not_resumed(day)
    labels = dict(Blocker.Category.choices)
    rows = (open_blockers(event, day, ids).values("category")
            .annotate(n=Count("id"), e=Count("enterprise", distinct=True)).order_by("-e", "category"))
    return [(labels[r["category"]], r["n"], r["e"]) for r in rows]


# ---------------------------------------------------------------- output lost and its pull on growth


def _counted_output(filters):
    return ReturnValue.objects.filter(
        indicator_id=engine.indicator_ids(("output_value",))["output_value"],
        ret__form_id=engine.output_form_id(), ret__status__in=Return.COUNTED, **filters)


def period_span(period):
    """(first, last) calendar day a period's month value covers (a merged February holds January too)."""
    first, last = month_days(period)
    if P.split(period)[1] == 2 and not P.is_reported(P.shift(period, -1)):
        first = first.replace(month=1)
    return first, last


def _days_of(period):
    first, last = period_span(period)
    return (last - first).days + 1


def daily_bases(event, period, enterprise_ids):
    """{enterprise id: daily output (千元)} — own last-year month, else last normal month before the event."""
    days = Decimal(_days_of(period))
    bases = {}
    for eid, month_ly in _counted_output({"period": period, "ret__period": period,
                                          "enterprise_id__in": enterprise_ids}).values_list("enterprise_id",
                                                                                             "month_ly"):
        if month_ly:
            bases[eid] = month_ly / days
    last_year = P.same_period_last_year(period)
    missing = [e for e in enterprise_ids if e not in bases]
    for eid, month in _counted_output({"period": last_year, "ret__period": last_year,
                                       "enterprise_id__in": missing}).values_list("enterprise_id", "month"):
        if month:
            bases[eid] = month / days
    missing = [e for e in enterprise_ids if e not in bases]
    before = P.parse_period(event.started_on)
    normal = _counted_output({"period__lt": before, "ret__period__lt": before, "enterprise_id__in": missing,
                              "month__gt": 0})
    for eid, p, month in normal.order_by("enterprise_id", "-period").values_list("enterprise_id", "period", "month"):
        if eid not in bases:
            bases[eid] = month / Decimal(_days_of(p))
    return bases


@dataclass
class Cost:
    period: str
    event: Event
    lost: Decimal  # 千元, the month
    lost_ytd: Decimal  # 千元, the event's months of the year up to `period`
    stopped_days: Decimal  # enterprise-days not worked in the month
    enterprises: int  # enterprises with at least one day not worked
    without_base: int  # of them, with no base to estimate from
    county: engine.Row

    @property
    def pull_pp(self):
        """拉动 (pp): the month's lost output ÷ the county's 上年同月 × 100."""
        return engine.pull_pp(engine.Figures(month=self.lost), self.county.output, "month")

    @property
    def pull_ytd_pp(self):
        return engine.pull_pp(engine.Figures(ytd=self.lost_ytd), self.county.output, "ytd")

    @property
    def growth_without_pct(self):
        """The county's month growth had the stopped enterprises worked."""
        out = self.county.output
        return growth_pct(out.month + self.lost, out.month_ly)


def _month_loss(event, period, user):
    first, last = period_span(period)
    first, last = max(first, event.started_on), min(last, event.ended_on or last)
    year = P.split(period)[0]
    ids = [eid for eid, _, _ in _enterprises(year, user)]
    if first > last:
        return ZERO, ZERO, 0, 0
    tl = timeline(event, last, ids)
    lost_days = {}
    day = first
    while day <= last:
        for eid in ids:
            status = tl.status_on(eid, day)
            if status == Status.STOPPED:
                weight = Decimal(1)
            elif status == Status.PARTIAL:
                entry = tl.entry_on(eid, day)
                cap = entry["capacity_pct"] if entry else None
                weight = (100 - cap) / 100 if cap is not None else HALF
            else:
                continue
            lost_days[eid] = lost_days.get(eid, ZERO) + weight
        day += dt.timedelta(days=1)
    bases = daily_bases(event, period, list(lost_days))
    lost = sum((bases[e] * d for e, d in lost_days.items() if e in bases), ZERO)
    without = sum(1 for e in lost_days if e not in bases)
    return lost.quantize(Decimal("0.1")), sum(lost_days.values(), ZERO), len(lost_days), without


def cost(event, period, user=None):
    """What the stoppage cost the county's output in `period` (and the year to it), with its pull."""
    lost, days, n, without = _month_loss(event, period, user)
    lost_ytd = lost
    for earlier in P.periods_of_year(P.split(period)[0], upto=P.split(period)[1]):
        if earlier != period and period_span(earlier)[1] >= event.started_on:
            lost_ytd += _month_loss(event, earlier, user)[0]
    return Cost(period, event, lost, lost_ytd, days, n, without, engine.county(period, user, ("output_value",)))


def brief_day(event, period):
    """The day a period's brief reports resumption as of: the month's end (or the event's)."""
    last = month_days(period)[1]
    return min(last, event.ended_on) if event.ended_on else last


def amount_words(qian):
    """千元 → "12.2亿元" (from 1亿) or "3500.0万元", one decimal, half-up."""
    if qian >= 100_000:
        return f"{qian_to_yi(qian)}亿元"
    return f"{qian_to_wan(qian)}万元"


def brief_paragraph(period, user=None):
    """The brief's resumption paragraph for `period` (Chinese), or "" when no event is active in it."""
    event = event_in_period(period)
    if event is None:
        return ""
    day = brief_day(event, period)
    snap = snapshot(event, day, user)
    whole = county(event, day, user, snap)
    c = cost(event, period, user)
    scope = engine.scope_word(user)
    parts = [f"截至{day.month}月{day.day}日，{scope}{whole.enterprises}家规上工业企业中"
             f"已复工复产{whole.resumed}家，复工率{engine.pct_text(whole.rate_pct) or '—'}%"]
    if whole.partial:
        parts[-1] += f"（其中部分复工{whole.partial}家）"
    if whole.attendance_pct is not None:
        parts.append(f"复工企业人员到岗率{whole.attendance_pct}%")
    if whole.capacity_pct is not None:
        high, mid, _ = whole.capacity_bands
        parts.append(f"平均产能利用率{whole.capacity_pct}%，{high}家达到90%以上、{mid}家在80%-90%之间")
    text = f"{event.name}期间，" + "；".join(parts) + "。"
    tally = blocker_tally(event, day, user, snap)
    if whole.stopped:
        if tally:
            top = "、".join(f"{label}（{e}家）" for label, _, e in tally[:3])
            text += f"尚未复工的{whole.stopped}家企业反映的困难主要是{top}。"
        else:
            text += f"尚有{whole.stopped}家企业未复工。"
    if c.lost and c.pull_pp is not None:
        text += (f"经测算，停产及部分停产企业{P.label(period)}减少产值约{amount_words(c.lost)}，"
                 f"拉低{scope}规上工业总产值当月增速约"
                 f"{c.pull_pp}个百分点")
        if c.growth_without_pct is not None:
            text += f"（如正常生产，当月增速约为{c.growth_without_pct}%）"
        text += "。"
    return text


# ---------------------------------------------------------------- cross-checks (the scan in services writes them)


def december_baselines(day, enterprise_ids):
    """{enterprise id: last December's daily average electricity (千瓦时)}: the grid feed's December
    readings where there are any, else the December monthly return's 用电量 (万千瓦时) ÷ 31."""
    year = day.year - 1
    start, end = dt.date(year, 12, 1), dt.date(year, 12, 31)
    from django.db.models import Count, Sum

    out = {}
    for r in (GridReading.objects.filter(enterprise_id__in=enterprise_ids, day__range=(start, end))
              .values("enterprise_id").annotate(total=Sum("kwh"), n=Count("id")).order_by()):
        out[r["enterprise_id"]] = r["total"] / r["n"]
    december = f"{year}-12"
    missing = [e for e in enterprise_ids if e not in out]
    values = ReturnValue.objects.filter(
        indicator_id=engine.indicator_ids(("electricity",)).get("electricity"), period=december,
        ret__period=december, ret__form_id=engine.output_form_id(), ret__status__in=Return.COUNTED,
        enterprise_id__in=missing)
    for eid, month in values.values_list("enterprise_id", "month"):
        if month:
            out[eid] = month * 10000 / Decimal(31)
    return out


def grid_disagreements(event, day, user=None):
    """[(enterprise id, kind, key, detail)]: status against the last `grid_days` days of grid readings."""
    from .models import Flag

    tl = timeline(event, day, listed(day.year, user).values("id"))
    rules = tl.rules
    window = [day - dt.timedelta(days=i) for i in range(rules.grid_days)]
    readings = defaultdict(dict)
    for eid, d, kwh in GridReading.objects.filter(day__in=window).values_list("enterprise_id", "day", "kwh"):
        readings[eid][d] = kwh
    ids = [e for e in readings if len(readings[e]) == rules.grid_days]
    bases = december_baselines(day, ids)
    ratio = Decimal(rules.grid_threshold_pct) / 100
    out = []
    for eid in ids:
        if eid not in bases or eid not in {x for x, _, _ in _enterprises(day.year, user)}:
            continue
        limit = bases[eid] * ratio
        status = tl.status_on(eid, day)
        entry = tl.entry_on(eid, day)
        key = (entry["effective_on"] if entry else event.started_on).isoformat()
        values = [readings[eid][d] for d in sorted(window)]
        shown = "、".join(fmt_decimal(v, 0) for v in values)
        base = f"上年12月日均{fmt_decimal(bases[eid], 0)}千瓦时，阈值{rules.grid_threshold_pct}%即{fmt_decimal(limit, 0)}千瓦时"
        if status in WORKING and all(v < limit for v in values):
            out.append((eid, Flag.Kind.GRID_LOW, key,
                        f"自报{Status(status).label}（{key}起），但{window[-1]:%m-%d}至{day:%m-%d}日用电量{shown}千瓦时，"
                        f"均低于{base}"))
        elif status == Status.STOPPED and all(v >= limit for v in values):
            out.append((eid, Flag.Kind.GRID_HIGH, key,
                        f"自报停产，但{window[-1]:%m-%d}至{day:%m-%d}日用电量{shown}千瓦时，均超过{base}"))
    return out


def _month_values(period, code, ids):
    ind = engine.indicator_ids((code,)).get(code)
    qs = ReturnValue.objects.filter(indicator_id=ind, period=period, ret__period=period,
                                    ret__form_id=engine.output_form_id(), ret__status__in=Return.COUNTED,
                                    enterprise_id__in=ids)
    return {eid: (month, month_ly) for eid, month, month_ly in qs.values_list("enterprise_id", "month", "month_ly")}


def month_disagreements(event, period, user=None):
    """[(enterprise id, kind, key, detail)]: status over `period` against its monthly return."""
    from .models import Flag

    first, last = month_days(period)
    if event.started_on > last or (event.ended_on and event.ended_on < first):
        return []
    ids = [eid for eid, _, _ in _enterprises(P.split(period)[0], user)]
    tl = timeline(event, last, ids)
    span = (last - first).days + 1
    working = defaultdict(int)
    day = first
    while day <= last:
        for eid in ids:
            if tl.is_resumed(tl.status_on(eid, day)):
                working[eid] += 1
        day += dt.timedelta(days=1)
    rules = tl.rules
    output = _month_values(period, "output_value", ids)
    electricity = _month_values(period, "electricity", ids)
    december = _month_values(f"{P.split(period)[0] - 1}-12", "electricity", ids)
    out = []
    label = P.label(period)
    for eid in ids:
        worked = working.get(eid, 0)
        month, month_ly = output.get(eid, (None, None))
        if worked * 2 >= span and month is not None and month_ly:
            limit = month_ly * Decimal(rules.output_threshold_pct) / 100
            if month < limit:
                out.append((eid, Flag.Kind.MONTH_OUTPUT_LOW, period,
                            f"{label}复工（生产）{worked}天，但月报工业总产值{fmt_decimal(month)}千元，低于上年同月{fmt_decimal(month_ly)}千元的"
                            f"{rules.output_threshold_pct}%"))
        if worked == 0 and tl.status_on(eid, last) == Status.STOPPED and month:
            out.append((eid, Flag.Kind.MONTH_OUTPUT_STOPPED, period,
                        f"{label}全月自报停产，但月报工业总产值{fmt_decimal(month)}千元"))
        kwh, _ = electricity.get(eid, (None, None))
        dec, _ = december.get(eid, (None, None))
        if worked * 2 >= span and kwh is not None and dec:
            limit = dec * Decimal(rules.grid_threshold_pct) / 100
            if kwh < limit:
                out.append((eid, Flag.Kind.MONTH_ELECTRICITY, period,
                            f"{label}复工（生产）{worked}天，但月报用电量{fmt_decimal(kwh)}万千瓦时，低于上年12月{fmt_decimal(dec)}万千瓦时的"
                            f"{rules.grid_threshold_pct}%"))
    return out
