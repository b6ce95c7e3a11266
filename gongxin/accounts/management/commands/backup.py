"""`gongxin backup FILE`: the whole database as gzip-compressed JSON (restore with `gongxin restore`).

The format is Django's JSON fixture format (what `dumpdata --natural-foreign` writes, so `loaddata`
reads it), except that timestamps keep their microseconds: DjangoJSONEncoder cuts them to
milliseconds, and a backup must give back exactly what was stored.
"""

import datetime as dt
import gzip
import os
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, router

# Rebuilt by `migrate` on the target database (referenced by natural keys) or not worth keeping.
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry"}


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models():
    """Concrete models in dependency order (natural-key targets first), as dumpdata orders them."""
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module is not None]
    return [m for m in serializers.sort_dependencies(app_list, allow_cycles=True)
            if m._meta.label_lower not in EXCLUDED and not m._meta.proxy and m._meta.managed
            and router.allow_migrate_model(DEFAULT_DB_ALIAS, m)]


def all_objects():
    for model in backed_up_models():
        yield from model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)


class Command(BaseCommand):
    help = "备份整个数据库到 gzip 压缩的 JSON 文件（用 gongxin restore 恢复）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件路径，如 var/backup-20220401.json.gz")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.parent.is_dir():
            raise CommandError(f"目录不存在：{path.parent}")
        tmp = path.with_name(path.name + ".partial")
        try:
            with gzip.open(tmp, "wt", encoding="utf-8") as out:
                serializers.serialize("json", all_objects(), stream=out, use_natural_foreign_keys=True,
                                      cls=ExactJSONEncoder)
            os.replace(tmp, path)  # never leave a half-written backup under the real name
        finally:
            tmp.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(f"已备份到 {path}（{path.stat().st_size // 1024} KB）"))
