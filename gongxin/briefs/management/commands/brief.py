from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongxin.briefs import brief as brief_data
from gongxin.briefs import word
from gongxin.lib.commands import period_arg


class Command(BaseCommand):
    help = "生成某报告期的运行分析材料：--out 写出Word文档（.docx），--format text 输出材料文字。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="报告期 YYYY-MM")
        parser.add_argument("--out", help="Word文档输出路径（.docx）")
        parser.add_argument("--format", choices=("docx", "text"), default="docx")

    def handle(self, *args, period, out, format, **options):
        brief = brief_data.build(period_arg(period))
        if format == "text":
            self.stdout.write(brief.text(), ending="")
            return
        if not out:
            raise CommandError("请用 --out 指定Word文档的输出路径，或用 --format text 输出文字")
        path = Path(out)
        if path.suffix.lower() != ".docx":
            raise CommandError("输出文件应以 .docx 结尾")
        path.write_bytes(word.render(brief))
        self.stdout.write(f"已生成：{path}（{brief.title}）")
