"""Staff views of the messages (通知): the student page's 通知记录 (whoever may see the student), and the failed
deliveries with 重发 (admins every campus, a manager their own; the rest 403)."""
from eduflow.extensions import db
from eduflow.models import DeliveryStatus, Notification, NotificationChannel, NotificationKind
from tests.factories import make_student
from tests.matrix import EVERY_STAFF, Route, only

OFFICE = only("admin", "manager")
COLLEAGUE = ("sales", "teacher")  # as in tests/matrix/students.py
OTHER_CAMPUS = ("manager", "sales", "academic", "teacher")


def _students(template: str):
    return lambda world: template.format(**world["students"])


def _failures(template: str):
    return lambda world: template.format(**world["notification_views"])


def _outside(expect: dict, *roles: str) -> dict:
    return {**expect, **{role: 404 for role in roles if expect[role] != 403}}


ROWS = [
    Route("students.messages", "GET", _students("/students/{own}/messages"), EVERY_STAFF, partial=True),
    Route("students.messages", "GET", _students("/students/{colleague}/messages?page=2"),
          _outside(EVERY_STAFF, *COLLEAGUE), partial=True, name="colleague"),
    Route("students.messages", "GET", _students("/students/{other_campus}/messages"),
          _outside(EVERY_STAFF, *OTHER_CAMPUS), partial=True, name="other-campus"),
    Route("admin.notification_failures", "GET", lambda world: "/admin/notifications/failures?show=failed", OFFICE),
    Route("admin.notification_retry", "POST", _failures("/admin/notifications/{own}/retry"), OFFICE),
    Route("admin.notification_retry", "POST", _failures("/admin/notifications/{other}/retry"),
          _outside(OFFICE, "manager"), name="other-campus"),
    Route("admin.notification_retry_shown", "POST", lambda world: "/admin/notifications/retry", OFFICE,
          data={"ids": "1,2,3"}),
]


def _failed(student) -> Notification:
    row = Notification(event_key=f"matrix:{student.id}", recipient="p0", student_id=student.id,
                       campus_id=student.campus_id, kind=NotificationKind.LESSON_DEDUCTED,
                       channel=NotificationChannel.EMAIL, status=DeliveryStatus.FAILED, attempts=5,
                       last_error="ConnectionRefusedError: away", subject="课消通知", body="矩阵通知")
    db.session.add(row)
    return row


def build(users, campuses) -> dict:
    own = _failed(make_student(campuses[0], name="矩阵通知学员", owner=users["sales"]))
    other = _failed(make_student(campuses[1], name="矩阵二校通知学员", owner=users["sales_b"]))
    db.session.flush()
    return {"notification_views": {"own": own.id, "other": other.id}}
