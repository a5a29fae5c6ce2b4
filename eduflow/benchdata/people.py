"""Students and their parents: one family number each (the student's and the primary parent's)."""
from __future__ import annotations

import datetime as dt

from eduflow.benchdata.context import DAY, BenchContext
from eduflow.demo import texts
from eduflow.models import Gender, Parent, Student, StudentNameKey, StudentStatus
from eduflow.models.name_keys import name_key_rows

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"


def child_name(ctx: BenchContext, male: bool) -> str:
    return ctx.pick(SURNAMES) + ctx.pick(texts.BOY_NAMES if male else texts.GIRL_NAMES)


def plan_students(ctx: BenchContext) -> None:
    """Who the students are (names, owners, families); when each joined is settled by the seats they take."""
    for _ in range(ctx.size["students"]):
        male = ctx.chance(0.5)
        ctx.students.append({
            "id": ctx.ids.take(Student.__table__), "name": child_name(ctx, male),
            "gender": Gender.MALE if male else Gender.FEMALE, "phone": ctx.phone(), "owner_id": ctx.pick(ctx.sales),
            "source_id": ctx.pick(ctx.sources)["id"], "seats": [],
            "since": ctx.office_time(ctx.days_ago(30 + int(ctx.rng.random() * 700)))})


def build_students(ctx: BenchContext) -> None:
    """Insert the students (status from their enrolments) and one or two parents each."""
    for student in ctx.students:
        if student["seats"]:
            first = min(seat["enrolled_on"] for seat in student["seats"])
            student["since"] = min(student["since"], ctx.office_time(first - int(ctx.rng.random() * 10) * DAY))
        _add_student(ctx, student)
    ctx.rows.flush()


def _status(student: dict) -> StudentStatus:
    if any(seat["active"] for seat in student["seats"]):
        return StudentStatus.ACTIVE
    return StudentStatus.GRADUATED if student["seats"] else StudentStatus.POTENTIAL


def _add_student(ctx: BenchContext, student: dict) -> None:
    since: dt.datetime = student["since"]
    birth = ctx.today - dt.timedelta(days=4 * 365 + int(ctx.rng.random() * 3200))
    ctx.rows.add(Student.__table__, {
        "id": student["id"], **ctx.named(student["name"]), **ctx.phoned(student["phone"]),
        "gender": student["gender"], "birth_date": birth, "email": None, "id_card": None,
        "address": f"北京市朝阳区望京西园{1 + int(ctx.rng.random() * 24)}号楼", "source_id": student["source_id"],
        "status": _status(student), "campus_id": ctx.campus_id, "owner_id": student["owner_id"], "notes": "",
        "suspended_from": None, "returns_on": None, "deleted_at": None, "created_at": since, "updated_at": since})
    for row in name_key_rows("student_id", student["id"], ctx.campus_id, student["name"]):
        ctx.rows.add(StudentNameKey.__table__, row)
    relation = ctx.weighted(texts.RELATIONS)
    _add_parent(ctx, student, relation, student["phone"], primary=True)
    if ctx.chance(0.4):
        _add_parent(ctx, student, "爸爸" if relation != "爸爸" else "妈妈", ctx.phone(), primary=False)


def _add_parent(ctx: BenchContext, student: dict, relation: str, phone: str, *, primary: bool) -> None:
    paternal = relation in ("爸爸", "爷爷")
    names = texts.MEN if relation in ("爸爸",) else texts.OLD_MEN if relation == "爷爷" else (
        texts.WOMEN if relation == "妈妈" else texts.OLD_WOMEN)
    surname = student["name"][0] if paternal else ctx.pick(SURNAMES)
    ctx.rows.add(Parent.__table__, {
        "id": ctx.ids.take(Parent.__table__), "student_id": student["id"], "name": surname + ctx.pick(names),
        "relationship": relation, "wechat_id": "", "email": None, "is_primary": primary, **ctx.phoned(phone),
        "created_at": student["since"], "updated_at": student["since"]})
