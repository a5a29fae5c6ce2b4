"""The exports page's GET forms: attendance by lesson date (and class), the lesson ledger by date (and student)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from eduflow.access import is_admin, scoped
from eduflow.forms import FlaskForm, optional, strip, with_aside
from eduflow.extensions import db
from eduflow.models import ClassGroup, User


class PeriodForm(FlaskForm):
    """From and to dates, both optional and both included; no dates means everything."""

    class Meta:
        csrf = False

    date_from = DateField(_l("开始日期"), validators=[Optional()])
    date_to = DateField(_l("结束日期"), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("结束日期不能早于开始日期。"))


class AttendanceExportForm(PeriodForm):
    """考勤: the lessons' dates, optionally one class of the user's."""

    class_id = SelectField(_l("班级"), coerce=optional(int))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        everywhere = is_admin(user)
        classes = db.session.scalars(scoped(ClassGroup, user).order_by(ClassGroup.name, ClassGroup.id))
        self.class_id.choices = [("", _l("全部班级"))] + [
            (c.id, with_aside(c.name, c.campus.name) if everywhere else c.name) for c in classes]


class LedgerExportForm(PeriodForm):
    """课时流水: when each line was written, optionally one student (by id, or searched by name or phone)."""

    q = StringField(_l("学员"), filters=[strip], validators=[Length(max=64)],
                    description=_l("姓名、拼音、首字母或手机尾号；留空则导出全部学员。"))
    student_id = IntegerField(_l("学员"), widget=HiddenInput(), validators=[Optional()])
