"""Status changes with approval and reviews.

Requests: admin, manager, sales (own students), academic; deciding: admin and the campus's manager; history and
reviews panels: everyone who sees the student; replies: the reviewed teacher, the campus's manager, admin.
Out of scope is 404: sales2's student for sales and teacher, the second campus for the first campus's staff,
another teacher's review for teacher.
"""
import datetime as dt

from eduflow.extensions import db
from eduflow.models import Review, Role, StatusChange, StatusChangeKind, StudentStatus
from tests.factories import enroll, make_class, make_course, make_student, make_user
from tests.matrix import EVERY_STAFF, LOGIN, ROLES, Route, only

REQUESTERS = only("admin", "manager", "sales", "academic")
DECIDERS = only("admin", "manager")
REPLIERS = only("admin", "manager", "teacher")
REQUEST = {"kind": "suspend", "reason": "矩阵申请"}
DECISION = {"decision": "reject", "notes": "矩阵拒绝"}
REPLY = {"reply": "矩阵回复"}
# Route.data cannot name the world's ids: a review without a course is refused (422) once access is granted.
REVIEW = {"overall_rating": "5", "course_rating": "5", "teacher_rating": "5", "comment": "矩阵评价"}


def at(template: str):
    return lambda world: template.format(**world["students_status"])


def _outside(expect: dict, *roles: str) -> dict:
    """The same expectation, with 404 for the roles that may use the route but not see this record."""
    return {**expect, **{role: 404 for role in roles if expect[role] != 403}}


COLLEAGUE = ("sales", "teacher")  # sales2's student, in no class of `teacher`
OTHER_CAMPUS = ("manager", "sales", "academic", "teacher")
UNKNOWN = {role: LOGIN if role == "anonymous" else 404 for role in ROLES}

ROWS = [
    Route("students.status_request", "GET", at("/students/{own}/status-requests"), REQUESTERS),
    Route("students.status_request", "GET", at("/students/{own}/status-requests?kind=refund&enrollment={enrollment}"),
          REQUESTERS, partial=True, name="refresh"),
    Route("students.status_request", "POST", at("/students/{own}/status-requests"), REQUESTERS, data=REQUEST),
    Route("students.status_request", "GET", at("/students/{colleague}/status-requests"),
          _outside(REQUESTERS, *COLLEAGUE), name="colleague"),
    Route("students.status_request", "POST", at("/students/{colleague}/status-requests"),
          _outside(REQUESTERS, *COLLEAGUE), data=REQUEST, name="colleague"),
    Route("students.status_request", "POST", at("/students/{other_campus}/status-requests"),
          _outside(REQUESTERS, *OTHER_CAMPUS), data=REQUEST, name="other-campus"),
    Route("students.approvals", "GET", at("/students/approvals"), DECIDERS),
    Route("students.status_decide", "POST", at("/students/status-requests/{own_change}/decide"), DECIDERS,
          partial=True, data=DECISION),
    Route("students.status_decide", "POST", at("/students/status-requests/{other_campus_change}/decide"),
          _outside(DECIDERS, *OTHER_CAMPUS), partial=True, data=DECISION, name="other-campus"),
    Route("students.status_decide", "POST", at("/students/status-requests/999999/decide"),
          {**UNKNOWN, "sales": 403, "academic": 403, "teacher": 403}, partial=True, data=DECISION, name="unknown"),
    Route("students.status_panel", "GET", at("/students/{own}/status-panel"), EVERY_STAFF, partial=True),
    Route("students.status_panel", "GET", at("/students/{colleague}/status-panel"), _outside(EVERY_STAFF, *COLLEAGUE),
          partial=True, name="colleague"),
    Route("students.status_panel", "GET", at("/students/{other_campus}/status-panel"),
          _outside(EVERY_STAFF, *OTHER_CAMPUS), partial=True, name="other-campus"),
    Route("students.review_new", "GET", at("/students/{own}/reviews/new"), REQUESTERS),
    Route("students.review_new", "POST", at("/students/{own}/reviews/new"), REQUESTERS, data=REVIEW),
    Route("students.review_new", "GET", at("/students/{colleague}/reviews/new"), _outside(REQUESTERS, *COLLEAGUE),
          name="colleague"),
    Route("students.review_new", "POST", at("/students/{other_campus}/reviews/new"),
          _outside(REQUESTERS, *OTHER_CAMPUS), data=REVIEW, name="other-campus"),
    Route("students.review_reply", "POST", at("/students/reviews/{own_review}/reply"), REPLIERS, partial=True,
          data=REPLY),
    Route("students.review_reply", "POST", at("/students/reviews/{colleague_teacher_review}/reply"),
          _outside(REPLIERS, "teacher"), partial=True, data=REPLY, name="another-teachers-review"),
    Route("students.review_reply", "POST", at("/students/reviews/{other_campus_review}/reply"),
          _outside(REPLIERS, *OTHER_CAMPUS), partial=True, data=REPLY, name="other-campus"),
    Route("students.reviews_panel", "GET", at("/students/{own}/reviews-panel"), EVERY_STAFF, partial=True),
    Route("students.reviews_panel", "GET", at("/students/{colleague}/reviews-panel"),
          _outside(EVERY_STAFF, *COLLEAGUE), partial=True, name="colleague"),
    Route("students.reviews_panel", "GET", at("/students/{other_campus}/reviews-panel"),
          _outside(EVERY_STAFF, *OTHER_CAMPUS), partial=True, name="other-campus"),
    Route("students.reviews", "GET", at("/students/reviews"), EVERY_STAFF),
]


