from decimal import Decimal

from django import template

from gongxin.lib.numeric import TWO_DP, fmt_decimal, fmt_growth, round_half_up

from ..stats import wan_to_yi

register = template.Library()


@register.filter
def yi(amount_wan):
    """万元 → "19.2" (亿元, one decimal)."""
    value = wan_to_yi(amount_wan)
    return "—" if value is None else fmt_decimal(value)


@register.filter
def yi2(amount_wan):
    """万元 → 亿元 with two decimals (small town figures would all read 0.0)."""
    if amount_wan is None:
        return "—"
    return fmt_decimal(round_half_up(Decimal(amount_wan) / 10000, TWO_DP))


@register.filter
def wan(amount):
    """万元 with thousands separators and two decimals; None → "—"."""
    return fmt_decimal(amount, 2)


@register.filter
def growth(value):
    return fmt_growth(value)


@register.filter
def growth_class(value):
    if value is None or value == 0:
        return ""
    return "growth-up" if value > 0 else "growth-down"


ACTIONS = {"stage": "阶段变更", "investment": "填报完成投资", "document": "上传文件", "fund_review": "资金审核",
           "fund_approve": "资金批准", "fund_reject": "资金驳回", "fund_disburse": "资金拨付"}


@register.filter
def action_label(action):
    from gongxin.accounts.audit import ACTION_LABELS

    return ACTIONS.get(action) or ACTION_LABELS.get(action, action)
