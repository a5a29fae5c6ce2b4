"""Enrolments and renewal reminders: admin, manager, sales (own students), academic; reminders without academic.
Scope rows: sales gets 404 on sales2's student, managers and academics on the second campus's."""
from eduflow.extensions import db
from eduflow.models import ReminderKind, RenewalReminder
from tests.factories import enroll, make_class, make_course, make_student
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
    course = make_course("矩阵报名课程", total_lessons=10, price="1000")
    ids = {}
    for n, (key, owner, campus) in enumerate((("own", "sales", 0), ("colleague", "sales2", 0),
                                              ("other_campus", "sales_b", 1)), start=1):
        student = make_student(campuses[campus], name=f"矩阵报名{n}", owner=users[owner])
        group = make_class(course, campuses[campus], name=f"矩阵报名班{n}", capacity=5)
        enrollment = enroll(student, course, by=users[owner], group=group, lessons=10, fee="1000",
                            contract_no=f"MX-ENR-{n}")
        reminder = RenewalReminder(student_id=student.id, enrollment_id=enrollment.id, kind=ReminderKind.LOW_HOURS,
                                   trigger_value="3", assigned_to_id=users[owner].id)
        db.session.add(reminder)
        db.session.flush()
        ids |= {key: enrollment.id, f"{key}_student": student.id, f"{key}_reminder": reminder.id}
    return {"enrollments": ids}
