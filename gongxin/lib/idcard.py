"""公民身份号码 (GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit sequence, check character.

Check character: Σ(aᵢ × Wᵢ) mod 11 over the first 17 digits with Wᵢ = 2^(17−i) mod 11, mapped through
"10X98765432". Only 18-character numbers are accepted (15-digit numbers were withdrawn in 2013).
"""

import datetime as dt

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
CHECK_CHARS = "10X98765432"
# First two digits of the address code: the province-level divisions of GB/T 2260 (incl. 71 台湾, 81/82).
PROVINCE_PREFIXES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
}


class IDNumberError(ValueError):
    """A number that fails GB 11643; the message is for the user (Chinese)."""


def normalize(number):
    return (number or "").strip().upper().replace(" ", "")


def check_char(first17):
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def validate_id_number(number, today=None):
    """The normalised number, or IDNumberError with a clear Chinese message."""
    number = normalize(number)
    if len(number) != 18:
        raise IDNumberError(f"身份证号码应为18位，实为{len(number)}位")
    if not (number[:17].isascii() and number[:17].isdecimal()) or number[17] not in "0123456789X":
        raise IDNumberError("身份证号码前17位应为数字，第18位为数字或X")
    if number[:2] not in PROVINCE_PREFIXES:
        raise IDNumberError(f"身份证号码前两位“{number[:2]}”不是有效的省级行政区划代码")
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as e:
        raise IDNumberError(f"身份证号码中的出生日期“{number[6:14]}”无效") from e
    if born < dt.date(1900, 1, 1) or born > (today or dt.date.today()):
        raise IDNumberError(f"身份证号码中的出生日期“{number[6:14]}”超出合理范围")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise IDNumberError(f"身份证号码校验位错误（第18位应为{expected}），请核对")
    return number


def is_valid_id_number(number):
    try:
        validate_id_number(number)
    except IDNumberError:
        return False
    return True


def make_id_number(region="370481", born="19800101", sequence=1):
    """A valid number for tests and demo data (sequence 1-999; odd = male, even = female)."""
    first17 = f"{region}{born}{sequence:03d}"
    return first17 + check_char(first17)
