import pytest


@pytest.fixture(autouse=True, params=["raw", "rollups"])
def engine_path(request, settings, monkeypatch):
    """Every analysis test runs on both of the engine's paths: the raw returns, and the roll-ups.

    The tests write returns straight through the ORM (the roll-ups' own maintenance is tested
    through the real services in test_rollups.py), so on the roll-up path each read first rebuilds
    them from what the test wrote."""
    settings.ROLLUPS = request.param == "rollups"
    if settings.ROLLUPS and "django_db_setup" in request.fixturenames:
        from gongxin.analysis import rollups

        def rebuilt_then_enabled():
            rollups.rebuild()
            return True

        monkeypatch.setattr(rollups, "enabled", rebuilt_then_enabled)
    return request.param