def _enrolled(users, campus, owner: str, name: str, group, course, contract: str) -> tuple:
    student = make_student(campus, name=name, owner=users[owner], status=StudentStatus.ACTIVE)
    enrollment = enroll(student, course, by=users["admin"], group=group, lessons=10, fee="1000", paid="1000",
                        contract_no=contract)
    return student, enrollment


def _review(student, course, teacher) -> Review:
    review = Review(student_id=student.id, course_id=course.id, teacher_id=teacher.id, overall_rating=4,
                    course_rating=4, teacher_rating=4, reviewed_on=dt.date(2025, 1, 6))
    db.session.add(review)
    return review


def _change(student, by) -> StatusChange:
    change = StatusChange(student_id=student.id, kind=StatusChangeKind.GRADUATE, old_status=StudentStatus.ACTIVE,
                          new_status=StudentStatus.GRADUATED, reason="矩阵毕业", requested_by_id=by.id)
    db.session.add(change)
    return change


def build(users, campuses) -> dict:
    """Students of sales (in teacher's class), sales2 and the second campus; a pending request and reviews."""
    first, second = campuses
    course = make_course("矩阵状态课程")
    own_class = make_class(course, first, name="矩阵状态一班", head=users["teacher"])
    plain_class = make_class(course, first, name="矩阵状态二班")
    other_class = make_class(course, second, name="矩阵状态二校班")
    own, enrollment = _enrolled(users, first, "sales", "矩阵状态学员", own_class, course, "MX-SS-1")
    colleague, _ = _enrolled(users, first, "sales2", "矩阵状态同事学员", plain_class, course, "MX-SS-2")
    other, _ = _enrolled(users, second, "sales_b", "矩阵状态二校学员", other_class, course, "MX-SS-3")
    colleague_teacher = make_user("ss_teacher2", Role.TEACHER, first)
    changes = {"own_change": _change(own, users["sales"]), "other_campus_change": _change(other, users["sales_b"])}
    reviews = {"own_review": _review(own, course, users["teacher"]),
               "colleague_teacher_review": _review(own, course, colleague_teacher),
               "other_campus_review": _review(other, course, users["teacher_b"])}
    db.session.flush()
    return {"students_status": {
        "own": own.id, "colleague": colleague.id, "other_campus": other.id, "enrollment": enrollment.id,
        **{key: change.id for key, change in changes.items()}, **{key: review.id for key, review in reviews.items()},
    }}
