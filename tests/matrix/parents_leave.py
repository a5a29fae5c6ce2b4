"""请假 and 评价 on the parent side: the parent's child (`child`, PARENT_PHONE, on 一校区) has a lesson tomorrow, a
standing leave request for the day after, and an attended lesson yesterday; another family's child (`other`) has the
same. A parent gets 404 on the other family's lessons and requests; staff get 403 on every parent page."""
import datetime as dt

from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import Attendance, AttendanceStatus, LeaveRequest
from tests import factories
from tests.matrix import PARENT, PARENT_ONLY, Route, fixed

OTHER_FAMILY = {**PARENT_ONLY, PARENT: 404}
REASON = {"reason": "发烧"}
RATINGS = {"overall": "5", "course": "5", "teacher": "5"}


def at(template: str):
    return lambda world: template.format(**world["leave"])


def _pair(endpoint: str, method: str, template: str, data: dict | None = None) -> list[Route]:
    """The parent's own child (OK) and the other family's (404)."""
    return [Route(endpoint, method, at(template.format(who="child")), PARENT_ONLY, data=data or {}),
            Route(endpoint, method, at(template.format(who="other")), OTHER_FAMILY, data=data or {},
                  name="other-family")]


ROWS = [
    *_pair("parent.ask_leave", "GET", "/p/lessons/{{{who}_lesson}}/leave?student={{{who}}}"),
    *_pair("parent.ask_leave", "POST", "/p/lessons/{{{who}_lesson}}/leave?student={{{who}}}", REASON),
    *_pair("parent.withdraw_leave", "POST", "/p/leave/{{{who}_request}}/withdraw"),
    Route("parent.reviews", "GET", fixed("/p/reviews"), PARENT_ONLY),
    *_pair("parent.review_lesson", "GET", "/p/lessons/{{{who}_held}}/review?student={{{who}}}"),
    *_pair("parent.review_lesson", "POST", "/p/lessons/{{{who}_held}}/review?student={{{who}}}", RATINGS),
]


def _family(users, campuses, course, key: str, phone: str) -> dict:
    student = factories.make_student(campuses[0], name=f"矩阵请假{key}", owner=users["sales"])
    factories.make_parent(student, phone=phone)
    group = factories.make_class(course, campuses[0], name=f"矩阵请假班{key}", head=users["teacher"])
    enrollment = factories.enroll(student, course, by=users["academic"], group=group, lessons=10,
                                  contract_no=f"MX-LEAVE-{key}")
    today = school_today()
    lesson = factories.make_lesson(group, today + dt.timedelta(days=1), teacher=users["teacher"])
    later = factories.make_lesson(group, today + dt.timedelta(days=2), teacher=users["teacher"])
    held = factories.make_lesson(group, today - dt.timedelta(days=1), teacher=users["teacher"])
    db.session.add(Attendance(lesson_id=held.id, student_id=student.id, enrollment_id=enrollment.id,
                              status=AttendanceStatus.PRESENT, recorded_by_id=users["teacher"].id))
    leave = LeaveRequest(lesson_id=later.id, student_id=student.id, reason="出差")
    db.session.add(leave)
    db.session.flush()
    return {key: student.id, f"{key}_lesson": lesson.id, f"{key}_held": held.id, f"{key}_request": leave.id}


def build(users, campuses) -> dict:
    course = factories.make_course("矩阵请假课程", total_lessons=10, price="1000")
    return {"leave": {**_family(users, campuses, course, "child", factories.PARENT_PHONE),
                      **_family(users, campuses, course, "other", "13987654321")}}
