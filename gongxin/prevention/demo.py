"""Demo county: the prevention module's part (called from gongxin/demo.py)."""


def build(ctx):
    pass
