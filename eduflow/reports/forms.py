"""The reports' filter: a date range and, for admins, a campus.

The range defaults to this month; a report by month (课消与收入) defaults to the last six months, this one included,
so a report opened on the 2nd still shows a trend rather than one day's bar."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import StopValidation, ValidationError

from eduflow.access import is_admin, scoped
from eduflow.forms import FlaskForm, optional
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import Campus, User
from eduflow.reports.scope import ReportScope

MAX_DAYS = 3 * 366  # long enough for year-on-year, short enough for a month-by-month table
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2999, 12, 31)
MONTHLY_DEFAULT = 6  # months a report by month shows unless told otherwise


class Required:
    """A date must be given; a mistyped one keeps its own message (DataRequired would replace it)."""

    field_flags = {"required": True}

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data is None and not field.errors:
            raise StopValidation(self.message)


def within_years(form, field) -> None:
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("日期须在 2000 年至 2999 年之间。"))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` months before `day`'s (0: `day`'s own month)."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


class DayField(DateField):
    """A yyyy-mm-dd date; left blank it is missing (Required says so), mistyped it says so in our words."""

    def process_formdata(self, valuelist) -> None:
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("日期格式不正确，请使用 年-月-日。"))) from error


class ReportFilterForm(FlaskForm):
    """GET filters (no CSRF). Managers and salespeople have no campus field: their scope decides."""

    class Meta:
        csrf = False

    start = DayField(_l("开始日期"), validators=[Required(_l("请选择开始日期。")), within_years],
                     default=lambda: month_start(school_today()))
    end = DayField(_l("结束日期"), validators=[Required(_l("请选择结束日期。")), within_years],
                   default=lambda: month_end(school_today()))
    campus = SelectField(_l("校区"), coerce=optional(int))

    def __init__(self, *args, user: User, monthly: bool = False, **kwargs):
        if monthly:  # the last MONTHLY_DEFAULT months unless the request gives a start
            kwargs.setdefault("start", months_back(school_today(), MONTHLY_DEFAULT - 1))
        super().__init__(*args, **kwargs)
        self.user, self.monthly = user, monthly
        if not is_admin(user):
            del self.campus
            return
        campuses = db.session.scalars(scoped(Campus, user).order_by(Campus.name)).all()
        self.campus.choices = [("", _l("全部校区"))] + [(c.id, c.name) for c in campuses]

    def validate_end(self, field) -> None:
        if self.start.data is None or field.data is None:
            return
        if field.data < self.start.data:
            raise ValidationError(_l("结束日期不能早于开始日期。"))
        if (field.data - self.start.data).days >= MAX_DAYS:
            raise ValidationError(_l("日期范围最长三年。"))

    def report_scope(self) -> ReportScope:
        """The validated filter as what the services take."""
        campus_id = self.campus.data if "campus" in self else None
        return ReportScope(user=self.user, start=self.start.data, end=self.end.data, campus_id=campus_id)

    def presets(self) -> list[tuple[str, dt.date, dt.date]]:
        """Quick ranges offered beside the dates."""
        today = school_today()
        last_month = month_start(today) - dt.timedelta(days=1)
        six_months = (str(_l("近 6 个月")), months_back(today, MONTHLY_DEFAULT - 1), month_end(today))
        return [
            *([six_months] if self.monthly else []),
            (str(_l("本月")), month_start(today), month_end(today)),
            (str(_l("上月")), month_start(last_month), last_month),
            (str(_l("近 90 天")), today - dt.timedelta(days=89), today),
            (str(_l("今年")), today.replace(month=1, day=1), today.replace(month=12, day=31)),
        ]

