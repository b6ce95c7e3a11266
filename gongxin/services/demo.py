"""Demo county: the services module's part (called from gongxin/demo.py)."""


def build(ctx):
    pass
