"""Push with retries and reconciliation; the signed exchange package round trip and its refusals."""

import io
import json
import urllib.error
import zipfile

import pytest
from django.core.management import CommandError, call_command

from gongxin.accounts.models import Role
from gongxin.api.exchange import PackageError, export_package, push, push_if_changed, read_package
from gongxin.api.models import CodeMapping, PushTarget
from gongxin.api.testing import make_client
from gongxin.reporting.models import Return
from gongxin.reporting.tests.helpers import make_return, values
from gongxin.testing import make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed():
    for i in range(3):
        make_return(make_enterprise(f"交换测试{i}有限公司"), period="2022-03", status=Return.Status.ACCEPTED,
                    vals=values())


class FakePartner:
    """Fails `failures` times, then answers with the control totals it computed itself."""

    def __init__(self, failures=0):
        self.failures, self.calls = failures, []

    def __call__(self, request, timeout):
        self.calls.append(json.loads(request.data))
        if len(self.calls) <= self.failures:
            raise urllib.error.URLError("connection refused")
        body = json.dumps({"control_totals": self.calls[-1]["control_totals"]}).encode()
        return io.BytesIO(body)


def test_push_retries_then_reconciles_with_mapped_codes(filed):
    client, _ = make_client("city-platform", Role.BUREAU_STAFF, micro_data=True)
    CodeMapping.objects.create(client=client, kind="region", ours="370481001000", theirs="JH")
    target = PushTarget.objects.create(name="市平台", url="http://partner.invalid/in", client=client)
    partner = FakePartner(failures=1)
    log = push(target, "2022-03", backoff=0, opener=partner)
    assert log.ok and log.reconciled and log.attempts == 2
    payload = partner.calls[-1]
    assert payload["replace"] == {"period": "2022-03", "scope": "county"}
    assert {r["code"] for r in payload["figures"]["rows"]} >= {"JH"}


def test_push_gives_up_after_its_attempts(filed):
    client, _ = make_client("down", Role.BUREAU_STAFF)
    target = PushTarget.objects.create(name="停机平台", url="http://partner.invalid/in", client=client)
    log = push(target, "2022-03", attempts=3, backoff=0, opener=FakePartner(failures=9))
    assert not log.ok and log.attempts == 3 and "URLError" in log.error


def test_scheduled_push_sends_a_period_again_only_after_its_figures_change(filed):
    client, _ = make_client("nightly", Role.BUREAU_STAFF, micro_data=True)
    target = PushTarget.objects.create(name="省平台", url="http://partner.invalid/in", client=client)
    partner = FakePartner()
    assert push_if_changed(target, "2022-03", backoff=0, opener=partner).reconciled
    assert push_if_changed(target, "2022-03", backoff=0, opener=partner) is None  # the partner holds them
    assert len(partner.calls) == 1
    make_return(make_enterprise("补报企业有限公司"), period="2022-03", status=Return.Status.ACCEPTED, vals=values())
    assert push_if_changed(target, "2022-03", backoff=0, opener=partner).ok  # figures changed: sent again
    assert len(partner.calls) == 2


def test_scheduled_push_without_targets_or_closed_period_is_no_error(filed):
    out = io.StringIO()
    call_command("api_push", "--due", stdout=out)
    assert "无需推送" in out.getvalue()
    with pytest.raises(CommandError, match="请指定"):
        call_command("api_push")


def test_package_round_trip_imports_with_dry_run_first(filed, tmp_path):
    path = tmp_path / "2022-03.zip"
    path.write_bytes(export_package("2022-03", "滕州市工信局"))
    manifest, rows = read_package(path.read_bytes())
    assert manifest["returns"] == 3 and len(rows) == 4
    Return.objects.all().delete()
    call_command("exchange_import", str(path), "--dry-run")
    assert Return.objects.count() == 0
    call_command("exchange_import", str(path))
    assert Return.objects.filter(source=Return.Source.IMPORT).count() == 3


def test_a_changed_byte_or_a_wrong_key_is_refused(filed, settings, tmp_path):
    content = export_package("2022-03")
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["data.json"] = files["data.json"].replace(b"2022-03", b"2022-04", 1)
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    with pytest.raises(PackageError, match="校验和"):
        read_package(tampered.getvalue())
    settings.EXCHANGE_KEY = "another-bureau"
    with pytest.raises(PackageError, match="签名不正确"):
        read_package(content)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="不是有效的交换包"):
        call_command("exchange_import", str(bad))
