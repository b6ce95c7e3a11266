"""The upload half of every import page: read the file, run the importer, say what happened."""

import zlib
from pathlib import Path

from django.contrib import messages
from django.db import IntegrityError, connection, transaction

from .excel import WorkbookError, read_rows

RACE_MESSAGE = "另一份导入刚刚写入了相同的数据，本次导入未写入任何数据；请重新导入（将按最新数据比对）。"


def stored_name(filename, limit=120):
    """The name a kept file is stored under: the upload's own, its stem shortened so that the whole
    stays within `limit` bytes of UTF-8 (a file system holds 255 bytes a name; 300 汉字 are 900), its
    extension kept. The name the user gave is kept whole beside it (the record's name or title)."""
    path = Path(filename or "file")
    stem, suffix = path.stem, path.suffix.lower()[:10]
    while stem and len((stem + suffix).encode()) > limit:
        stem = stem[:-1]
    return (stem or "file") + suffix


def serialized(name):
    """Inside a transaction: wait for any other import of the same kind to finish first, so that two
    imports at once do not both create the same rows (PostgreSQL advisory lock; SQLite transactions
    are already taken with BEGIN IMMEDIATE, one writer at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode()) & 0x7FFFFFFF])


def run_import(request, importer):
    """On POST, `importer(rows, upload)` → ImportReport; returns (report, error, http_status).

    A missing or unreadable file is an `error` (nothing written); a report with row errors means the
    importer wrote nothing. Success is flashed as a message. Imports of one page run one at a time,
    each reading what the previous one wrote; a unique-constraint race still left is refused cleanly.
    """
    if request.method != "POST":
        return None, None, 200
    upload = request.FILES.get("file")
    if not upload:
        return None, "请选择要导入的文件", 400
    try:
        rows = read_rows(upload)
        with transaction.atomic():
            serialized(f"import:{request.path}")
            report = importer(rows, upload)
    except WorkbookError as e:
        return None, str(e), 400
    except IntegrityError:
        return None, RACE_MESSAGE, 409
    if report.ok:
        messages.success(request, report.summary())
        return report, None, 200
    return report, None, 400
