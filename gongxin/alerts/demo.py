"""Demo county: the alerts module's part (called from gongxin/demo.py)."""


def build(ctx):
    pass
