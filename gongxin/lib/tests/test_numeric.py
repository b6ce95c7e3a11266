from decimal import Decimal

import pytest

from gongxin.lib.numeric import (
    fmt_decimal,
    fmt_growth,
    fmt_pct,
    growth_pct,
    pct,
    qian_to_wan,
    qian_to_yi,
    round_half_up,
    to_decimal,
)


@pytest.mark.parametrize(("part", "whole", "expected"), [(43, 71, "60.6"), (46, 71, "64.8"), (1, 3, "33.3")])
def test_pct_of_the_reference_county(part, whole, expected):
    assert pct(part, whole) == Decimal(expected)


def test_half_up_not_half_even():
    assert round_half_up(Decimal("0.05")) == Decimal("0.1")
    assert round_half_up(Decimal("0.25")) == Decimal("0.3")
    assert round_half_up(Decimal("-0.05")) == Decimal("-0.1")
    assert round(0.25, 1) == 0.2  # what Python's round() would have given


@pytest.mark.parametrize("base", [0, None, Decimal("0")])
def test_growth_is_none_on_zero_or_missing_base(base):
    assert growth_pct(Decimal("10"), base) is None
    assert pct(5, base) is None


def test_growth_pct_half_up():
    assert growth_pct(Decimal("1238"), Decimal("1000")) == Decimal("23.8")
    assert growth_pct(Decimal("947"), Decimal("1000")) == Decimal("-5.3")
    assert growth_pct(Decimal("10005"), Decimal("10000")) == Decimal("0.1")  # 0.05 → 0.1
    assert growth_pct(None, Decimal("10")) is None


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("23.8"), "增长23.8%"),
    (Decimal("-5.3"), "下降5.3%"),
    (Decimal("0"), "持平"),
    (Decimal("120"), "增长1.2倍"),
    (Decimal("100"), "增长100.0%"),
    (None, "—"),
])
def test_fmt_growth(value, text):
    assert fmt_growth(value) == text


def test_fmt_pct_and_decimal():
    assert fmt_pct(Decimal("60.6")) == "60.6%"
    assert fmt_pct(None) == "—"
    assert fmt_decimal(Decimal("1234567.891"), 2) == "1,234,567.89"
    assert fmt_decimal(None) == "—"


def test_money_units():
    assert qian_to_yi(Decimal("7000000")) == Decimal("70.0")
    assert qian_to_yi(Decimal("18395000")) == Decimal("184.0")  # 183.95 rounds half up
    assert qian_to_wan(Decimal("4500000")) == Decimal("450000.0")
    assert qian_to_yi(None) is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("1,234.5", Decimal("1234.5")), ("１２", Decimal("12")), (" 7 ", Decimal("7")), (0.1, Decimal("0.1")),
    (3, Decimal("3")), ("", None), (None, None), ("1，000", Decimal("1000")),
])
def test_to_decimal(raw, expected):
    # Full-width digits typed with a Chinese input method are numbers too.
    assert to_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "nan", "inf", True])
def test_to_decimal_refuses_non_numbers(raw):
    with pytest.raises(ValueError):
        to_decimal(raw)
