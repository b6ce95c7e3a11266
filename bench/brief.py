"""Benchmark: the analysis brief (text + .docx with charts) for the demo county, 2022-03. Budget < 3 s.

    .venv/bin/gongxin load_demo --reset && .venv/bin/python bench/brief.py
"""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongxin.settings")
django.setup()

from gongxin.analysis import brief, brief_docx  # noqa: E402

PERIOD, RUNS, BUDGET = "2022-03", 3, 3.0


def once():
    start = time.perf_counter()
    b = brief.build(PERIOD)
    b.text()
    brief_docx.render(b)
    return time.perf_counter() - start


def main():
    first = once()  # includes loading matplotlib's font and python-docx's template
    runs = [once() for _ in range(RUNS)]
    median = statistics.median(runs)
    print(f"brief {PERIOD}: first {first:.2f} s, median of {RUNS} {median:.2f} s (budget {BUDGET:.0f} s) — "
          f"{'OK' if max(first, median) < BUDGET else 'OVER BUDGET'}")


if __name__ == "__main__":
    main()
