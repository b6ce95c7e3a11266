"""Exchange with partners: a logged push of figures to a target URL, and — for a county with no
network link — the same payload as a signed exchange package (a zip with a manifest, SHA-256
checksums and an HMAC-SHA256 signature over the manifest with the shared `EXCHANGE_KEY`) that
another Gongxin verifies and imports with a dry run and a report.

Replace semantics: a payload carries `replace: {"period", "scope"}` — the receiver replaces every
value it holds for that period and scope, so values that vanished here vanish there too.
"""

import hashlib
import hmac
import io
import json
import time
import urllib.error
import urllib.request
import zipfile

from django.conf import settings
from django.utils import timezone

from gongxin.analysis.report import indicators_json
from gongxin.reporting.importing import IMPORT_HEADERS, VALUE_HEADERS
from gongxin.reporting.models import Return, ReturnValue

from .models import CodeMapping, PushLog

PACKAGE_FORMAT = "gongxin-exchange/1"


def mapped(data, client):
    """Figures JSON with our region/industry codes replaced by the partner's (CodeMapping)."""
    maps = {}
    for kind, ours, theirs in CodeMapping.objects.filter(client=client).values_list("kind", "ours", "theirs"):
        maps.setdefault(kind, {})[ours] = theirs
    kind = {"town": "region", "county": "region", "industry": "industry"}.get(data.get("by"), "")
    for row in data["rows"]:
        row["code"] = maps.get(kind, {}).get(row["code"], row["code"])
    return data


def control_totals(data):
    rows = data["rows"]
    return {"rows": len(rows), "enterprises": sum(r.get("enterprises") or 0 for r in rows),
            "output_value_ytd": str(sum(float(r["indicators"]["output_value"]["ytd"] or 0) for r in rows))}


def figures_payload(period, client, by="town"):
    data = mapped(indicators_json(period, by, client.user), client)
    return {"format": PACKAGE_FORMAT, "period": period, "by": by,
            "replace": {"period": period, "scope": client.region.code if client.region else "county"},
            "figures": data, "control_totals": control_totals(data)}


def push(target, period, attempts=3, backoff=1.0, opener=urllib.request.urlopen, payload=None):
    """POST the period's figures to `target`; retries with exponential back-off; the partner's
    receipt is reconciled against our control totals. Returns the PushLog."""
    payload = payload or figures_payload(period, target.client)
    body = json.dumps(payload, ensure_ascii=False, default=str).encode()
    log = PushLog.objects.create(target=target, period=period, control_totals=payload["control_totals"])
    for attempt in range(1, attempts + 1):
        log.attempts = attempt
        try:
            request = urllib.request.Request(target.url, data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
            with opener(request, timeout=30) as response:
                receipt = json.loads(response.read() or b"{}")
            log.ok, log.receipt, log.error = True, receipt, ""
            log.reconciled = receipt.get("control_totals") == payload["control_totals"]
            break
        except (urllib.error.URLError, OSError, ValueError) as e:
            log.error = f"{type(e).__name__}: {e}"[:300]
            if attempt < attempts:
                time.sleep(backoff * 2 ** (attempt - 1))
    log.save()
    return log


def push_if_changed(target, period, **options):
    """`push` unless the partner already holds these figures: its last successful, reconciled push
    of `period` carried the same control totals. Returns the PushLog, or None when skipped (so the
    scheduled push can run every night and sends a period again only after its figures change)."""
    payload = figures_payload(period, target.client)
    last = target.logs.filter(period=period, ok=True).order_by("-at", "-pk").first()
    if last is not None and last.reconciled and last.control_totals == payload["control_totals"]:
        return None
    return push(target, period, payload=payload, **options)


def latest_closed_period():
    """The newest 产值 period the bureau has closed (its figures final), or None."""
    from gongxin.reporting.models import ReportingPeriod

    row = (ReportingPeriod.objects.filter(form__code="output", closed_at__isnull=False)
           .order_by("-period").values_list("period", flat=True).first())
    return row


# ---------------------------------------------------------------- the signed package


def _sign(manifest_bytes):
    key = settings.EXCHANGE_KEY.encode()
    return hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()


def export_package(period, source=""):
    """The zip bytes: data.json (the period's counted 产值 returns as import rows, and the figures),
    manifest.json (format, period, counts, checksums) and signature (HMAC of the manifest)."""
    returns = Return.objects.filter(period=period, form__code="output", status__in=Return.COUNTED).select_related(
        "enterprise")
    by_return = {}
    for v in ReturnValue.objects.filter(ret__in=returns).select_related("indicator"):
        by_return.setdefault(v.ret_id, {})[v.indicator.code] = v
    header_of = {(code, col): header for header, (code, col) in VALUE_HEADERS.items()}
    rows = []
    for ret in returns.order_by("enterprise__uscc"):
        row = {"统一社会信用代码": ret.enterprise.uscc, "企业名称": ret.enterprise.name, "报告期": ret.period}
        values = by_return.get(ret.pk, {})
        for (code, col), header in header_of.items():
            value = getattr(values[code], col) if code in values else None
            row[header] = None if value is None else str(value)
        rows.append(row)
    data = json.dumps({"rows": rows, "figures": indicators_json(period, "town")}, ensure_ascii=False,
                      default=str).encode()
    manifest = json.dumps({"format": PACKAGE_FORMAT, "period": period, "source": source,
                           "created": timezone.now().isoformat(), "returns": len(rows),
                           "files": {"data.json": hashlib.sha256(data).hexdigest()}},
                          ensure_ascii=False, sort_keys=True).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", manifest)
        zf.writestr("data.json", data)
        zf.writestr("signature", _sign(manifest))
    return buf.getvalue()


class PackageError(Exception):
    """The package is not one we can trust; the message says why."""


def read_package(content, max_bytes=200 * 1024 * 1024):
    """(manifest, rows) after checking the signature and every checksum."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))
        if sum(i.file_size for i in zf.infolist()) > max_bytes:
            raise PackageError("交换包解压后过大")
        manifest_bytes, signature = zf.read("manifest.json"), zf.read("signature").decode().strip()
        data = zf.read("data.json")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as e:
        raise PackageError("不是有效的交换包（缺少 manifest.json、data.json 或 signature）") from e
    if not hmac.compare_digest(_sign(manifest_bytes), signature):
        raise PackageError("签名不正确：交换包被改动过，或双方的 EXCHANGE_KEY 不一致")
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != PACKAGE_FORMAT:
        raise PackageError(f"不支持的交换包格式：{manifest.get('format')}")
    if hashlib.sha256(data).hexdigest() != manifest["files"]["data.json"]:
        raise PackageError("data.json 校验和不符")
    rows = json.loads(data)["rows"]
    return manifest, [list(IMPORT_HEADERS)] + [[r.get(h) for h in IMPORT_HEADERS] for r in rows]
