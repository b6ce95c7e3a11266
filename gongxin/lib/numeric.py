"""Decimal arithmetic and Chinese formatting for money and percentages (DESIGN.md Domain rules)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
ONE_DP = Decimal("0.1")
TWO_DP = Decimal("0.01")


def to_decimal(value):
    """Decimal from user/file input; None for blanks; ValueError for anything not a number."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"“{value}”不是数字")
        return value
    if isinstance(value, bool):
        raise ValueError("不是数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"“{value}”不是数字")
        return Decimal(repr(value))
    text = str(value).strip().replace(",", "").replace("，", "")
    if text == "":
        return None
    try:
        result = Decimal(text)
    except InvalidOperation as e:
        raise ValueError(f"“{value}”不是数字") from e
    if not result.is_finite():
        raise ValueError(f"“{value}”不是数字")
    return result


def round_half_up(value, places=ONE_DP):
    if value is None:
        return None
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def pct(part, whole):
    """part ÷ whole in percent, half-up to one decimal; None when whole is zero or missing."""
    if part is None or not whole:
        return None
    return round_half_up(Decimal(part) * 100 / Decimal(whole))


def growth_pct(current, base):
    """(current ÷ base − 1) in percent, half-up to one decimal; None when the base is zero/missing."""
    if current is None or not base:
        return None
    return round_half_up((Decimal(current) / Decimal(base) - 1) * 100)


def fmt_pct(value):
    """12.3 → "12.3%"; None → "—"."""
    return "—" if value is None else f"{value}%"


def fmt_growth(value):
    """Growth in Chinese: 增长23.8% / 下降5.3% / 持平 / 增长1.2倍 / —."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == 0:
        return "持平"
    if value < 0:
        return f"下降{round_half_up(-value)}%"
    if value > 100:
        return f"增长{round_half_up(value / 100, ONE_DP)}倍"
    return f"增长{round_half_up(value)}%"


def qian_to_yi(amount_qian):
    """千元 → 亿元 (1亿 = 100,000千元), one decimal, half-up."""
    if amount_qian is None:
        return None
    return round_half_up(Decimal(amount_qian) / Decimal(100000))


def qian_to_wan(amount_qian, places=ONE_DP):
    """千元 → 万元 (1万 = 10千元)."""
    if amount_qian is None:
        return None
    return round_half_up(Decimal(amount_qian) / Decimal(10), places)


def wan_to_yi(amount_wan, places=ONE_DP):
    """万元 → 亿元 (1亿 = 10,000万元), one decimal unless told, half-up (192,000万元 → 19.2)."""
    if amount_wan is None:
        return None
    return round_half_up(Decimal(amount_wan) / Decimal(10000), places)


def fmt_decimal(value, places=None):
    """A decimal for display with thousands separators; None → "—"."""
    if value is None:
        return "—"
    value = Decimal(value)
    if places is not None:
        value = round_half_up(value, Decimal(1).scaleb(-places))
    text = f"{value:,f}"
    return text
