"""The shared shape of the management commands: their period and date options, and the `import_*`
commands (all-or-nothing workbook imports)."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from . import bounds
from .excel import WorkbookError, read_rows
from .periods import PeriodError, check_period

MAX_WARNINGS_SHOWN = 200
BAD_PERIOD_STATUS = 2  # a period that cannot be asked for exits 2, like any other bad argument


def period_arg(value, quarters=True, **options):
    """--period of a command: YYYY-MM (a quarter 2022Q1 or a year 2022 means the period at its end).
    A malformed, future or unreported period, or a merged January, stops the command with exit
    status 2 and lib.periods.check_period's message."""
    try:
        return check_period(value, quarters=quarters, **options)
    except PeriodError as e:
        raise CommandError(str(e), returncode=BAD_PERIOD_STATUS) from e


def date_arg(text):
    """A date option of a command (--date, --from): YYYY-MM-DD. Malformed text is a ValueError, which
    the command words itself; a date outside 1900–2100 stops it with exit status 2 and the reason."""
    day = dt.date.fromisoformat(text)
    try:
        return bounds.date(day, f"日期“{text}”")
    except bounds.OutOfRange as e:
        raise CommandError(str(e), returncode=BAD_PERIOD_STATUS) from None


class ImportCommand(BaseCommand):
    """Subclasses set `help` and implement `run(rows, path, dry_run)` returning an ImportReport."""

    actor = "命令行导入"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def run(self, rows, path, dry_run):
        raise NotImplementedError

    def handle(self, *args, file, dry_run=False, **options):
        try:
            report = self.run(read_rows(file), Path(file), dry_run)
        except (WorkbookError, OSError) as e:
            raise CommandError(str(e)) from e
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(report.summary())
        for warning in report.warnings[:MAX_WARNINGS_SHOWN]:
            self.stdout.write(f"预警 {warning}")
        if len(report.warnings) > MAX_WARNINGS_SHOWN:
            self.stdout.write(f"……共{len(report.warnings)}条预警")
        self.stdout.write(self.style.SUCCESS("检查通过，未写入（--dry-run）" if dry_run else report.summary()))
