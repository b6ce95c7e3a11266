import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from .. import divisions
from ..validators import validate_plate
from .helpers import inspect, make_permit


@pytest.mark.parametrize("text,plate", [("鲁D12345", "鲁D12345"), ("鲁 d·1234 5", "鲁D12345"), ("鲁DD12345", "鲁DD12345"),
                                        ("鲁DF1234A", None), ("鲁D12345F", "鲁D12345F"), ("苏A1234挂", "苏A1234挂"),
                                        ("京AF0236", "京AF0236")])
def test_plates_including_new_energy(text, plate):
    if plate is None:
        with pytest.raises(ValidationError):
            validate_plate(text)
    else:
        assert validate_plate(text) == plate


@pytest.mark.parametrize("text", ["鲁DI2345", "鲁D1234", "鲁D1234567", "AB12345", "鲁1D2345", ""])
def test_bad_plates_are_refused(text):
    with pytest.raises(ValidationError):
        validate_plate(text)


def test_division_table_has_provinces_cities_and_counties():
    assert len(divisions.provinces()) == 34
    assert divisions.full_name("370481") == "山东省枣庄市滕州市"
    assert divisions.full_name("110105") == "北京市朝阳区"  # municipality: no city level
    assert divisions.is_county("370481") and not divisions.is_county("370400") and not divisions.is_county("370000")
    assert ("370481", "滕州市") in divisions.below("370400")
    assert len(divisions.names()) > 3000


def test_purge_and_overstay_commands(cast, capsys):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    inspect(p["town"], permit, cast["gate"])
    call_command("permits_overstays")
    assert "本次提醒0辆" in capsys.readouterr().out
    with pytest.raises(Exception, match="尚未关闭"):
        call_command("permits_purge", cast["event"].code)
    cast["event"].closed_at = timezone.now()
    cast["event"].save()
    call_command("permits_purge", "--closed")  # the scheduled job: every closed event
    assert "证明1份，驾乘人员2人" in capsys.readouterr().out
    call_command("permits_purge", cast["event"].code)  # idempotent
    assert "证明0份，驾乘人员0人" in capsys.readouterr().out


def test_keygen_prints_a_usable_key(capsys, settings, tmp_path):
    from .. import signing

    call_command("permit_keygen")
    line = capsys.readouterr().out.splitlines()[0]
    settings.PERMIT_SIGNING_KEY = line.split("=", 1)[1]
    token = signing.sign({"n": "x"})
    assert signing.verify(token).number == "x"
