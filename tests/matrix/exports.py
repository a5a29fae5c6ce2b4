"""Exports: the exports page and every download, for managers and admins only (403 for sales, academic, teacher).
Scope rows: a filter naming the second campus's class or student is 404 for the first campus's manager."""
from decimal import Decimal

from eduflow.enrollments.creation import create_enrollment
from eduflow.extensions import db
from eduflow.models import ClassGroup, Course, Student
from tests.matrix import Route, only

EXPORT = only("admin", "manager")
OTHER_CAMPUS = {**EXPORT, "manager": 404}
ENTITIES = ("leads", "students", "enrollments", "attendance", "ledger")


def at(template: str):
    return lambda world: template.format(**world["exports"])


ROWS = [
    Route("exports.index", "GET", at("/exports"), EXPORT),
    *[Route("exports.download", "GET", at(f"/exports/{entity}.{fmt}"), EXPORT, name=f"{entity}-{fmt}")
      for entity in ENTITIES for fmt in ("xlsx", "csv")],
    Route("exports.download", "GET", at("/exports/students.csv?class_id={other_class}"), OTHER_CAMPUS,
          name="students-other-campus-class"),
    Route("exports.download", "GET", at("/exports/attendance.xlsx?class_id={other_class}"), OTHER_CAMPUS,
          name="attendance-other-campus-class"),
    Route("exports.download", "GET", at("/exports/ledger.csv?student_id={other_student}"), OTHER_CAMPUS,
          name="ledger-other-campus-student"),
]


def build(users, campuses) -> dict:
    """A class on the second campus with an enrolled student of sales_b."""
    course = Course(name="矩阵导出课程", price=Decimal("100"), total_lessons=5)
    db.session.add(course)
    db.session.flush()
    group = ClassGroup(name="矩阵导出班", course_id=course.id, campus_id=campuses[1].id, capacity=5)
    student = Student(name="矩阵导出学员", campus_id=campuses[1].id, owner_id=users["sales_b"].id)
    db.session.add_all([group, student])
    db.session.flush()
    create_enrollment(student, course, by=users["sales_b"], contract_no="MX-EXP-1", total_fee=Decimal("100"),
                      lessons_purchased=5, class_group=group)
    db.session.commit()
    return {"exports": {"other_class": group.id, "other_student": student.id}}
