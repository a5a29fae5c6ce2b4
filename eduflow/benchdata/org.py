"""The chain itself: what every campus shares (courses, tags, sources, one admin) and each campus's staff."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from eduflow.auth.services import new_session_token
from eduflow.benchdata.context import BenchContext
from eduflow.demo import texts
from eduflow.extensions import db
from eduflow.models import Campus, Classroom, Course, Role, SourceChannel, Tag, TagCategory, TagKind, User
from eduflow.reference import ensure_reference_data
from eduflow.security.passwords import hash_password

BENCH_PASSWORD = "benchmark-password"
ADMIN = "bench-admin"

# name, total lessons (课时), package price (yuan), minutes per lesson, units per lesson
COURSES = (
    ("少儿英语", 48, "9600", 90, 1), ("思维数学", 40, "7600", 90, 1), ("创意美术", 32, "5120", 90, 1),
    ("少儿编程", 36, "10800", 120, 2), ("硬笔书法", 24, "3360", 60, 1),
)
TAGS = (
    ("价格敏感", TagCategory.NEED), ("重视升学", TagCategory.NEED), ("周末上课", TagCategory.NEED),
    ("课后托管需求", TagCategory.NEED), ("意向强烈", TagCategory.VALUE), ("多孩家庭", TagCategory.CUSTOM),
    ("老学员家长", TagCategory.CUSTOM), ("互联网从业", TagCategory.INDUSTRY), ("教师家庭", TagCategory.INDUSTRY),
)
ROOMS = 12


def username(ctx: BenchContext, role: str, number: int | None = None) -> str:
    """bench-c1-manager, bench-c1-sales01, bench-c1-teacher03 …"""
    return f"bench-c{ctx.number}-{role}" + (f"{number:02d}" if number is not None else "")


def build_shared(ctx: BenchContext, password_hash: str) -> None:
    """Reference data, the chain's courses and tags and its one administrator (each created once)."""
    ensure_reference_data()
    ctx.sources = [{"id": s.id, "name": s.name, "is_referral": s.is_referral}
                   for s in db.session.scalars(select(SourceChannel).order_by(SourceChannel.id))]
    for name, lessons, price, minutes, units in COURSES:
        course = db.session.scalar(select(Course).where(Course.name == name))
        if course is None:
            course = Course(name=name, description=f"{name}（基准数据）", total_lessons=lessons,
                            price=Decimal(price), created_at=ctx.utc(ctx.days_ago(1000), 10))
            db.session.add(course)
            db.session.flush()
        ctx.courses.append({"id": course.id, "name": name, "total_lessons": course.total_lessons,
                            "price": course.price, "minutes": minutes, "units": units})
    for name, category in TAGS:
        tag = db.session.scalar(select(Tag).where(Tag.name == name))
        if tag is None:
            tag = Tag(name=name, category=category, kind=TagKind.MANUAL)
            db.session.add(tag)
            db.session.flush()
        ctx.tags[name] = tag.id
    ctx.system_tags = dict(db.session.execute(select(Tag.system_code, Tag.id).where(Tag.system_code.is_not(None))).all())
    if db.session.scalar(select(User.id).where(User.username == ADMIN)) is None:
        _user(ctx, ADMIN, "基准管理员", Role.ADMIN, password_hash, campus_id=None)


def build_campus(ctx: BenchContext, password_hash: str) -> None:
    """The campus, its classrooms and its staff: a manager, an academic, salespeople and teachers."""
    ctx.campus_id = ctx.ids.take(Campus.__table__)
    ctx.rows.add(Campus.__table__, {
        "id": ctx.campus_id, "name": f"基准校区 {ctx.number}", "address": f"北京市朝阳区基准路 {ctx.number} 号",
        "phone": "010-64720000", "is_active": True, "created_at": ctx.utc(ctx.days_ago(1000), 10),
        "updated_at": ctx.utc(ctx.days_ago(1000), 10)})
    for number in range(1, ROOMS + 1):
        room = ctx.ids.take(Classroom.__table__)
        ctx.classrooms.append(room)
        ctx.rows.add(Classroom.__table__, {"id": room, "campus_id": ctx.campus_id, "name": f"{100 + number} 教室",
                                           "seats": 40, "is_active": True})
    ctx.rows.flush()
    _user(ctx, username(ctx, "manager"), _adult(ctx), Role.MANAGER, password_hash, position="校区主管")
    _user(ctx, username(ctx, "academic"), _adult(ctx), Role.ACADEMIC, password_hash, position="教务老师")
    ctx.sales = [_user(ctx, username(ctx, "sales", n), _adult(ctx), Role.SALES, password_hash, position="课程顾问")
                 for n in range(1, ctx.size["sales"] + 1)]
    ctx.teachers = [_user(ctx, username(ctx, "teacher", n), _adult(ctx), Role.TEACHER, password_hash,
                          position="任课老师") for n in range(1, ctx.size["teachers"] + 1)]
    ctx.rows.flush()


def _adult(ctx: BenchContext) -> str:
    male = ctx.chance(0.4)
    return ctx.pick(("王", "李", "张", "刘", "陈", "杨", "赵", "黄")) + ctx.pick(texts.MEN if male else texts.WOMEN)


def _user(ctx: BenchContext, name: str, display_name: str, role: Role, password_hash: str, *,
          campus_id: int | None | bool = True, position: str = "") -> int:
    """An account row with the shared password's hash (hashing once keeps the load fast)."""
    user_id = ctx.ids.take(User.__table__)
    hired = ctx.days_ago(200 + int(ctx.rng.random() * 900))
    ctx.rows.add(User.__table__, {
        "id": user_id, "username": name, "password_hash": password_hash, "display_name": display_name,
        "role": role, "campus_id": ctx.campus_id if campus_id is True else campus_id,
        "email": f"{name}@example.com", "position": position or "系统管理员", "hire_date": hired, "leave_date": None,
        "is_active": True, "locale": None, "session_token": new_session_token(),
        **ctx.phoned(ctx.phone()), "created_at": ctx.utc(hired, 9), "updated_at": ctx.utc(hired, 9)})
    ctx.users[name] = user_id
    return user_id


def password_hash() -> str:
    return hash_password(BENCH_PASSWORD)
