"""The upload half of every import page: read the file, run the importer, say what happened."""

from django.contrib import messages

from .excel import WorkbookError, read_rows


def run_import(request, importer):
    """On POST, `importer(rows, upload)` → ImportReport; returns (report, error, http_status).

    A missing or unreadable file is an `error` (nothing written); a report with row errors means the
    importer wrote nothing. Success is flashed as a message.
    """
    if request.method != "POST":
        return None, None, 200
    upload = request.FILES.get("file")
    if not upload:
        return None, "请选择要导入的文件", 400
    try:
        report = importer(read_rows(upload), upload)
    except WorkbookError as e:
        return None, str(e), 400
    if report.ok:
        messages.success(request, report.summary())
        return report, None, 200
    return report, None, 400
