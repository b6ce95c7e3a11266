"""Demo county: the resumption module's part (called from gongxin/demo.py)."""


def build(ctx):
    pass
