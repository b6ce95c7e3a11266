import pytest

from gongxin.testing import make_enterprise, personas

from .helpers import make_checkpoint, make_event


@pytest.fixture
def cast(db, settings, tmp_path):
    """荆河街道 enterprise and its reporter, another enterprise (龙泉街道) and its reporter, the usual
    personas, the event and a checkpoint; uploads and the dev signing key in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PERMIT_SIGNING_KEY = ""
    settings.PERMIT_DEV_KEY_FILE = tmp_path / "permit.key"
    own = make_enterprise("滕州接驳测试机械有限公司", town_name="荆河街道", address="荆河街道工业园1号")
    other = make_enterprise("龙泉测试纸业有限公司", town_name="龙泉街道")
    p = personas(own, other)
    event = make_event()
    return {"e": own, "other": other, "p": p, "event": event, "gate": make_checkpoint(event),
            "transfer": make_checkpoint(event, "park", "物流园接驳点", transfer=True)}
