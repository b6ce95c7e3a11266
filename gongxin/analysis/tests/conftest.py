import re
import threading

import pytest

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|TRUNCATE|MERGE|WITH)\b", re.IGNORECASE)


@pytest.fixture(autouse=True, params=["raw", "rollups"])
def engine_path(request, settings, monkeypatch):
    """Every analysis test runs on both of the engine's paths: the raw returns, and the roll-ups.

    The tests write returns straight through the ORM (the roll-ups' own maintenance is tested
    through the real services in test_rollups.py), so on the roll-up path a read first rebuilds
    them from what the test wrote: whenever any statement has written since the last rebuild (a
    wrapper on this thread's connection watches), and always when read from another thread (a live
    server's), whose statements it cannot see."""
    settings.ROLLUPS = request.param == "rollups"
    if not (settings.ROLLUPS and "django_db_setup" in request.fixturenames):
        yield request.param
        return
    from django.db import connection

    from gongxin.analysis import rollups

    state = {"written": True, "rebuilding": False}
    watched = threading.get_ident()

    def watch(execute, sql, params, many, context):
        if not state["rebuilding"] and WRITE.match(sql):
            state["written"] = True
        return execute(sql, params, many, context)

    def rebuilt_then_enabled():
        if state["written"] or threading.get_ident() != watched:
            state["rebuilding"] = True
            try:
                rollups.rebuild()
            finally:
                state["rebuilding"] = False
            state["written"] = threading.get_ident() != watched
        return True

    monkeypatch.setattr(rollups, "enabled", rebuilt_then_enabled)
    with connection.execute_wrapper(watch):
        yield request.param
