"""Demo county: the permits module's part (called from gongxin/demo.py)."""


def build(ctx):
    pass
