"""Demo county: the reserves module's part (called from gongxin/demo.py)."""


def build(ctx):
    pass
