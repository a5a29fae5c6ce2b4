"""Students and their parents: the school's existing students and the ones converted from leads."""
from __future__ import annotations

import datetime as dt

from eduflow.demo.context import DemoContext
from eduflow.demo.org import campus_staff
from eduflow.extensions import db
from eduflow.models import Gender, Parent, Role, Student, StudentStatus

EXISTING_STUDENTS = (26, 16)  # per campus, enrolled before the leads in the demo came in
SOURCE_WEIGHTS = {"线上广告": 25, "地推": 15, "转介绍": 22, "官网": 10, "电话咨询": 18, "展会": 6}


def add_student(ctx: DemoContext, campus_index: int, *, name: str, gender: Gender, birth: dt.date, owner,
                source, since: dt.datetime, parent: tuple[str, str], phone: str, email: str | None = None,
                wechat_id: str = "", notes: str = "") -> Student:
    """A student with exactly one primary parent (the contact) and sometimes a second one."""
    student = Student(
        name=name, gender=gender, birth_date=birth, campus=ctx.campuses[campus_index], owner=owner, source=source,
        status=StudentStatus.ACTIVE, address=ctx.address(campus_index), notes=notes,
        id_card=ctx.id_card(birth, gender, campus_index) if ctx.chance(0.5) else None,
        created_at=since, updated_at=since,
    )
    student.phone = phone  # students are children: the family's contact number
    primary = Parent(student=student, name=parent[0], relationship_=parent[1], is_primary=True,
                     wechat_id=wechat_id or ctx.wechat_id(parent[0]), email=email, created_at=since, updated_at=since)
    primary.phone = phone
    family = [primary]
    if ctx.chance(0.4):
        other = "爸爸" if parent[1] != "爸爸" else "妈妈"
        second = Parent(student=student, name=ctx.parent(name, other)[0], relationship_=other, is_primary=False,
                        created_at=since, updated_at=since)
        second.phone = ctx.phone()
        family.append(second)
    db.session.add_all([student, *family])
    ctx.students.setdefault(campus_index, []).append(student)
    ctx.student_meta[id(student)] = {"since": since, "campus": campus_index, "courses": []}
    return student


def build_existing_students(ctx: DemoContext) -> None:
    for campus_index, count in enumerate(EXISTING_STUDENTS):
        sales = campus_staff(ctx, campus_index, Role.SALES)
        for _ in range(count):
            name, gender, birth = ctx.child(5, 13)
            parent = ctx.parent(name)
            source = ctx.sources[ctx.weighted({k: v for k, v in SOURCE_WEIGHTS.items() if k != "转介绍"})]
            since = ctx.office_time(ctx.days_ago(ctx.rng.randint(70, 540)))
            add_student(ctx, campus_index, name=name, gender=gender, birth=birth, owner=ctx.pick(sales),
                        source=source, since=since, parent=parent, phone=ctx.phone(),
                        email=ctx.email(parent[0]) if ctx.chance(0.3) else None)
    db.session.flush()
