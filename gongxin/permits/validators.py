"""Plates (GB 36581 / GA 36): province abbreviation + issuing-office letter + 5 characters, or 6 for
new-energy plates (D/F first for small vehicles, last for large ones); trailers end in 挂."""

import re

from django.core.exceptions import ValidationError

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_L = "A-HJ-NP-Z"  # letters without I and O
PLATE_RE = re.compile(
    rf"^[{PROVINCES}][{_L}]"
    rf"(?:[{_L}0-9]{{4}}[{_L}0-9挂学警]"  # ordinary: 5 characters
    rf"|[DF][{_L}0-9][0-9]{{4}}"  # new energy, small: D/F + 5
    rf"|[0-9]{{5}}[DF])$"  # new energy, large: 5 digits + D/F
)


def normalize_plate(text):
    return (text or "").strip().upper().replace(" ", "").replace("·", "").replace("-", "")


def validate_plate(text):
    plate = normalize_plate(text)
    if not plate:
        raise ValidationError("请填写车牌号")
    if plate[0] not in PROVINCES:
        raise ValidationError(f"车牌号应以省份简称开头（如鲁D12345），“{plate[0]}”不是省份简称")
    if not PLATE_RE.match(plate):
        raise ValidationError(f"车牌号“{plate}”格式不正确：应为省份简称+字母+5位（新能源6位）字母或数字，如鲁D12345、鲁DD12345")
    return plate
