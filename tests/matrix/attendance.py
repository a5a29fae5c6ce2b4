"""The attendance sheet and the day's lessons: admins, managers, academic staff and teachers; never sales.

Scope: a teacher sees lessons they teach or of classes they head or teach in, and marks only lessons they teach
or whose class they head; managers and academic staff see their campus only.
"""
from __future__ import annotations

from eduflow.attendance.services import school_today
from eduflow.extensions import db
from eduflow.models import TrialLesson
from tests.factories import enroll, make_class, make_course, make_lead, make_lesson, make_student
from tests.matrix import Route, only

MARKERS = only("admin", "manager", "academic", "teacher")
BOOKERS = only("admin", "manager", "academic")
PRESENT = {"status": "present"}


def at(template: str):
    return lambda world: template.format(**world["attendance"])


def _with(expect: dict, **changes) -> dict:
    return {**expect, **changes}


OTHER_CAMPUS = dict(manager=404, academic=404, teacher=404)

ROWS = [
    Route("attendance.today", "GET", at("/today"), MARKERS),
    Route("attendance.today", "GET", at("/today?day=not-a-date"), MARKERS, name="bad-day"),
    Route("attendance.sheet", "GET", at("/lessons/{lesson}/attendance"), MARKERS),
    Route("attendance.sheet", "GET", at("/lessons/{other_campus_lesson}/attendance"), _with(MARKERS, **OTHER_CAMPUS),
          name="other-campus"),
    Route("attendance.sheet", "GET", at("/lessons/{untaught_lesson}/attendance"), _with(MARKERS, teacher=404),
          name="class-not-taught"),
    Route("attendance.mark", "POST", at("/lessons/{lesson}/attendance/{student}"), MARKERS, partial=True,
          data=PRESENT),
    Route("attendance.mark", "POST", at("/lessons/{other_campus_lesson}/attendance/{other_campus_student}"),
          _with(MARKERS, **OTHER_CAMPUS), partial=True, data=PRESENT, name="other-campus"),
    Route("attendance.mark", "POST", at("/lessons/{untaught_lesson}/attendance/{untaught_student}"),
          _with(MARKERS, teacher=404), partial=True, data=PRESENT, name="class-not-taught"),
    # The teacher teaches another lesson of this class, so sees this one, but may not mark it.
    Route("attendance.mark", "POST", at("/lessons/{colleague_lesson}/attendance/{shared_student}"),
          _with(MARKERS, teacher=403), partial=True, data=PRESENT, name="colleague-lesson"),
    Route("attendance.mark", "POST", at("/lessons/{lesson}/attendance/{untaught_student}"),
          _with(MARKERS, admin=404, manager=404, academic=404, teacher=404), partial=True, data=PRESENT,
          name="not-on-roster"),
    Route("attendance.mark_all", "POST", at("/lessons/{lesson}/attendance/all"), MARKERS, partial=True),
    Route("attendance.mark_all", "POST", at("/lessons/{other_campus_lesson}/attendance/all"),
          _with(MARKERS, **OTHER_CAMPUS), partial=True, name="other-campus"),
    # Route.data cannot name the world's ids: allowed roles get a 422 (no lesson chosen);
    # real bookings are tested in tests/attendance.
    Route("attendance.book_makeup", "POST", at("/lessons/{lesson}/attendance/{student}/makeup"), BOOKERS,
          partial=True),
    Route("attendance.book_makeup", "POST",
          at("/lessons/{other_campus_lesson}/attendance/{other_campus_student}/makeup"),
          _with(BOOKERS, manager=404, academic=404), partial=True, name="other-campus"),
    Route("attendance.mark_trial", "POST", at("/lessons/{lesson}/attendance/trials/{trial}"), MARKERS, partial=True,
          data={"status": "attended"}),
    Route("attendance.mark_trial", "POST", at("/lessons/{untaught_lesson}/attendance/trials/{trial}"),
          _with(MARKERS, admin=404, manager=404, academic=404, teacher=404), partial=True,
          data={"status": "attended"}, name="trial-of-another-lesson"),
]


def _student(group, name: str, owner, by, contract_no: str):
    student = make_student(group.campus, name=name, owner=owner)
    enroll(student, group.course, by=by, group=group, lessons=10, fee="1000", contract_no=contract_no)
    return student


def build(users, campuses) -> dict:
    first, second = campuses
    course = make_course("矩阵考勤课")
    groups = {key: make_class(course, campus, name=f"矩阵{key}", head=head, capacity=20)
              for key, campus, head in (("own", first, users["teacher"]), ("untaught", first, None),
                                        ("shared", first, None), ("other", second, users["teacher_b"]))}
    today, teacher = school_today(), users["teacher"]
    lessons = {"lesson": make_lesson(groups["own"], today, teacher=teacher),
               "untaught_lesson": make_lesson(groups["untaught"], today),
               "taught_shared": make_lesson(groups["shared"], today, teacher=teacher),
               "colleague_lesson": make_lesson(groups["shared"], today),
               "other_campus_lesson": make_lesson(groups["other"], today, teacher=users["teacher_b"])}
    by = users["academic"]
    students = {"student": _student(groups["own"], "矩阵学员", users["sales"], by, "MX-ATT-1"),
                "untaught_student": _student(groups["untaught"], "矩阵他班", users["sales"], by, "MX-ATT-2"),
                "shared_student": _student(groups["shared"], "矩阵合班", users["sales"], by, "MX-ATT-3"),
                "other_campus_student": _student(groups["other"], "矩阵二校", users["sales_b"], users["manager_b"],
                                                 "MX-ATT-4")}
    lead = make_lead(first, name="矩阵试听", owner=users["sales"])
    trial = TrialLesson(lead_id=lead.id, lesson_id=lessons["lesson"].id)
    db.session.add(trial)
    db.session.flush()
    ids = {key: record.id for key, record in {**lessons, **students}.items()}
    return {"attendance": {**ids, "trial": trial.id}}
