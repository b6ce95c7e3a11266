"""Demo county: this app's part (see registry/management/commands/load_demo.py)."""


def build(ctx):
    pass
