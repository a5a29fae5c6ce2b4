"""Forms of the lead page: the six-speed sheet, trial booking and status (the quick-add follow-up is
eduflow.followups.FollowUpForm).

Times are typed in the school's time zone and stored as naive UTC (eduflow.forms.SchoolDateTimeField).
"""
from __future__ import annotations

import datetime as dt

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from eduflow.followups import NOTE_MAX
from eduflow.forms import FlaskForm, SchoolDateTimeField, optional, strip
from eduflow.i18n import from_utc
from eduflow.leads.sixspeed import FIELDS, YES, sheet_value, visit_time_problems
from eduflow.models import Lesson, SixSpeed, Stickiness, TrialStatus, utcnow


# ---------- the six-speed sheet: one form, every field at once ----------

def _flag(value):
    """是/否 radio values → bool; anything else is left as is and fails the choice check."""
    if isinstance(value, bool):
        return value
    return {"1": True, "0": False}.get(value, value)


YES_NO = [("1", _l("是")), ("0", _l("否"))]


class SixSpeedForm(FlaskForm):
    """The whole sheet, saved on the version the editor loaded (`version`: 0 before the sheet exists). Posted as
    `six_speed-<field>`; yes/no and the stickiness are radio buttons (one tap each, and a missing one is refused
    rather than read as 否)."""

    purchase_power = StringField(FIELDS["purchase_power"], filters=[strip], validators=[Length(max=255)])
    concept_awareness = TextAreaField(FIELDS["concept_awareness"], filters=[strip], validators=[Length(max=NOTE_MAX)])
    preferred_class_time = StringField(FIELDS["preferred_class_time"], filters=[strip], validators=[Length(max=255)])
    distance = StringField(FIELDS["distance"], filters=[strip], validators=[Length(max=255)])
    communication_notes = TextAreaField(FIELDS["communication_notes"], filters=[strip],
                                        validators=[Length(max=NOTE_MAX)])
    promised_visit_at = SchoolDateTimeField(FIELDS["promised_visit_at"], validators=[Optional()])
    actual_visit_at = SchoolDateTimeField(FIELDS["actual_visit_at"], validators=[Optional()])
    wechat_added = RadioField(FIELDS["wechat_added"], choices=YES_NO, coerce=_flag)
    first_visit_at = SchoolDateTimeField(FIELDS["first_visit_at"], validators=[Optional()])
    first_visit_status = TextAreaField(FIELDS["first_visit_status"], filters=[strip], validators=[Length(max=NOTE_MAX)])
    second_visit_at = SchoolDateTimeField(FIELDS["second_visit_at"], validators=[Optional()])
    second_visit_status = TextAreaField(FIELDS["second_visit_status"], filters=[strip],
                                        validators=[Length(max=NOTE_MAX)])
    is_closed = RadioField(FIELDS["is_closed"], choices=YES_NO, coerce=_flag)
    is_enrolled = RadioField(FIELDS["is_enrolled"], choices=YES_NO, coerce=_flag)
    consultation_remark = StringField(FIELDS["consultation_remark"], filters=[strip], validators=[Length(max=255)])
    chasing_mark = StringField(FIELDS["chasing_mark"], filters=[strip], validators=[Length(max=255)])
    stickiness = RadioField(FIELDS["stickiness"], choices=[("", _l("未填写"))] + Stickiness.choices(), default="")
    is_valid = RadioField(FIELDS["is_valid"], choices=YES_NO, coerce=_flag)
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def __init__(self, *args, sheet: SixSpeed | None = None, **kwargs):
        if kwargs.get("formdata", True) is None:  # the sheet as stored (its defaults before it exists)
            kwargs = {name: sheet_value(sheet, name) for name in FIELDS} | {"version": 0} | kwargs
            kwargs["stickiness"] = kwargs["stickiness"].value if kwargs["stickiness"] else ""
            if sheet is not None:
                kwargs["version"] = sheet.version
        super().__init__(*args, prefix="six_speed", **kwargs)

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the visit-time rules on the times that parsed, each message beside its field."""
        valid = super().validate(extra_validators)
        times = {name: self[name].data for name in TIME_FIELDS if not self[name].errors}
        for name, message in visit_time_problems(times, utcnow()).items():
            self[name].errors.append(message)
            valid = False
        return valid

    def changes(self) -> dict:
        """What update_six_speed receives: every field of the sheet."""
        return {name: self[name].data for name in FIELDS}

    def sections(self) -> list[tuple[str, list]]:
        """The fields grouped as the lead page lays them out."""
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]


SECTIONS = [
    (_l("需求"), ("purchase_power", "concept_awareness", "preferred_class_time", "distance", "communication_notes")),
    (_l("到访"), ("promised_visit_at", "actual_visit_at", "first_visit_at", "first_visit_status", "second_visit_at",
                "second_visit_status")),
    (_l("成交"), ("wechat_added", "is_closed", "is_enrolled", "is_valid", "stickiness", "consultation_remark",
                "chasing_mark")),
]
TIME_FIELDS = frozenset({"promised_visit_at", "actual_visit_at", "first_visit_at", "second_visit_at"})
FLAG_FIELDS = frozenset({"wechat_added", "is_closed", "is_enrolled", "is_valid"})


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
