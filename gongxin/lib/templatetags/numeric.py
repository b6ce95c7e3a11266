"""The display filters of every page (`{% load numeric %}`): money named by its units, growth, percentages.

Money filters say what they take and what they show: `qianyuan_to_yi` takes 千元 (what forms report)
and shows 亿元; `wanyuan` takes 万元 and shows 万元. The arithmetic and rounding are lib/numeric.py's.
None or "" shows "—".
"""

from decimal import Decimal

from django import template

from gongxin.lib import numeric

register = template.Library()


def _blank(value):
    return value is None or value == ""


@register.filter
def qianyuan_to_yi(amount_qian):
    """千元 → 亿元, one decimal: 7,000,000 → "70.0"."""
    return "—" if _blank(amount_qian) else numeric.fmt_decimal(numeric.qian_to_yi(amount_qian))


@register.filter
def qianyuan_to_wan(amount_qian):
    """千元 → 万元, one decimal, thousands separators: 12,345 → "1,234.5"."""
    return "—" if _blank(amount_qian) else numeric.fmt_decimal(numeric.qian_to_wan(amount_qian))


@register.filter
def wanyuan(amount_wan, places=2):
    """An amount in 万元, shown in 万元 with thousands separators (two decimals; `wanyuan:1` for one)."""
    return "—" if _blank(amount_wan) else numeric.fmt_decimal(amount_wan, int(places))


@register.filter
def wan_to_yi(amount_wan, places=1):
    """万元 → 亿元: 192,000 → "19.2" (`wan_to_yi:2` for two decimals, where small figures would read 0.0)."""
    if _blank(amount_wan):
        return "—"
    return numeric.fmt_decimal(numeric.wan_to_yi(amount_wan, Decimal(1).scaleb(-int(places))))


@register.filter
def growth(value):
    """A growth percentage in Chinese: 增长23.8% / 下降5.3% / 持平 / 增长1.2倍 / —."""
    return "—" if _blank(value) else numeric.fmt_growth(value)


@register.filter
def pctv(value):
    """A share in percent, one decimal."""
    return "—" if value == "" else numeric.fmt_pct(value)


@register.filter
def signed(value):
    """Percentage points or a percentage with its sign: "+1.2" / "-0.3" / "—"."""
    if _blank(value):
        return "—"
    return f"+{value}" if Decimal(value) > 0 else f"{value}"


@register.filter
def trend(value):
    """CSS class for a change: red up, green down (Chinese convention); "" for none or zero."""
    if _blank(value) or Decimal(value) == 0:
        return ""
    return "growth-up" if Decimal(value) > 0 else "growth-down"


@register.filter
def absval(value):
    if _blank(value):
        return "—"
    return abs(Decimal(value))
