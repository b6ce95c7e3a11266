"""Bulk import through the API: JSON rows, CSV or XLSX, into the same importer as the import page.

`mode=all` (default) writes nothing when any row is bad; `mode=row` writes the good rows and reports
the bad ones. Every import is a job (`ImportJob`) whose status and report can be polled; a workbook
of more than `API_ASYNC_ROWS` rows runs on a worker thread and answers 202 at once.
"""

import io
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from gongxin.lib.excel import WorkbookError, read_rows
from gongxin.reporting.importing import IMPORT_HEADERS, import_returns

from .models import ImportJob


def _rows(request):
    from .views import ApiError

    content_type = (request.content_type or "").split(";")[0]
    if content_type == "application/json":
        data = request.data.get("rows") if isinstance(request.data, dict) else None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ApiError("JSON 应为 {\"rows\": [{\"统一社会信用代码\": …, \"报告期\": …, …}]}")
        return [list(IMPORT_HEADERS)] + [[row.get(h) for h in IMPORT_HEADERS] for row in data[:200_000]]
    upload = request.FILES.get("file")
    if upload is None:
        raise ApiError("请以 JSON（rows）或 multipart 文件字段 file（.xlsx/.csv）提交")
    try:
        return read_rows(io.BytesIO(upload.read()), upload.name)
    except WorkbookError as e:
        raise ApiError(str(e)) from e


def _report_json(report):
    return {"ok": report.ok, "summary": report.summary(), "created": report.created, "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in report.errors[:1000]],
            "warnings": [{"row": w.row, "column": w.column, "reason": w.reason} for w in report.warnings[:1000]]}


def _run(job, rows, actor):
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        report = import_returns(rows, actor=actor, filename="api", dry_run=job.dry_run or job.mode == "row")
        result = _report_json(report)
        if job.mode == "row" and not job.dry_run:
            bad = {e.row for e in report.errors}
            good = [rows[0]] + [r for n, r in enumerate(rows[1:], start=2) if n not in bad]
            written = import_returns(good, actor=actor, filename="api") if len(good) > 1 else None
            result = _report_json(written) if written else result
            result["refused_rows"] = sorted(bad)
            result["errors"] = _report_json(report)["errors"]
        job.result, job.status = result, ImportJob.Status.DONE
    except Exception as e:  # noqa: BLE001 - a job records its failure instead of dying silently
        job.result, job.status = {"ok": False, "summary": f"导入失败：{type(e).__name__}"}, ImportJob.Status.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "status", "finished_at"])


def run_import_job(client, request, dry_run=False, mode="all"):
    rows = _rows(request)
    job = ImportJob.objects.create(client=client, dry_run=dry_run, mode=mode, rows=max(0, len(rows) - 1))
    actor = f"接口:{client.name}"
    if job.rows > settings.API_ASYNC_ROWS:
        def work():
            close_old_connections()
            try:
                _run(job, rows, actor)
            finally:
                close_old_connections()

        threading.Thread(target=work, daemon=True).start()
        return job
    _run(job, rows, actor)
    return job
