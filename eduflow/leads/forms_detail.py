"""Forms of the lead page: one six-speed field at a time, trial booking and status (the quick-add follow-up is
eduflow.followups.FollowUpForm).

Times are typed in the school's time zone and stored as naive UTC (eduflow.forms.SchoolDateTimeField).
"""
from __future__ import annotations

import datetime as dt

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from eduflow.followups import NOTE_MAX
from eduflow.forms import FlaskForm, SchoolDateTimeField, optional, strip
from eduflow.i18n import from_utc
from eduflow.leads.sixspeed import FIELDS, YES
from eduflow.models import Lesson, SixSpeed, Stickiness, TrialStatus


# ---------- the six-speed sheet: one small form per kind of field ----------

def _flag(value):
    """是/否 select values → bool; anything else is left as is and fails the choice check."""
    if isinstance(value, bool):
        return value
    return {"1": True, "0": False}.get(value, value)


class SixSpeedFieldForm(FlaskForm):
    """One six-speed field, posted as `<field>-value`; `change()` is what update_six_speed receives."""

    def __init__(self, name: str, *args, **kwargs):
        super().__init__(*args, prefix=name, **kwargs)
        self.field_name = name
        self.value.label.text = FIELDS[name]

    def change(self) -> dict:
        return {self.field_name: self.value.data}


class ShortTextForm(SixSpeedFieldForm):
    value = StringField(filters=[strip], validators=[Length(max=255)])


class NoteForm(SixSpeedFieldForm):
    value = TextAreaField(filters=[strip], validators=[Length(max=NOTE_MAX)])


class TimeForm(SixSpeedFieldForm):
    value = SchoolDateTimeField(validators=[Optional()])


class FlagForm(SixSpeedFieldForm):
    value = SelectField(choices=[("1", _l("是")), ("0", _l("否"))], coerce=_flag)


class StickinessForm(SixSpeedFieldForm):
    value = SelectField(choices=[("", _l("未填写"))] + Stickiness.choices(), default="")


SHORT, NOTE, TIME, FLAG, STICKINESS = ShortTextForm, NoteForm, TimeForm, FlagForm, StickinessForm
SIX_SPEED_FORMS = {
    "purchase_power": SHORT, "concept_awareness": NOTE, "preferred_class_time": SHORT, "distance": SHORT,
    "communication_notes": NOTE, "promised_visit_at": TIME, "actual_visit_at": TIME, "wechat_added": FLAG,
    "first_visit_at": TIME, "first_visit_status": NOTE, "second_visit_at": TIME, "second_visit_status": NOTE,
    "is_closed": FLAG, "is_enrolled": FLAG, "consultation_remark": SHORT, "chasing_mark": SHORT,
    "stickiness": STICKINESS, "is_valid": FLAG,
}
TIME_FIELDS = frozenset(name for name, form in SIX_SPEED_FORMS.items() if form is TIME)
FLAG_FIELDS = frozenset(name for name, form in SIX_SPEED_FORMS.items() if form is FLAG)


def sheet_value(sheet: SixSpeed | None, name: str):
    """A field's value on the sheet, or the column's default while the lead has no sheet yet."""
    if sheet is not None:
        return getattr(sheet, name)
    default = SixSpeed.__table__.c[name].default
    return default.arg if default is not None and default.is_scalar else None


def six_speed_form(name: str, sheet: SixSpeed | None, posted: bool = True) -> SixSpeedFieldForm:
    """The edit form of one field: the posted values, or (posted=False) the sheet's current value."""
    form_class = SIX_SPEED_FORMS[name]
    if posted:
        return form_class(name)
    current = sheet_value(sheet, name)
    if name == "stickiness":
        current = current.value if current else ""
    return form_class(name, formdata=None, value=current)


def logged_value(name: str, text: str) -> str:
    """A modification-log value (stored as text by the service) as the reader should see it."""
    if not text:
        return "—"
    if name in TIME_FIELDS:
        try:
            local = from_utc(dt.datetime.strptime(text, "%Y-%m-%d %H:%M"))
        except ValueError:
            return text
        return local.strftime("%Y-%m-%d %H:%M")
    if name in FLAG_FIELDS:
        return str(_l("是") if text == YES else _l("否"))
    if name == "stickiness" and text in {s.value for s in Stickiness}:
        return Stickiness(text).label
    return text


def shown_value(name: str, value) -> str:
    """A sheet value as the lead page shows it (school-local times, translated yes/no and labels)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("是") if value else _l("否"))
    if isinstance(value, dt.datetime):
        return from_utc(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Stickiness):
        return value.label
    return str(value)


# ---------- trial lessons ----------

def lesson_label(lesson: Lesson) -> str:
    """2026-11-20 周五 18:00–19:30 · 英语一班 · 王老师"""
    when = f"{format_date(lesson.lesson_date, 'yyyy-MM-dd EEE')} {lesson.start_time:%H:%M}–{lesson.end_time:%H:%M}"
    parts = [when, lesson.class_group.name]
    if lesson.teacher is not None:
        parts.append(lesson.teacher.display_name)
    return " · ".join(parts)


class TrialBookingForm(FlaskForm):
    """Book the lead into one of the upcoming lessons of its intended courses."""

    lesson = SelectField(_l("试听课节"), coerce=optional(int), validate_choice=False,
                         validators=[InputRequired(message=_l("请选择要试听的课节。"))])

    def __init__(self, *args, lessons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lesson.choices = [("", _l("请选择课节"))] + [(lesson.id, lesson_label(lesson)) for lesson in lessons]


class TrialStatusForm(FlaskForm):
    """到课 / 未到 / back to 已预约 for one trial."""

    status = SelectField(_l("试听状态"), choices=TrialStatus.choices(), coerce=TrialStatus)
