"""Forms of the attendance sheet: a tap's status, 全部出勤, a makeup booking, a trial's outcome, the day shown."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from eduflow.forms import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import InputRequired, Optional, ValidationError

from eduflow.models import AttendanceStatus, Lesson, TrialStatus


def _lesson_id(value) -> int | None:
    return int(value) if str(value).isdigit() else None


def first_error(form: FlaskForm) -> str:
    return next(iter(form.errors.values()))[0]


class MarkForm(FlaskForm):
    """One tap: the status button's value; `confirm` is the second tap that accepts going into 欠课时."""

    status = StringField(_l("考勤状态"))
    confirm = BooleanField()

    def validate_status(self, field) -> None:
        if field.data not in {status.value for status in AttendanceStatus}:
            raise ValidationError(_l("未知的考勤状态。"))

    def chosen(self) -> AttendanceStatus:
        return AttendanceStatus(self.status.data)


class MarkAllForm(FlaskForm):
    """The 全部出勤 button; `confirm` accepts that some of the marks go into 欠课时."""

    confirm = BooleanField()


class MakeupForm(FlaskForm):
    """The lesson a missed lesson is made up in, among the upcoming lessons offered."""

    lesson = SelectField(_l("补课课节"), coerce=_lesson_id, validate_choice=False,
                         validators=[InputRequired(message=_l("请选择补课的课节。"))])

    def __init__(self, *args, targets: list[Lesson], **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = {target.id for target in targets}

    def validate_lesson(self, field) -> None:
        if field.data not in self.offered:
            raise ValidationError(_l("请从列表中选择本课程即将上的课节。"))


class TrialForm(FlaskForm):
    """A trial lead's outcome: 已到课 or 未到."""

    status = StringField(_l("试听状态"))

    def validate_status(self, field) -> None:
        if field.data not in (TrialStatus.ATTENDED.value, TrialStatus.NO_SHOW.value):
            raise ValidationError(_l("未知的试听状态。"))

    def chosen(self) -> TrialStatus:
        return TrialStatus(self.status.data)


class DayForm(FlaskForm):
    """The day the 今日课程 page shows (GET, no CSRF); a bad date shows today."""

    class Meta:
        csrf = False

    day = DateField(_l("日期"), validators=[Optional()])
