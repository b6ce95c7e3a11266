"""`gongxin scheduler [--list | --run NAME | --once]`: run the jobs of gongxin/jobs.py on schedule."""

import datetime as dt
import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongxin.jobs import JOBS, by_name

log = logging.getLogger("gongxin.scheduler")


def due(job, now, last):
    """Whether `job` has a slot in (last, now] (local time, minute precision)."""
    start = last + dt.timedelta(minutes=1)
    moment = start.replace(second=0, microsecond=0)
    while moment <= now:
        if job.at.startswith(":") and moment.minute == int(job.at[1:]):
            return True
        if not job.at.startswith(":") and moment.strftime("%H:%M") == job.at:
            return True
        moment += dt.timedelta(minutes=1)
    return False


class Command(BaseCommand):
    help = "定时任务：催报、预警重新扫描、超期诉求升级等（见 gongxin/jobs.py）。"

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="列出任务")
        parser.add_argument("--run", metavar="NAME", help="立即运行一个任务")
        parser.add_argument("--once", action="store_true", help="运行当前到期的任务后退出")

    def handle(self, *args, list=False, run=None, once=False, **options):
        if list:
            for job in JOBS:
                self.stdout.write(f"{job.name:<12}{job.at:<8}{job.command} {' '.join(job.arguments())}  # {job.note}")
            return
        if run:
            job = by_name().get(run)
            if job is None:
                raise CommandError(f"没有任务“{run}”：{', '.join(by_name())}")
            if not self._run(job):  # a cron line sees the failure in the exit status
                raise CommandError(f"任务“{job.name}”失败")
            return
        last = timezone.localtime() - dt.timedelta(minutes=1)
        while True:
            now = timezone.localtime()
            for job in JOBS:
                if due(job, now, last):
                    self._run(job)
            last = now
            if once:
                return
            time.sleep(max(1, 60 - timezone.localtime().second))

    def _run(self, job):
        started = time.monotonic()
        try:
            call_command(job.command, *job.arguments(), stdout=self.stdout)
        except Exception as e:  # noqa: BLE001 - one failing job must not stop the others
            log.error("job failed", extra={"job": job.name, "error": f"{type(e).__name__}: {e}"})
            return False
        log.warning("job done", extra={"job": job.name, "seconds": round(time.monotonic() - started, 2)})
        return True
