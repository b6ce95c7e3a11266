"""How figures are said in Chinese: growth, percentage points, coverage, counts with measure words.

One module so that the brief, the dashboards and the exports say a figure the same way. Rules
(DESIGN.md "Domain rules"): growth over 100% is "增长1.2倍", a fall "下降5.3%", zero "持平", no base
"—"; products are counted in 种 ("43种…46种"), enterprises in 家, towns and projects in 个.
"""

from decimal import Decimal

from .numeric import fmt_growth, pct, round_half_up

UNIT_ENTERPRISE, UNIT_PRODUCT, UNIT_COUNT = "家", "种", "个"


def number(value):
    """A percentage or an amount with one decimal, half up ("86.9"); None → "—"."""
    return "—" if value is None else format(round_half_up(value), "f")


def growth(value):
    """增长23.8% / 下降5.3% / 持平 / 增长1.2倍 / — (no base)."""
    return fmt_growth(value)


def yoy(value):
    """同比增长23.8% / 同比下降5.3% / 同比持平 / 同比增长1.2倍 / 同比增速— (no base)."""
    text = fmt_growth(value)
    return "同比增速—" if text == "—" else f"同比{text}"


def mom(value):
    """环比增长3.1% / 环比下降2.0% / 环比持平 / 环比增速— (no previous month)."""
    text = fmt_growth(value)
    return "环比增速—" if text == "—" else f"环比{text}"


def pp_change(value):
    """A change in percentage points: 提高1.2个百分点 / 下降0.4个百分点 / 持平 / —."""
    if value is None:
        return "—"
    value = round_half_up(value)
    if value == 0:
        return "持平"
    return f"{'提高' if value > 0 else '下降'}{abs(value)}个百分点"


def count(n, unit=UNIT_COUNT):
    """43种 / 312家 / 12个."""
    return f"{n}{unit}"


def share(part, whole):
    """part ÷ whole as "60.6%" (one decimal, half up); "—" without a whole."""
    value = pct(part, whole)
    return "—" if value is None else f"{value}%"


def coverage(cov):
    """The coverage of a figure set in a headline: "已报送271家，占应报312家的86.9%"; with
    "，计入N家" when fewer are counted than reported; "应报0家" when nobody owes the return."""
    if not cov.expected:
        return "应报0家"
    text = f"已报送{cov.reported}家，占应报{cov.expected}家的{share(cov.reported, cov.expected)}"
    if cov.counted != cov.reported:
        text += f"，计入{cov.counted}家"
    return text


def names(items, limit=5):
    """"羊庄镇、南沙河镇、龙泉街道等" — the first `limit` names, with 等 when there are more."""
    items = list(items)
    return "、".join(items[:limit]) + ("等" if len(items) > limit else "")


def money_wan(amount):
    """万元 amount for text: 4500.00 → "4500万元", 1234.5 → "1234.5万元"."""
    amount = Decimal(amount)
    return f"{amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount.normalize()}万元"
