"""Reading uploaded workbooks (python-calamine, fast) and writing formatted ones (openpyxl)."""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

ALLOWED_EXTENSIONS = (".xlsx", ".xls", ".csv")
# A zip bomb inflates far beyond its size; refuse archives whose content would exceed this.
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class WorkbookError(ValueError):
    """The file itself cannot be read (type, size, structure); message for the user."""


@dataclass
class RowError:
    row: int  # 1-based row number as Excel shows it
    column: str
    reason: str

    def __str__(self):
        return f"第{self.row}行【{self.column}】：{self.reason}"


@dataclass
class ImportReport:
    """What an import did or would do; `errors` non-empty means nothing was written."""

    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        if self.errors:
            return f"导入失败：发现{len(self.errors)}处错误，未写入任何数据。"
        return f"导入成功：新增{self.created}条，更新{self.updated}条，未变化{self.unchanged}条。"


def _check_upload(name, size):
    suffix = Path(name or "").suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise WorkbookError(f"只接受 .xlsx、.xls、.csv 文件，收到“{Path(name or '').name}”")
    if size is not None and size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise WorkbookError(f"文件超过{settings.MAX_UPLOAD_MB}MB上限")
    return suffix


def _check_zip(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile as e:
        raise WorkbookError("文件不是有效的Excel工作簿") from e
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError("工作簿解压后过大，已拒绝")


def read_rows(source, name=None):
    """All rows of the first sheet as lists of cell values (str, int, float, date, None).

    `source` is a path, bytes, or an uploaded file. Dates come back as datetime/date objects.
    """
    if isinstance(source, str | Path):
        name = name or str(source)
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        name = name or getattr(source, "name", "")
        # An upload knows its size: refuse before pulling a huge file into memory.
        _check_upload(name, getattr(source, "size", None))
        data = source.read()
    suffix = _check_upload(name, len(data))
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        return [[cell if cell != "" else None for cell in row] for row in csv.reader(io.StringIO(text))]
    if suffix == ".xlsx":
        _check_zip(data)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises its own error types for corrupt files
        raise WorkbookError(f"无法读取工作簿：{e}") from e
    return [[None if cell == "" else cell for cell in row] for row in rows]


def header_index(header_row, required):
    """Map each required header to its column index; raise WorkbookError naming missing ones."""
    cells = [str(c).strip() if c is not None else "" for c in header_row]
    positions = {name: i for i, name in reversed(list(enumerate(cells)))}
    missing = [h for h in required if h not in positions]
    if missing:
        raise WorkbookError("缺少表头：" + "、".join(missing))
    return {h: positions[h] for h in required}


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def looks_like_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
