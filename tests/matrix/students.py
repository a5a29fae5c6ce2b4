"""Students and parents: every role lists and opens the students in its scope; teachers only read.
Scope: sales own students, managers and academic staff their campus, teachers the students of their classes."""
from eduflow.models import StudentStatus
from eduflow.students.services import add_parent, create_student
from tests.factories import enroll, make_class, make_course
from tests.matrix import EVERY_STAFF, Route, only

WRITERS = only("admin", "manager", "sales", "academic")
CURSOR = "2099-01-01T00:00:00~follow_up~1"
FOLLOW_UP = {"method": "phone", "content": "矩阵跟进"}
PARENT = {"name": "矩阵家长", "relationship": "父亲", "phone": "13700009999"}


def at(template: str):
    return lambda world: template.format(**world["students"])


def _with(expect: dict, **changes) -> dict:
    return {**expect, **changes}


def _outside(expect: dict, *roles: str) -> dict:
    """The same expectation, with 404 for the roles that may use the route but not see this record."""
    return _with(expect, **{role: 404 for role in roles if expect[role] not in (403,)})


COLLEAGUE = ("sales", "teacher")  # sales2's student, in no class of `teacher`
OTHER_CAMPUS = ("manager", "sales", "academic", "teacher")
EVERYONE = ("admin", "manager", "sales", "academic", "teacher")

ROWS = [
    Route("students.index", "GET", at("/students?q=zhang&low_hours=y"), EVERY_STAFF),
    Route("students.detail", "GET", at("/students/{own}"), EVERY_STAFF),
    Route("students.detail", "GET", at("/students/{colleague}"), _outside(EVERY_STAFF, *COLLEAGUE), name="colleague"),
    Route("students.detail", "GET", at("/students/{other_campus}"), _outside(EVERY_STAFF, *OTHER_CAMPUS),
          name="other-campus"),
    Route("students.ledger", "GET", at("/students/{own}/enrollments/{enrollment}/ledger"), EVERY_STAFF, partial=True),
    Route("students.ledger", "GET", at("/students/{other_campus}/enrollments/{other_enrollment}/ledger"),
          _outside(EVERY_STAFF, *OTHER_CAMPUS), partial=True, name="other-campus"),
    Route("students.ledger", "GET", at("/students/{own}/enrollments/{other_enrollment}/ledger"),
          _outside(EVERY_STAFF, *EVERYONE), partial=True, name="another-students-enrolment"),
    Route("students.timeline", "GET", at("/students/{own}/timeline?before=" + CURSOR), EVERY_STAFF, partial=True),
    Route("students.timeline", "GET", at("/students/{colleague}/timeline?before=" + CURSOR),
          _outside(EVERY_STAFF, *COLLEAGUE), partial=True, name="colleague"),
    Route("students.add_follow_up", "POST", at("/students/{own}/follow-ups"), WRITERS, partial=True, data=FOLLOW_UP),
    Route("students.add_follow_up", "POST", at("/students/{colleague}/follow-ups"), _outside(WRITERS, *COLLEAGUE),
          partial=True, data=FOLLOW_UP, name="colleague"),
    Route("students.new", "GET", at("/students/new"), WRITERS),
    Route("students.new", "POST", at("/students/new"), WRITERS),
    Route("students.edit", "GET", at("/students/{own}/edit"), WRITERS),
    Route("students.edit", "POST", at("/students/{own}/edit"), WRITERS, data={"name": "矩阵改名"}),
    Route("students.edit", "GET", at("/students/{other_campus}/edit"), _outside(WRITERS, *OTHER_CAMPUS),
          name="other-campus"),
    Route("students.edit", "POST", at("/students/{colleague}/edit"), _outside(WRITERS, *COLLEAGUE),
          data={"name": "矩阵改名"}, name="colleague"),
    Route("students.parent_new", "POST", at("/students/{own}/parents"), WRITERS, partial=True, data=PARENT),
    Route("students.parent_new", "POST", at("/students/{other_campus}/parents"), _outside(WRITERS, *OTHER_CAMPUS),
          partial=True, data=PARENT, name="other-campus"),
    Route("students.parent_edit", "GET", at("/students/{own}/parents/{own_parent}/edit"), WRITERS),
    Route("students.parent_edit", "POST", at("/students/{own}/parents/{own_parent}/edit"), WRITERS, data=PARENT),
    Route("students.parent_edit", "GET", at("/students/{own}/parents/{colleague_parent}/edit"),
          _outside(WRITERS, *EVERYONE), name="another-students-parent"),
    Route("students.parent_primary", "POST", at("/students/{own}/parents/{second_parent}/primary"), WRITERS,
          partial=True),
    Route("students.parent_primary", "POST", at("/students/{colleague}/parents/{colleague_parent}/primary"),
          _outside(WRITERS, *COLLEAGUE), partial=True, name="colleague"),
    Route("students.parent_delete", "POST", at("/students/{own}/parents/{second_parent}/delete"), WRITERS,
          partial=True),
    Route("students.parent_delete", "POST", at("/students/{own}/parents/{colleague_parent}/delete"),
          _outside(WRITERS, *EVERYONE), partial=True, name="another-students-parent"),
]


def _student(users, campus, owner: str, name: str, phone: str):
    return create_student(by=users["admin"], campus_id=campus.id, status=StudentStatus.ACTIVE, name=name,
                          owner_id=users[owner].id, parent={"name": f"{name}家长", "phone": phone})


def build(users, campuses) -> dict:
    first, second = campuses
    course = make_course("矩阵学员课程")
    own_class = make_class(course, first, name="矩阵一班", head=users["teacher"])
    other_class = make_class(course, second, name="矩阵二校班")
    own = _student(users, first, "sales", "矩阵学员", "13700000001")
    colleague = _student(users, first, "sales2", "矩阵同事学员", "13700000002")
    other = _student(users, second, "sales_b", "矩阵二校学员", "13700000003")
    second_parent = add_parent(own, name="矩阵第二家长", phone="13700000004")
    enrollment = enroll(own, course, by=users["admin"], group=own_class, lessons=10, fee="100",
                        contract_no="MX-STU-1")
    other_enrollment = enroll(other, course, by=users["admin"], group=other_class, lessons=10, fee="100",
                              contract_no="MX-STU-2")
    return {"students": {
        "own": own.id, "colleague": colleague.id, "other_campus": other.id, "enrollment": enrollment.id,
        "other_enrollment": other_enrollment.id, "own_parent": own.parents[0].id, "second_parent": second_parent.id,
        "colleague_parent": colleague.parents[0].id,
    }}
