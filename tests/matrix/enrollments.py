"""Enrolments and renewal reminders: admin, manager, sales (own students), academic; reminders without academic.
Scope rows: sales gets 404 on sales2's student, managers and academics on the second campus's."""
from decimal import Decimal

from eduflow.enrollments.creation import create_enrollment
from eduflow.extensions import db
from eduflow.models import ClassGroup, Course, ReminderKind, RenewalReminder, Student
from tests.matrix import Route, only

ENROL = only("admin", "manager", "sales", "academic")
REMIND = only("admin", "manager", "sales")
COLLEAGUE = {"sales": 404}
OTHER_CAMPUS = {"manager": 404, "sales": 404, "academic": 404}


def at(template: str):
    return lambda world: template.format(**world["enrollments"])


def _with(expect: dict, changes: dict) -> dict:
    return {**expect, **changes}


def _scoped(endpoint, method, template, expect, **kwargs) -> list[Route]:
    """Rows for the user's own record (`<k>` in the template becomes own), then the colleague's and the other
    campus's (404 where out of scope)."""
    return [Route(endpoint, method, at(template.replace("<k>", "own")), expect, **kwargs)] + [
        Route(endpoint, method, at(template.replace("<k>", key)),
              _with(expect, {role: code for role, code in out.items() if expect[role] != 403}), name=key, **kwargs)
        for key, out in (("colleague", COLLEAGUE), ("other_campus", OTHER_CAMPUS))]


ROWS = [
    Route("enrollments.index", "GET", at("/enrollments"), ENROL),
    Route("enrollments.index", "GET", at("/enrollments?owing=y"), ENROL, partial=True, name="fragment"),
    Route("enrollments.new", "GET", at("/enrollments/new?q=矩阵"), ENROL, name="pick-student"),
    *_scoped("enrollments.new", "GET", "/enrollments/new?student_id={<k>_student}", ENROL),
    *_scoped("enrollments.new", "POST", "/enrollments/new?student_id={<k>_student}", ENROL),
    *_scoped("enrollments.detail", "GET", "/enrollments/{<k>}", ENROL),
    *_scoped("enrollments.payment_new", "POST", "/enrollments/{<k>}/payments", ENROL, partial=True),
    *_scoped("enrollments.contract_status", "POST", "/enrollments/{<k>}/contract-status", ENROL, partial=True),
    *_scoped("enrollments.renew", "GET", "/enrollments/{<k>}/renew", ENROL),
    *_scoped("enrollments.renew", "POST", "/enrollments/{<k>}/renew", ENROL),
    Route("enrollments.reminders", "GET", at("/enrollments/reminders"), REMIND),
    Route("enrollments.reminders", "GET", at("/enrollments/reminders?status=pending"), REMIND, partial=True,
          name="fragment"),
    *_scoped("enrollments.reminder_process", "POST", "/enrollments/reminders/{<k>_reminder}/process", REMIND,
             partial=True),
    Route("enrollments.detail", "GET", at("/enrollments/999999"),
          {"anonymous": "login", "admin": 404, "manager": 404, "sales": 404, "academic": 404, "teacher": 403},
          name="unknown"),
]


def build(users, campuses) -> dict:
    """A student, enrolment and pending reminder each for sales, sales2 and the second campus's sales_b."""
    course = Course(name="矩阵报名课程", price=Decimal("1000"), total_lessons=10)
    db.session.add(course)
    db.session.flush()
    ids = {}
    for n, (key, owner, campus) in enumerate((("own", "sales", 0), ("colleague", "sales2", 0),
                                              ("other_campus", "sales_b", 1)), start=1):
        student = Student(name=f"矩阵报名{n}", campus_id=campuses[campus].id, owner_id=users[owner].id)
        group = ClassGroup(name=f"矩阵报名班{n}", course_id=course.id, campus_id=campuses[campus].id, capacity=5)
        db.session.add_all([student, group])
        db.session.flush()
        enrollment = create_enrollment(student, course, by=users[owner], contract_no=f"MX-ENR-{n}",
                                       total_fee=Decimal("1000"), lessons_purchased=10, class_group=group)
        reminder = RenewalReminder(student_id=student.id, enrollment_id=enrollment.id, kind=ReminderKind.LOW_HOURS,
                                   trigger_value="3", assigned_to_id=users[owner].id)
        db.session.add(reminder)
        db.session.flush()
        ids |= {key: enrollment.id, f"{key}_student": student.id, f"{key}_reminder": reminder.id}
    db.session.commit()
    return {"enrollments": ids}
