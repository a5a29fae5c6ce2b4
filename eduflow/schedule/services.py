"""Classes and lessons without HTTP: class rules, one lesson or a weekly pattern, and no double-booking.

Clash rule: a teacher, a classroom or a class never has two lessons overlapping on one date
(overlap = start < other.end and other.start < end, so touching ends is fine).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload

from eduflow.access import is_teacher
from eduflow.domain import DomainError
from eduflow.enrollments.creation import head_counts
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.locks import lock_rows
from eduflow.models import (
    Attendance, Campus, Classroom, ClassGroup, Course, LeaveRequest, Lesson, LessonLedgerEntry, Makeup, TrialLesson,
    User,
)
from eduflow.notifications.family_events import lesson_cancelled, lesson_moved, placement

MAX_PATTERN_LESSONS = 200
MAX_UNITS = 10
PAST_LIMIT = dt.timedelta(days=366)  # lessons are planned (or back-filled) within a year ...
FUTURE_LIMIT = dt.timedelta(days=2 * 366)  # ... and at most two years ahead: anything else is a typo


# ---------- classes ----------

@dataclass(frozen=True)
class ClassDetails:
    """What a class form decides: the records are loaded, the rules are checked here."""

    name: str
    course: Course | None
    campus: Campus | None
    head_teacher: User | None
    classroom: Classroom | None
    start_date: dt.date | None
    end_date: dt.date | None
    capacity: int


def _is_campus_teacher(user: User | None, campus_id: int) -> bool:
    return user is not None and is_teacher(user) and user.is_active and user.campus_id == campus_id


def _kept(current, attr: str, record) -> bool:
    """Whether an edit keeps the record it already had (which may since have been deactivated)."""
    return current is not None and record is not None and getattr(current, attr) == record.id


def _check_class(details: ClassDetails, current: ClassGroup | None) -> None:
    if details.campus is None:
        raise DomainError(_("请选择校区。"))
    if details.course is None or not (details.course.is_active or _kept(current, "course_id", details.course)):
        raise DomainError(_("请选择一门启用中的课程。"))
    teacher = details.head_teacher
    if teacher and not (_kept(current, "head_teacher_id", teacher) or _is_campus_teacher(teacher, details.campus.id)):
        raise DomainError(_("班主任必须是本校区在职的教师。"))
    room = details.classroom
    if room and (room.campus_id != details.campus.id or not (room.is_active or _kept(current, "classroom_id", room))):
        raise DomainError(_("教室必须是本校区启用中的教室。"))
    if details.start_date and details.end_date and details.end_date < details.start_date:
        raise DomainError(_("结课日期不能早于开课日期。"))
    if details.capacity < 1:
        raise DomainError(_("班级容量至少为 1 人。"))


def _apply(class_group: ClassGroup, details: ClassDetails) -> None:
    class_group.name = details.name
    class_group.course_id = details.course.id
    class_group.campus_id = details.campus.id
    class_group.head_teacher_id = details.head_teacher.id if details.head_teacher else None
    class_group.classroom_id = details.classroom.id if details.classroom else None
    class_group.start_date, class_group.end_date = details.start_date, details.end_date
    class_group.capacity = details.capacity


def create_class(details: ClassDetails) -> ClassGroup:
    """Open a class: an active course, a head teacher and classroom of its campus, sane dates."""
    _check_class(details, None)
    class_group = ClassGroup()
    _apply(class_group, details)
    db.session.add(class_group)
    db.session.flush()
    return class_group


def update_class(class_group: ClassGroup, details: ClassDetails) -> ClassGroup:
    """Edit a class; capacity never drops below the head count, a class in use keeps its campus and course."""
    _check_class(details, class_group)
    count = head_counts([class_group.id])[class_group.id]
    if details.capacity < count:
        raise DomainError(_("班级现有 %(n)s 名在读学员，容量不能低于 %(n)s。", n=count))
    in_use = count or db.session.scalar(select(exists().where(Lesson.class_id == class_group.id)))
    if in_use and details.campus.id != class_group.campus_id:
        raise DomainError(_("班级已有学员或课节，不能改到其他校区。"))
    if in_use and details.course.id != class_group.course_id:
        raise DomainError(_("班级已有学员或课节，不能更换课程。"))
    _apply(class_group, details)
    db.session.flush()
    return class_group


# ---------- lessons and clashes ----------

@dataclass(frozen=True)
class Slot:
    """A lesson as planned; `lesson_id` is the lesson being moved (it never clashes with itself)."""

    class_id: int
    lesson_date: dt.date
    start_time: dt.time
    end_time: dt.time
    teacher_id: int | None
    classroom_id: int | None
    lesson_id: int | None = None

    def overlaps(self, lesson: Lesson) -> bool:
        return (lesson.id != self.lesson_id and lesson.lesson_date == self.lesson_date
                and self.start_time < lesson.end_time and lesson.start_time < self.end_time)


@dataclass(frozen=True)
class Clash:
    """A planned slot overlapping an existing lesson of the same teacher, classroom or class."""

    slot: Slot
    lesson: Lesson
    teacher: bool
    classroom: bool
    same_class: bool

    def message(self) -> str:
        other = self.lesson
        facts = {"cls": other.class_group.name, "date": other.lesson_date.isoformat(),
                 "start": other.start_time.strftime("%H:%M"), "end": other.end_time.strftime("%H:%M"),
                 "teacher": other.teacher.display_name if other.teacher else "",
                 "room": other.classroom.name if other.classroom else ""}
        if self.teacher and self.classroom:
            return _("教师 %(teacher)s 和教室 %(room)s 在 %(date)s %(start)s–%(end)s 已有 %(cls)s 的课。", **facts)
        if self.teacher:
            return _("教师 %(teacher)s 在 %(date)s %(start)s–%(end)s 已有 %(cls)s 的课。", **facts)
        if self.classroom:
            return _("教室 %(room)s 在 %(date)s %(start)s–%(end)s 已被 %(cls)s 占用。", **facts)
        return _("本班在 %(date)s %(start)s–%(end)s 已有一节课（%(teacher)s）。", **facts)


class ClashError(DomainError):
    """Lessons refused because they would double-book someone; `clashes` lists every conflict, each lesson once.

    The message names each clashing lesson once: one clash in the sentence itself; several after a headline
    (which a page shows above its list of `clashes`, not the first one again beside it)."""

    def __init__(self, clashes: list[Clash]):
        self.clashes = list({clash.lesson.id: clash for clash in reversed(clashes)}.values())[::-1]
        if len(self.clashes) == 1:
            self.headline = _("排课冲突，未保存任何课节：%(first)s", first=self.clashes[0].message())
            super().__init__(self.headline)
            return
        self.headline = _("排课冲突，未保存任何课节。共 %(n)s 处冲突：", n=len(self.clashes))
        super().__init__(" ".join([self.headline, *(clash.message() for clash in self.clashes)]))


def _lock_resources(slots: list[Slot]) -> None:
    """Serialise bookings of the same teachers and classrooms."""
    lock_rows(User, {s.teacher_id for s in slots if s.teacher_id})
    lock_rows(Classroom, {s.classroom_id for s in slots if s.classroom_id})


def check_clashes(slots: list[Slot]) -> list[Clash]:
    """Every existing lesson that a planned slot would overlap for its teacher, classroom or class."""
    if not slots:
        return []
    people = {s.teacher_id for s in slots if s.teacher_id}
    rooms = {s.classroom_id for s in slots if s.classroom_id}
    classes = {s.class_id for s in slots}
    query = (select(Lesson).options(joinedload(Lesson.class_group), joinedload(Lesson.teacher),
                                    joinedload(Lesson.classroom))
             .where(Lesson.lesson_date.in_({s.lesson_date for s in slots}),
                    or_(Lesson.teacher_id.in_(people), Lesson.classroom_id.in_(rooms), Lesson.class_id.in_(classes)))
             .order_by(Lesson.lesson_date, Lesson.start_time))
    clashes = []
    for lesson in db.session.scalars(query).unique():
        for slot in slots:
            if not slot.overlaps(lesson):
                continue
            teacher = slot.teacher_id is not None and lesson.teacher_id == slot.teacher_id
            room = slot.classroom_id is not None and lesson.classroom_id == slot.classroom_id
            same_class = lesson.class_id == slot.class_id
            if teacher or room or same_class:
                clashes.append(Clash(slot, lesson, teacher, room, same_class))
    return clashes


@dataclass(frozen=True)
class LessonPlan:
    """When and with whom a lesson (or every lesson of a pattern) takes place."""

    start_time: dt.time
    end_time: dt.time
    teacher: User | None
    classroom: Classroom | None
    units: int = 1
    topic: str = ""


def _check_plan(class_group: ClassGroup, plan: LessonPlan, dates: list[dt.date], current: Lesson | None) -> None:
    if plan.end_time <= plan.start_time:
        raise DomainError(_("下课时间必须晚于上课时间。"))
    today = school_today()
    wrong = [day for day in dates if not today - PAST_LIMIT <= day <= today + FUTURE_LIMIT]
    if wrong:
        raise DomainError(_("课节日期 %(date)s 不合理：只能排在一年前到两年后之间。", date=wrong[0].isoformat()))
    if plan.teacher is None:
        raise DomainError(_("请选择上课教师。"))
    if not (_kept(current, "teacher_id", plan.teacher) or _is_campus_teacher(plan.teacher, class_group.campus_id)):
        raise DomainError(_("上课教师必须是本校区在职的教师。"))
    room = plan.classroom
    if room and (room.campus_id != class_group.campus_id
                 or not (room.is_active or _kept(current, "classroom_id", room))):
        raise DomainError(_("教室必须是本校区启用中的教室。"))
    if not 1 <= plan.units <= MAX_UNITS:
        raise DomainError(_("课时数须在 1 到 %(n)s 之间。", n=MAX_UNITS))


def _slot(class_group: ClassGroup, day: dt.date, plan: LessonPlan, lesson_id: int | None = None) -> Slot:
    return Slot(class_group.id, day, plan.start_time, plan.end_time, plan.teacher.id,
                plan.classroom.id if plan.classroom else None, lesson_id)


def _book(slots: list[Slot]) -> None:
    """Refuse the whole batch if any slot clashes; the caller writes nothing before this."""
    _lock_resources(slots)
    clashes = check_clashes(slots)
    if clashes:
        raise ClashError(clashes)


def _new_lessons(class_group: ClassGroup, dates: list[dt.date], plan: LessonPlan) -> list[Lesson]:
    _check_plan(class_group, plan, dates, None)
    _book([_slot(class_group, day, plan) for day in dates])
    lessons = [Lesson(class_id=class_group.id, lesson_date=day, start_time=plan.start_time, end_time=plan.end_time,
                      teacher_id=plan.teacher.id, classroom_id=plan.classroom.id if plan.classroom else None,
                      units=plan.units, topic=plan.topic) for day in dates]
    db.session.add_all(lessons)
    db.session.flush()
    return lessons


def create_lesson(class_group: ClassGroup, lesson_date: dt.date, plan: LessonPlan) -> Lesson:
    """One lesson, refused with the clashing lesson named if its teacher, classroom or class is booked."""
    return _new_lessons(class_group, [lesson_date], plan)[0]


def pattern_dates(weekdays: set[int], first_day: dt.date, last_day: dt.date) -> list[dt.date]:
    """Every date between the two (inclusive) that falls on one of the weekdays (0 = Monday)."""
    days = (last_day - first_day).days + 1
    return [first_day + dt.timedelta(n) for n in range(max(days, 0))
            if (first_day + dt.timedelta(n)).weekday() in weekdays]


def create_pattern(class_group: ClassGroup, weekdays: set[int], first_day: dt.date, last_day: dt.date,
                   plan: LessonPlan) -> list[Lesson]:
    """A weekly pattern's lessons, all or nothing: one clash anywhere and none is created."""
    if not weekdays or not weekdays <= set(range(7)):
        raise DomainError(_("请至少选择一个星期几。"))
    if last_day < first_day:
        raise DomainError(_("结束日期不能早于开始日期。"))
    dates = pattern_dates(weekdays, first_day, last_day)
    if not dates:
        raise DomainError(_("所选日期范围内没有所选的星期几。"))
    if len(dates) > MAX_PATTERN_LESSONS:
        raise DomainError(_("一次最多生成 %(n)s 节课，请缩短日期范围。", n=MAX_PATTERN_LESSONS))
    return _new_lessons(class_group, dates, plan)


