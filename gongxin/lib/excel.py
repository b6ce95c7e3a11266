"""Reading uploaded workbooks (python-calamine, fast) and writing formatted ones (openpyxl)."""

import csv
import datetime as dt
import io
import re
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


# Encodings a CSV may come in (Excel on a Chinese Windows saves GB18030/GBK); anything else is refused.
CSV_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})(\d+)\"")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _column_number(letters):
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _limits():
    return settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS, settings.IMPORT_MAX_CELLS


def _refuse_size(rows, columns, cells):
    max_rows, max_cols, max_cells = _limits()
    if rows > max_rows or columns > max_cols:
        raise WorkbookError(f"工作表范围过大（{rows}行×{columns}列），超出导入上限{max_rows}行×{max_cols}列，"
                            "已拒绝；请删除多余的行列后重新导入")
    if cells > max_cells:
        raise WorkbookError(f"工作表单元格过多（{cells}个），超出导入上限{max_cells}个，已拒绝")


def _scan(block, found):
    for m in _DIMENSION.finditer(block):
        if m.group(4):
            found[0] = max(found[0], int(m.group(4)))
            found[1] = max(found[1], _column_number(m.group(3)))
    for m in _CELL_REF.finditer(block):
        found[0] = max(found[0], int(m.group(2)))
        found[1] = max(found[1], _column_number(m.group(1)))
    found[2] += len(_CELL.findall(block))
    _refuse_size(*found)


def _check_sheet_bounds(data):
    """Refuse an .xlsx whose sheets declare, or hold cells at, a range beyond the limits — before
    the reader allocates it (one cell at XFD1048576 would make it allocate ~512 GB)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for sheet in [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]:
            found, tail = [0, 0, 0], b""  # rows, columns, cells
            with zf.open(sheet) as fh:
                while chunk := fh.read(1 << 20):
                    block = tail + chunk
                    cut = max(block.rfind(b"<"), 0)  # the last tag may be cut off: scan it with the next read
                    _scan(block[:cut], found)
                    tail = block[cut:]
            _scan(tail, found)


def _decode_csv(data):
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # UTF-16 or binary content that happens to decode
            break
        return text.removeprefix("\ufeff")
    raise WorkbookError("无法识别CSV文件的编码：只接受UTF-8或GB18030（GBK）编码的CSV文件，"
                        "请在Excel中另存为“CSV UTF-8（逗号分隔）”后重新导入")


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
        text = _decode_csv(data)
        try:
            rows = list(csv.reader(io.StringIO(text)))
        except csv.Error as e:
            raise WorkbookError(f"CSV文件格式有误：{e}") from e
        _refuse_size(len(rows), max((len(r) for r in rows), default=0), sum(len(r) for r in rows))
        return [[cell if cell != "" else None for cell in row] for row in rows]
    if suffix == ".xlsx":
        _check_zip(data)
        _check_sheet_bounds(data)
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


def cell_date(value, *, typed=False):
    """A workbook cell as a date: a date or datetime cell, or text as YYYY-MM-DD, optionally with a time
    of day — and, for a sheet people type (`typed`: 成立日期), YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日.
    None when blank; ValueError (its message for the user) for anything else. Read whole, never by
    its first ten characters."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    parsers = [dt.datetime.fromisoformat]
    if typed:
        parsers = [lambda t: dt.datetime.fromisoformat(t.replace("/", "-").replace(".", "-")),
                   lambda t: dt.datetime.strptime(t, "%Y年%m月%d日")]
    for parse in parsers:
        try:
            return parse(text).date()
        except ValueError:
            pass
    raise ValueError(f"日期“{value}”无法识别，应为YYYY-MM-DD")


def looks_like_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
