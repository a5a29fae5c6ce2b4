"""消息 for staff: every staff role reads its own messages; another's message is 404 like an unknown id (the world's
message is the manager's); parents 403, anonymous visitors the login page."""
from eduflow.extensions import db
from eduflow.models import DeliveryStatus, Notification, NotificationChannel, NotificationKind
from tests.matrix import EVERY_STAFF, LOGIN, OK, ROLES, Route

MANAGERS_OWN = {role: LOGIN if role == "anonymous" else OK if role == "manager" else 404 for role in ROLES}


def at(template: str):
    return lambda world: template.format(**world["staff_messages"])


ROWS = [
    Route("messages.index", "GET", lambda world: "/messages", EVERY_STAFF),
    Route("messages.open_message", "GET", at("/messages/{manager}"), MANAGERS_OWN),
    Route("messages.read", "POST", at("/messages/{manager}/read"), MANAGERS_OWN, partial=True),
    Route("messages.read_all", "POST", lambda world: "/messages/read", EVERY_STAFF),
]


def build(users, campuses) -> dict:
    manager = users["manager"]
    message = Notification(event_key="matrix:staff", recipient=f"u{manager.id}", user_id=manager.id,
                           campus_id=manager.campus_id, kind=NotificationKind.LEAD_ASSIGNED,
                           channel=NotificationChannel.INBOX, subject="新分配线索：矩阵", body="主管 把线索 矩阵 分配给了你。",
                           link="/leads/", status=DeliveryStatus.SENT)
    db.session.add(message)
    db.session.flush()
    return {"staff_messages": {"manager": message.id}}
