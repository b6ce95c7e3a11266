"""Demo county: the briefs module's part (called from gongxin/demo.py)."""


def build(ctx):
    pass
