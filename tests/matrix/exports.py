"""Exports: the exports page and every download, for managers and admins only (403 for sales, academic, teacher).
Scope rows: a filter naming the second campus's class or student is 404 for the first campus's manager."""
from tests.factories import enroll, make_class, make_course, make_student
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
    course = make_course("矩阵导出课程", total_lessons=5, price="100")
    group = make_class(course, campuses[1], name="矩阵导出班", capacity=5)
    student = make_student(campuses[1], name="矩阵导出学员", owner=users["sales_b"])
    enroll(student, course, by=users["sales_b"], group=group, lessons=5, fee="100", contract_no="MX-EXP-1")
    return {"exports": {"other_class": group.id, "other_student": student.id}}
