"""The base of every form in the app: input no column can hold is refused before any validator sees it.

`FlaskForm` screens every field right after it is processed: text holding a NUL byte (PostgreSQL refuses it),
a number that is not finite (NaN, inf, 1e999), an integer or a decimal outside what the columns store,
and any value that did not parse at all (2026-02-30, 99999-01-01). Such a field gets one clear error,
its data is cleared (so no other field's validator compares against NaN), and its validator chain
stops, so `validate_<field>` methods and services only ever see values a database accepts.
Filter forms (GET) use it too: their criteria leave out fields with errors.

Below the base: the field helpers every area's forms share (filters, coercions, validators, the school-time
datetime field, the empty form of a button that only POSTs).
"""
from __future__ import annotations

import math
from decimal import Decimal

from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm as WtfForm
from sqlalchemy import func, literal, select, union_all
from wtforms.fields import DateTimeLocalField
from wtforms.validators import Regexp, StopValidation, ValidationError

from eduflow.contacts import BIRTH_MESSAGE, PHONE_MESSAGE, is_birth_date
from eduflow.converters import ID_MAX
from eduflow.extensions import db
from eduflow.i18n import from_utc, to_utc
from eduflow.security.emails import EMAIL_PATTERN
from eduflow.security.phones import is_contact_phone, parse_phone

INT_MIN, INT_MAX = -ID_MAX - 1, ID_MAX  # an INTEGER column, on every database
DECIMAL_LIMIT = Decimal(10) ** 15  # beyond every amount column (money is stored as BIGINT fen)

NUL_MESSAGE = _l("内容包含无效字符。")
NUMBER_MESSAGE = _l("请输入有效的数字。")
RANGE_MESSAGE = _l("数值超出允许范围。")


def unsafe_reason(value):
    """Why a processed value cannot be stored (a message), or None when it can."""
    if isinstance(value, (list, tuple)):
        return next((reason for item in value if (reason := unsafe_reason(item))), None)
    if isinstance(value, str):
        return NUL_MESSAGE if "\x00" in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else RANGE_MESSAGE
    if isinstance(value, float):
        return None if math.isfinite(value) else NUMBER_MESSAGE
    if isinstance(value, Decimal):
        if not value.is_finite():
            return NUMBER_MESSAGE
        return None if abs(value) < DECIMAL_LIMIT else RANGE_MESSAGE
    return None


def _screen(field) -> None:
    """Clear and flag a field whose value no column can hold."""
    typed = [raw for raw in field.raw_data or () if isinstance(raw, str)]  # a checkbox's data is a bare bool
    reason = unsafe_reason(field.data) or unsafe_reason(typed)
    if reason is not None:
        field.data = [] if isinstance(field.data, list) else None
        field.process_errors.append(reason)
    field.unusable = reason is not None or (bool(field.process_errors) and any(raw.strip() for raw in typed))


def stop_if_unusable(form, field) -> None:
    """First validator of every field: a value that was refused or did not parse is not validated further."""
    if getattr(field, "unusable", False):
        raise StopValidation()


class FlaskForm(WtfForm):
    """Flask-WTF's form with the shared input screen; every form of the app derives from it
    (forms modules import FlaskForm from here, not from flask_wtf)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            field.validators = [stop_if_unusable, *field.validators]
            return field

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)
        for field in self:
            _screen(field)


class ButtonForm(FlaskForm):
    """No fields: the CSRF token of a button that only POSTs (delete, restore, make primary, confirm …)."""


# ---------- field helpers shared by every area's forms ----------

MAX_PRICE = Decimal("10000000")
EMAIL = Regexp(EMAIL_PATTERN, message=_l("邮箱格式不正确。"))


def strip(value):
    return value.strip() if isinstance(value, str) else value


def optional(coerce):
    """A select coercion where the empty choice means None (e.g. "no campus", "all roles")."""
    return lambda value: None if value in (None, "") else coerce(value)


def yuan(form, field) -> None:
    """Money in yuan: a finite amount with at most two decimal places (fen)."""
    if field.data is None:
        return
    if not field.data.is_finite() or field.data.normalize().as_tuple().exponent < -2:
        raise StopValidation(_l("金额最多保留两位小数。"))


def with_aside(name: str, aside) -> str:
    """A choice's label with a word in brackets after it: `名字（校区）` in Chinese, `Name (Campus)` in English."""
    return name + gettext("（%(text)s）", text=str(aside))


def staff_label(user, with_campus: bool) -> str:
    """A colleague in an owner choice: their name, and their campus where the list spans campuses."""
    return with_aside(user.display_name, user.campus.name) if with_campus and user.campus else user.display_name


# A phone number field opens the number pad on a tablet; no autofill (staff type other people's numbers).
PHONE_INPUT = {"type": "tel", "inputmode": "tel", "autocomplete": "off"}


def valid_phone(form, field) -> None:
    """A staff member's or a campus's number: any valid number (eduflow.security.phones)."""
    if field.data and parse_phone(field.data) is None:
        raise ValidationError(_l("电话号码格式不正确。"))


def contact_phone(form, field) -> None:
    """A lead's, student's or parent's number: a Chinese mobile or a landline with its area code."""
    if field.data and not is_contact_phone(field.data):
        raise ValidationError(PHONE_MESSAGE)


def birth_date(form, field) -> None:
    """A lead's or student's birth date: not before 1900, not after today (eduflow.contacts)."""
    if field.data and not is_birth_date(field.data):
        raise ValidationError(BIRTH_MESSAGE)


class SchoolDateTimeField(DateTimeLocalField):
    """<input type="datetime-local"> read and shown in the school's zone; `data` is naive UTC."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(*args, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        local = from_utc(self.data)
        return local.strftime(self.format[0]) if local else ""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not "".join(valuelist).strip():
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
        if self.data is None or not 2000 <= self.data.year <= 2100:
            self.data = None
            raise ValueError(_l("请输入有效的日期和时间。"))
        self.data = to_utc(self.data)


def choice_lists(**lists) -> dict[str, list[tuple]]:
    """Several small (id, name) choice lists read in one statement: `name=(select(id, label), order_by)`.

    A filter form built on every request (the board's, the pool's) needs four or five reference lists;
    one UNION ALL instead of one statement each saves a round trip and a plan each (docs/performance.md,
    "Fourth pass"). Each list keeps its own order (a row number over its ORDER BY); a list with no rows
    comes back empty.
    """
    names = list(lists)
    parts = [query.add_columns(literal(number).label("list"),
                               func.row_number().over(order_by=order).label("position"))
             for number, (query, order) in enumerate(lists.values())]
    rows = union_all(*parts).subquery()
    found: dict[str, list[tuple]] = {name: [] for name in names}
    columns = list(rows.c)
    for row in db.session.execute(select(columns[0], columns[1], rows.c.list).order_by(rows.c.list, rows.c.position)):
        found[names[row[2]]].append((row[0], row[1]))
    return found