def move_lesson(lesson: Lesson, lesson_date: dt.date, plan: LessonPlan) -> Lesson:
    """调课: a new date, time, teacher or classroom under the same clash rule (the lesson never clashes with itself);
    when one of them changed, the families of its roster are told the new one."""
    class_group = lesson.class_group
    plan = LessonPlan(plan.start_time, plan.end_time, plan.teacher, plan.classroom, lesson.units, plan.topic)
    _check_plan(class_group, plan, [lesson_date], lesson)
    _book([_slot(class_group, lesson_date, plan, lesson.id)])
    before = placement(lesson)
    lesson.lesson_date, lesson.start_time, lesson.end_time = lesson_date, plan.start_time, plan.end_time
    lesson.teacher_id = plan.teacher.id
    lesson.classroom_id = plan.classroom.id if plan.classroom else None
    lesson.topic = plan.topic
    db.session.flush()
    lesson_moved(lesson, before, teacher=plan.teacher.display_name,
                 classroom=plan.classroom.name if plan.classroom else None)
    return lesson


def delete_lesson(lesson: Lesson) -> None:
    """Remove a lesson nobody has used yet: no attendance, trial, makeup, ledger row or parent's leave request (even
    withdrawn: it stays on record) refers to it; the families of its roster are told it is cancelled."""
    uses = ((Attendance, _("已有考勤记录")), (TrialLesson, _("已有试听预约")), (Makeup, _("已有补课预约")),
            (LessonLedgerEntry, _("已有课时流水")), (LeaveRequest, _("已有家长的请假申请")))
    for model, reason in uses:
        if db.session.scalar(select(exists().where(model.lesson_id == lesson.id))):
            raise DomainError(_("不能删除这节课：%(reason)s。", reason=reason))
    lesson_cancelled(lesson)
    db.session.delete(lesson)
    db.session.flush()
