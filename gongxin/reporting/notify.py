"""In-app notices about returns: the enterprise hears when its return is sent back, approved or accepted.

One notice per return × transition × version (`key`), so a retried request or a double click tells the
enterprise once. Sent inside the transition's transaction: a refused transition sends nothing.
"""

from gongxin.lib import periods as P
from gongxin.notices.models import Notice
from gongxin.notices.services import send

from .events import return_changed_later

TRANSITION_NOTICES = {
    "returned": (Notice.Kind.RETURNED, "已被退回，请修改后重新报送"),
    "approved": (Notice.Kind.APPROVED, "已通过镇街审核"),
    "accepted": (Notice.Kind.ACCEPTED, "已由工信局受理"),
}


def return_url(ret):
    return f"/returns/{ret.enterprise.uscc}/{ret.form.code}/{ret.period}/"


def notify_transition(ret, transition, user=None, reason=""):
    """Tell the return's enterprise about `transition` ("returned" | "approved" | "accepted")."""
    kind, what = TRANSITION_NOTICES[transition]
    subject = f"{P.label(ret.period, ret.form.merge_jan_feb)}{ret.form.name}表"
    title = f"{subject}{what}" + (f"：{reason}" if reason else "")
    body = f"退回原因：{reason}" if reason else ""
    return_changed_later(ret)
    return send(kind, title, to_enterprise=ret.enterprise, body=body, url=return_url(ret), sender=user,
                source=f"reporting.return:{ret.pk}", key=f"return:{ret.pk}:{transition}:v{ret.version}")
