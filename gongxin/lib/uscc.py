"""统一社会信用代码 (GB 32100-2015) and its embedded organisation code (GB 11714)."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class USCCError(ValueError):
    """A code that fails GB 32100; the message is for the user (Chinese)."""


def uscc_check_char(first17):
    total = sum(_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_char(first8):
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalize(code):
    return (code or "").strip().upper()


def validate_uscc(code):
    """Raise USCCError with a clear Chinese message unless `code` passes GB 32100 and GB 11714."""
    code = normalize(code)
    if len(code) != 18:
        raise USCCError(f"统一社会信用代码应为18位，实为{len(code)}位")
    bad = [c for c in code if c not in _VALUE]
    if bad:
        raise USCCError(f"统一社会信用代码含有不允许的字符：{''.join(dict.fromkeys(bad))}")
    if not code[2:8].isdecimal():
        raise USCCError("统一社会信用代码第3-8位应为登记管理机关行政区划码（数字）")
    org = code[8:17]
    if org_check_char(org[:8]) != org[8]:
        raise USCCError(f"统一社会信用代码第9-17位组织机构代码校验位错误（应为{org_check_char(org[:8])}）")
    expected = uscc_check_char(code[:17])
    if expected != code[17]:
        raise USCCError(f"统一社会信用代码校验位错误（第18位应为{expected}）")
    return code


def is_valid_uscc(code):
    try:
        validate_uscc(code)
    except USCCError:
        return False
    return True


def make_uscc(division_code, org_serial, prefix="91"):
    """A valid code for a division and an 8-digit organisation serial (demo data and tests)."""
    org8 = f"{org_serial:08d}"
    first17 = f"{prefix}{division_code}{org8}{org_check_char(org8)}"
    return first17 + uscc_check_char(first17)
