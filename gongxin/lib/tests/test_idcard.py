import datetime as dt

import pytest

from gongxin.lib.idcard import (
    IDNumberError,
    check_char,
    is_valid_id_number,
    make_id_number,
    validate_id_number,
)


def test_published_example_number_passes():
    # The example of GB 11643-1999 appendix: 11010519491231002X.
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


def test_check_digit_is_computed_per_the_standard():
    assert check_char("11010519491231002") == "X"
    assert check_char("44052418800101001") == "4"
    assert is_valid_id_number("44052419800101001" + check_char("44052419800101001"))


def test_wrong_check_digit_is_refused_with_the_expected_character():
    with pytest.raises(IDNumberError, match="校验位错误（第18位应为X）"):
        validate_id_number("110105194912310021")


@pytest.mark.parametrize("number,message", [
    ("11010519491231002", "应为18位"),
    ("1101051949123100AX", "前17位应为数字"),
    ("99010519491231002X", "省级行政区划代码"),
    ("110105194902300021", "出生日期"),
    ("110105189912310021", "合理范围"),
])
def test_malformed_numbers_are_refused(number, message):
    with pytest.raises(IDNumberError, match=message):
        validate_id_number(number)


def test_birth_date_in_the_future_is_refused():
    number = make_id_number(born="20300101")
    with pytest.raises(IDNumberError, match="合理范围"):
        validate_id_number(number, today=dt.date(2026, 12, 1))


def test_made_numbers_are_valid():
    assert all(is_valid_id_number(make_id_number(sequence=s)) for s in range(1, 60))
