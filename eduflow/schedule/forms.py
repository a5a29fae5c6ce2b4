"""Forms of the class and lesson screens and the timetable's GET parameters; rules live in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from eduflow.access import home_campus, is_admin, is_teacher, teacher_accounts
from eduflow.forms import FlaskForm, optional, strip
from eduflow.admin.services import selectable_campuses
from eduflow.extensions import db
from eduflow.models import Campus, Classroom, ClassGroup, Course, Lesson, User
from eduflow.schedule.services import MAX_UNITS, ClassDetails, LessonPlan
from eduflow.schedule.timetable import VIEWS, ClassFilters

WEEKDAYS = [(0, _l("周一")), (1, _l("周二")), (2, _l("周三")), (3, _l("周四")), (4, _l("周五")), (5, _l("周六")),
            (6, _l("周日"))]
VIEW_LABELS = {"campus": _l("校区"), "teacher": _l("教师"), "classroom": _l("教室")}
CLASS_STATUSES = [("active", _l("未结课")), ("ended", _l("已结课")), ("all", _l("全部班级"))]


def _label(record, with_campus: bool) -> str:
    return f"{record} · {record.campus.name}" if with_campus and record.campus else str(record)


def teacher_choices(campus_id: int | None, keep: int | None = None) -> list[tuple[int, str]]:
    """Active teachers of a campus (None: every campus, labelled with it), plus the one already chosen."""
    query = select(User).options(joinedload(User.campus)).where(teacher_accounts(),
                                                                  or_(User.is_active, User.id == keep))
    if campus_id is not None:
        query = query.where(or_(User.campus_id == campus_id, User.id == keep))
    people = db.session.scalars(query.order_by(User.campus_id, User.display_name))
    return [(person.id, _label(person, campus_id is None)) for person in people]


def classroom_choices(campus_id: int | None, keep: int | None = None) -> list[tuple[int, str]]:
    """Active classrooms of a campus (None: every campus, labelled with it), plus the one already chosen."""
    query = select(Classroom).options(joinedload(Classroom.campus)).where(or_(Classroom.is_active,
                                                                              Classroom.id == keep))
    if campus_id is not None:
        query = query.where(or_(Classroom.campus_id == campus_id, Classroom.id == keep))
    rooms = db.session.scalars(query.order_by(Classroom.campus_id, Classroom.name))
    return [(room.id, _label(room, campus_id is None)) for room in rooms]


def course_choices(active_only: bool, keep: int | None = None) -> list[tuple[int, str]]:
    query = select(Course).order_by(Course.name)
    if active_only:
        query = query.where(or_(Course.is_active, Course.id == keep))
    return [(course.id, course.name) for course in db.session.scalars(query)]


def _get(model, ident):
    return db.session.get(model, ident) if ident is not None else None


class DeleteForm(FlaskForm):
    """No fields: the CSRF token of a delete button."""


class ClassFilterForm(FlaskForm):
    """The class list's GET filters (no CSRF); a bad value just does not filter."""

    class Meta:
        csrf = False

    q = StringField(_l("搜索"), filters=[strip], validators=[Length(max=64)])
    campus = SelectField(_l("校区"), coerce=optional(int))
    course = SelectField(_l("课程"), coerce=optional(int))
    teacher = SelectField(_l("班主任"), coerce=optional(int))
    status = SelectField(_l("状态"), choices=CLASS_STATUSES, default="active")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        campus_id = home_campus(user)
        self.campus.choices = [("", _l("全部校区"))] + [(c.id, c.name) for c in selectable_campuses()]
        self.course.choices = [("", _l("全部课程"))] + course_choices(active_only=False)
        self.teacher.choices = [("", _l("全部班主任"))] + teacher_choices(campus_id)
        if not is_admin(user):
            del self.campus
        if is_teacher(user):
            del self.teacher

    def criteria(self) -> ClassFilters:
        self.validate()
        ok = {name: field.data for name, field in self._fields.items() if not field.errors}
        return ClassFilters(q=ok.get("q") or "", campus_id=ok.get("campus"), course_id=ok.get("course"),
                            teacher_id=ok.get("teacher"), status=ok.get("status") or "active")


