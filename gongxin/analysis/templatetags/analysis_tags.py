"""Display filters for analysis pages: 亿元/万元, growth in Chinese, up/down colours."""

from decimal import Decimal

from django import template

from gongxin.lib.numeric import fmt_decimal, fmt_growth, fmt_pct, qian_to_wan, qian_to_yi

register = template.Library()


@register.filter
def yi(value):
    """千元 → "70.0" (亿元)."""
    if value in (None, ""):
        return "—"
    return fmt_decimal(qian_to_yi(value))


@register.filter
def wan(value):
    """千元 → "1,234.5" (万元)."""
    if value in (None, ""):
        return "—"
    return fmt_decimal(qian_to_wan(value))


@register.filter
def wan_raw(value):
    """An amount already in 万元, one decimal."""
    if value in (None, ""):
        return "—"
    return fmt_decimal(value, 1)


@register.filter
def growth(value):
    if value == "":
        return "—"
    return fmt_growth(value)


@register.filter
def pctv(value):
    if value == "":
        return "—"
    return fmt_pct(value)


@register.filter
def signed(value):
    """Percentage points or a percentage with its sign: "+1.2" / "-0.3" / "—"."""
    if value in (None, ""):
        return "—"
    return f"+{value}" if Decimal(value) > 0 else f"{value}"


@register.filter
def trend(value):
    """CSS class for a change: red up, green down (Chinese convention)."""
    if value in (None, "") or Decimal(value) == 0:
        return ""
    return "growth-up" if Decimal(value) > 0 else "growth-down"


@register.filter
def absval(value):
    if value in (None, ""):
        return "—"
    return abs(Decimal(value))
