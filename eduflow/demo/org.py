"""The school itself: campuses and classrooms, the ten staff accounts, courses and tags."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from eduflow.access import has_role
from eduflow.admin.services import create_user
from eduflow.demo.context import DemoContext
from eduflow.extensions import db
from eduflow.models import Campus, Classroom, Course, Role, SourceChannel, Tag, TagCategory, TagKind
from eduflow.reference import ensure_reference_data

CAMPUSES = (
    ("朝阳校区", "北京市朝阳区望京街道阜通东大街 6 号方恒国际中心 B 座 3 层", "010-64728899",
     (("101 英语教室", 12), ("102 思维教室", 12), ("201 美术教室", 16), ("202 编程机房", 10), ("203 书法教室", 14))),
    ("海淀校区", "北京市海淀区中关村大街 27 号中关村大厦 5 层", "010-82613355",
     (("A01 教室", 12), ("A02 教室", 12), ("B01 美术教室", 16), ("B02 编程机房", 10))),
)

# username, role, campus index, position. Campus 0 has two teachers, so there are ten accounts.
STAFF = (
    ("admin", Role.ADMIN, None, "系统管理员"),
    ("manager1", Role.MANAGER, 0, "校区主管"),
    ("sales1", Role.SALES, 0, "课程顾问"),
    ("sales2", Role.SALES, 0, "课程顾问"),
    ("academic1", Role.ACADEMIC, 0, "教务老师"),
    ("teacher1", Role.TEACHER, 0, "英语 / 思维老师"),
    ("teacher3", Role.TEACHER, 0, "美术 / 编程 / 书法老师"),
    ("manager2", Role.MANAGER, 1, "校区主管"),
    ("sales3", Role.SALES, 1, "课程顾问"),
    ("teacher2", Role.TEACHER, 1, "全科老师"),
)

# name, description, total lessons (课时), price of the whole package (yuan), active
COURSES = (
    ("少儿英语", "剑桥少儿英语体系，外教 + 中教双师授课，适合 5–12 岁。", 48, "9600", True),
    ("思维数学", "数感、逻辑推理与空间思维训练，衔接小学数学，适合 5–10 岁。", 40, "7600", True),
    ("创意美术", "绘画、手工与艺术欣赏综合课程，培养观察力和表达力。", 32, "5120", True),
    ("少儿编程", "从 Scratch 图形化编程到 Python 入门，每次课 2 课时，适合 8–14 岁。", 36, "10800", True),
    ("硬笔书法", "规范楷书书写，纠正握笔和坐姿，短期集训。", 24, "3360", True),
    ("小主持人口才", "朗诵、演讲与舞台表现（本学期暂停招生）。", 30, "6000", False),
)

TAGS = (
    ("价格敏感", TagCategory.NEED), ("重视升学", TagCategory.NEED), ("周末上课", TagCategory.NEED),
    ("课后托管需求", TagCategory.NEED), ("意向强烈", TagCategory.VALUE), ("多孩家庭", TagCategory.CUSTOM),
    ("老学员家长", TagCategory.CUSTOM), ("望京片区", TagCategory.REGION), ("中关村片区", TagCategory.REGION),
    ("互联网从业", TagCategory.INDUSTRY), ("教师家庭", TagCategory.INDUSTRY),
)


def build_org(ctx: DemoContext, password: str) -> None:
    ensure_reference_data()
    sources = db.session.scalars(select(SourceChannel).order_by(SourceChannel.id))
    ctx.sources = {source.name: source for source in sources}
    ctx.tags = {tag.name: tag for tag in db.session.scalars(select(Tag).order_by(Tag.id))}

    for index, (name, address, phone, rooms) in enumerate(CAMPUSES):
        campus = Campus(name=name, address=address, phone=phone, created_at=ctx.utc(ctx.days_ago(900), 10))
        ctx.campuses.append(campus)
        ctx.classrooms[index] = [Classroom(campus=campus, name=room, seats=seats) for room, seats in rooms]
        db.session.add_all([campus, *ctx.classrooms[index]])

    for name, description, lessons, price, active in COURSES:
        ctx.courses[name] = Course(name=name, description=description, total_lessons=lessons, price=Decimal(price),
                                   is_active=active, created_at=ctx.utc(ctx.days_ago(800), 10))
    db.session.add_all(ctx.courses.values())

    for name, category in TAGS:
        ctx.tags[name] = Tag(name=name, category=category, kind=TagKind.MANUAL)
        db.session.add(ctx.tags[name])
    db.session.flush()

    display_names: set[str] = set()
    for username, role, campus_index, position in STAFF:
        display_name = ctx.adult(ctx.chance(0.4))
        while display_name in display_names:
            display_name = ctx.adult(ctx.chance(0.4))
        display_names.add(display_name)
        hired = ctx.days_ago(ctx.rng.randint(120, 1500))
        ctx.users[username] = create_user(
            username=username, display_name=display_name, role=role, password=password,
            campus=None if campus_index is None else ctx.campuses[campus_index],
            position=position, hire_date=hired, phone=ctx.phone(), email=f"{username}@example.com",
            created_at=ctx.utc(hired, 9),
        )


def campus_staff(ctx: DemoContext, campus_index: int, role: Role) -> list:
    campus = ctx.campuses[campus_index]
    return [user for user in ctx.users.values() if has_role(user, role) and user.campus_id == campus.id]
