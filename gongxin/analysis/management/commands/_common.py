import json

from gongxin.lib.commands import period_arg  # noqa: F401  (the commands of this app import it from here)


def dump_json(stdout, data):
    stdout.write(json.dumps(data, ensure_ascii=False, indent=2))


def write_table(stdout, headers, rows):
    """A plain fixed-width text table (CJK characters count double)."""
    def width(text):
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    texts = [[("—" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([width(h)] + [width(r[i]) for r in texts]) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    stdout.write(line(headers))
    stdout.write("  ".join("-" * w for w in widths))
    for row in texts:
        stdout.write(line(row))
