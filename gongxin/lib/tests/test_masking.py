import pytest

from gongxin.lib.masking import mask_id_number, mask_phone


@pytest.mark.parametrize(("raw", "masked"), [
    ("19155052501", "191****2501"),
    ("0632-5512345", "0632-***2345"),
    ("", ""),
    (None, ""),
    ("12345", "12345"),
])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_id_number():
    assert mask_id_number("370481199001011234") == "370481********1234"
