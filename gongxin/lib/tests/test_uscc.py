import pytest

from gongxin.lib.uscc import (
    USCCError,
    is_valid_uscc,
    make_uscc,
    org_check_char,
    uscc_check_char,
    validate_uscc,
)

PUBLIC_EXAMPLE = "91350100M000100Y43"  # the example code printed in GB 32100-2015 guides


@pytest.mark.parametrize("code", [PUBLIC_EXAMPLE, PUBLIC_EXAMPLE.lower(), f"  {PUBLIC_EXAMPLE} "])
def test_public_example_is_valid_and_normalised(code):
    assert validate_uscc(code) == PUBLIC_EXAMPLE


@pytest.mark.parametrize("serial", [1, 10_000_001, 99_999_999, 12_345_678])
def test_make_uscc_output_validates(serial):
    code = make_uscc("370481", serial)
    assert len(code) == 18
    assert validate_uscc(code) == code


def test_wrong_length_names_the_length():
    with pytest.raises(USCCError, match="应为18位，实为17位"):
        validate_uscc(PUBLIC_EXAMPLE[:17])


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "-"])
def test_characters_outside_the_alphabet_are_named(letter):
    code = PUBLIC_EXAMPLE[:10] + letter + PUBLIC_EXAMPLE[11:]
    with pytest.raises(USCCError, match=f"不允许的字符：{letter}"):
        validate_uscc(code)


def test_region_part_must_be_digits():
    with pytest.raises(USCCError, match="第3-8位"):
        validate_uscc("91A50100M000100Y43")


def test_wrong_organisation_code_check_character():
    # M000100Y is followed by its check character 4; put a wrong one there.
    bad_org_check = "2" if PUBLIC_EXAMPLE[16] != "2" else "3"
    first17 = PUBLIC_EXAMPLE[:16] + bad_org_check
    code = first17 + uscc_check_char(first17)  # keep the overall check right: only the org check fails
    with pytest.raises(USCCError, match=r"组织机构代码校验位错误（应为4）"):
        validate_uscc(code)


def test_wrong_final_check_character():
    code = PUBLIC_EXAMPLE[:17] + "2"
    with pytest.raises(USCCError, match=r"校验位错误（第18位应为3）"):
        validate_uscc(code)


def test_org_check_10_is_written_x():
    # GB 11714: a remainder giving 10 is written X; brute-force one such code to prove the mapping.
    org8 = next(f"{n:08d}" for n in range(10_000) if org_check_char(f"{n:08d}") == "X")
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    assert 11 - sum(int(c) * w for c, w in zip(org8, weights, strict=True)) % 11 == 10
    assert is_valid_uscc(make_uscc("370481", int(org8)))


def test_is_valid_uscc():
    assert is_valid_uscc(PUBLIC_EXAMPLE)
    assert not is_valid_uscc("91350100M000100Y42")
    assert not is_valid_uscc("")