class ClassForm(FlaskForm):
    """A class's settings; an admin also picks the campus, others create on their own campus."""

    name = StringField(_l("班级名称"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    course_id = SelectField(_l("课程"), coerce=int, validators=[InputRequired()])
    campus_id = SelectField(_l("校区"), coerce=int, validators=[InputRequired()])
    head_teacher_id = SelectField(_l("班主任"), coerce=optional(int))
    classroom_id = SelectField(_l("教室"), coerce=optional(int))
    start_date = DateField(_l("开课日期"), validators=[Optional()])
    end_date = DateField(_l("结课日期"), validators=[Optional()])
    capacity = IntegerField(_l("容量（人）"), default=20, validators=[InputRequired(), NumberRange(min=1, max=500)])

    def __init__(self, *args, user: User, record: ClassGroup | None = None, **kwargs):
        super().__init__(*args, obj=record, **kwargs)
        self.user, self.record = user, record
        keep = {name: getattr(record, name, None) for name in ("campus_id", "course_id", "head_teacher_id",
                                                                "classroom_id")}
        campus_id = None if is_admin(user) else (keep["campus_id"] or user.campus_id)
        self.course_id.choices = course_choices(active_only=True, keep=keep["course_id"])
        self.campus_id.choices = [(c.id, c.name) for c in selectable_campuses(keep["campus_id"])]
        self.head_teacher_id.choices = [("", _l("未指定"))] + teacher_choices(campus_id, keep["head_teacher_id"])
        self.classroom_id.choices = [("", _l("未指定"))] + classroom_choices(campus_id, keep["classroom_id"])
        if not is_admin(user):
            del self.campus_id

    def validate_end_date(self, field) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("结课日期不能早于开课日期。"))

    def details(self) -> ClassDetails:
        """The form's choices as records, for create_class / update_class."""
        if "campus_id" in self:
            campus_id = self.campus_id.data
        else:
            campus_id = self.record.campus_id if self.record else self.user.campus_id
        return ClassDetails(name=self.name.data, course=_get(Course, self.course_id.data),
                            campus=_get(Campus, campus_id), head_teacher=_get(User, self.head_teacher_id.data),
                            classroom=_get(Classroom, self.classroom_id.data), start_date=self.start_date.data,
                            end_date=self.end_date.data, capacity=self.capacity.data)


class _LessonFields(FlaskForm):
    """Time, teacher, classroom and topic, shared by one lesson, a move and a weekly pattern."""

    start_time = TimeField(_l("上课时间"), validators=[InputRequired()])
    end_time = TimeField(_l("下课时间"), validators=[InputRequired()])
    teacher_id = SelectField(_l("上课教师"), coerce=int, validators=[InputRequired()])
    classroom_id = SelectField(_l("教室"), coerce=optional(int))
    topic = StringField(_l("课节内容"), filters=[strip], validators=[Length(max=255)])

    def __init__(self, *args, class_group: ClassGroup, lesson: Lesson | None = None, **kwargs):
        if lesson is None:
            kwargs = {"teacher_id": class_group.head_teacher_id, "classroom_id": class_group.classroom_id, **kwargs}
        super().__init__(*args, obj=lesson, **kwargs)
        self.teacher_id.choices = teacher_choices(class_group.campus_id, getattr(lesson, "teacher_id", None))
        self.classroom_id.choices = [("", _l("不占用教室"))] + classroom_choices(
            class_group.campus_id, getattr(lesson, "classroom_id", None))

    def validate_end_time(self, field) -> None:
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("下课时间必须晚于上课时间。"))

    def plan(self) -> LessonPlan:
        units = self.units.data if "units" in self else 1
        return LessonPlan(self.start_time.data, self.end_time.data, _get(User, self.teacher_id.data),
                          _get(Classroom, self.classroom_id.data), units, self.topic.data or "")


class LessonMoveForm(_LessonFields):
    """调课: a lesson's new date, time, teacher or classroom."""

    lesson_date = DateField(_l("上课日期"), validators=[InputRequired()])


class LessonForm(LessonMoveForm):
    """One new lesson."""

    units = IntegerField(_l("课时数"), default=1, validators=[InputRequired(), NumberRange(min=1, max=MAX_UNITS)])


class PatternForm(_LessonFields):
    """A weekly pattern: weekdays and times between two dates (default: the class's dates)."""

    weekdays = SelectMultipleField(_l("每周上课日"), choices=WEEKDAYS, coerce=int)
    first_day = DateField(_l("开始日期"), validators=[InputRequired()])
    last_day = DateField(_l("结束日期"), validators=[InputRequired()])
    units = IntegerField(_l("每节课时数"), default=1, validators=[InputRequired(), NumberRange(min=1, max=MAX_UNITS)])

    def __init__(self, *args, class_group: ClassGroup, **kwargs):
        kwargs = {"first_day": class_group.start_date, "last_day": class_group.end_date, **kwargs}
        super().__init__(*args, class_group=class_group, **kwargs)

    def validate_weekdays(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("请至少选择一个星期几。"))

    def validate_last_day(self, field) -> None:
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_l("结束日期不能早于开始日期。"))


class TimetableForm(FlaskForm):
    """The timetable's GET parameters: week (any date in it), view and whose week (id)."""

    class Meta:
        csrf = False

    week = DateField(_l("周"), validators=[Optional()])
    view = SelectField(_l("视图"), choices=[(v, VIEW_LABELS[v]) for v in VIEWS], validators=[Optional()])
    id = IntegerField(validators=[Optional()])

    def problems(self) -> list[str]:
        """Messages for values that could not be used (the page then shows its default instead)."""
        self.validate()
        messages = []
        if self.week.errors:
            messages.append(_l("日期格式不正确，已显示本周。"))
        if self.view.raw_data and self.view.errors:
            messages.append(_l("没有这种课表视图，已显示默认视图。"))
        return messages
