"""Forms of enrolments, payments, contract status, renewals and renewal reminders."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import (
    BooleanField, DateField, DateTimeLocalField, DecimalField, IntegerField, RadioField, SelectField, StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from eduflow.access import scoped
from eduflow.forms import MAX_PRICE, FlaskForm, optional, strip, yuan
from eduflow.i18n import school_today
from eduflow.enrollments.forms_classes import class_option, refuse_if_full, seats_of
from eduflow.enrollments.services import EnrollmentFilters, Renewal, RenewalMode
from eduflow.extensions import db
from eduflow.models import (
    ClassGroup, ContractStatus, Course, Enrollment, EnrollmentStatus, PaymentMethod, ReminderKind, ReminderStatus,
    Student, User,
)
from eduflow.submissions import OneTimeTokenForm

MAX_LESSONS = 10000
CHOOSE = ("", _l("— 请选择 —"))
METHODS = [CHOOSE] + PaymentMethod.choices()


def _contract_free(form, field) -> None:
    if field.data and db.session.scalar(select(Enrollment.id).where(Enrollment.contract_no == field.data)):
        raise ValidationError(_l("合同编号 %(no)s 已存在。", no=field.data))


def _method_with_payment(form, field) -> None:
    if form.paid_amount.data and form.paid_amount.data > 0 and field.data is None:
        raise ValidationError(_l("有实收金额时请选择支付方式。"))


class EnrollmentFilterForm(FlaskForm):
    """The list's GET filters (no CSRF); a bad value just does not filter."""

    class Meta:
        csrf = False

    q = StringField(_l("搜索"), filters=[strip], validators=[Length(max=64)])
    status = SelectField(_l("报名状态"), coerce=optional(EnrollmentStatus),
                         choices=[("", _l("全部状态"))] + EnrollmentStatus.choices())
    course = SelectField(_l("课程"), coerce=optional(int))
    class_id = SelectField(_l("班级"), coerce=optional(int))
    contract_status = SelectField(_l("合同状态"), coerce=optional(ContractStatus),
                                  choices=[("", _l("全部合同状态"))] + ContractStatus.choices())
    owing = BooleanField(_l("只看欠费"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.course.choices = [("", _l("全部课程"))] + [
            (c.id, c.name) for c in db.session.scalars(select(Course).order_by(Course.name))]
        self.class_id.choices = [("", _l("全部班级"))] + [
            (c.id, f"{c.course.name} · {c.name}")
            for c in db.session.scalars(scoped(ClassGroup, user).options(joinedload(ClassGroup.course))
                                        .order_by(ClassGroup.name))]

    def valid_data(self) -> dict:
        self.validate()
        return {name: field.data for name, field in self._fields.items() if not field.errors}

    def criteria(self) -> EnrollmentFilters:
        ok = self.valid_data()
        return EnrollmentFilters(q=ok.get("q") or "", status=ok.get("status"), course_id=ok.get("course"),
                                 class_id=ok.get("class_id"), contract_status=ok.get("contract_status"),
                                 owing_only=bool(ok.get("owing")))


class StudentPickForm(FlaskForm):
    """Find the student to enrol (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("学员姓名"), filters=[strip], validators=[Length(max=64)])


class EnrollmentForm(OneTimeTokenForm, FlaskForm):
    """报名: the contract for one student; classes offered are the student's campus's."""

    course_id = SelectField(_l("课程"), coerce=optional(int), validators=[InputRequired()])
    class_id = SelectField(_l("班级"), coerce=optional(int), validate_choice=False,
                           description=_l("可暂不分班；满班的班级不能报名。"))
    contract_no = StringField(_l("合同编号"), filters=[strip],
                              validators=[DataRequired(), Length(max=64), _contract_free])
    contract_status = SelectField(_l("合同状态"), coerce=ContractStatus, default=ContractStatus.SIGNED,
                                  choices=[(s.value, s.label) for s in ContractStatus if s != ContractStatus.VOID])
    total_fee = DecimalField(_l("合同金额（元）"), places=2,
                             validators=[InputRequired(), yuan, NumberRange(min=0, max=MAX_PRICE)])
    lessons_purchased = IntegerField(_l("购买课时"), validators=[InputRequired(), NumberRange(min=1, max=MAX_LESSONS)])
    gift_lessons = IntegerField(_l("赠送课时"), default=0, validators=[Optional(), NumberRange(min=0, max=MAX_LESSONS)])
    enrolled_on = DateField(_l("报名日期"), validators=[InputRequired()], default=school_today)
    paid_amount = DecimalField(_l("首次实收（元）"), places=2, default=Decimal("0.00"),
                               validators=[Optional(), yuan, NumberRange(min=0, max=MAX_PRICE)])
    payment_method = SelectField(_l("支付方式"), coerce=optional(PaymentMethod), choices=METHODS,
                                 validators=[_method_with_payment])

    def __init__(self, *args, student: Student, **kwargs):
        super().__init__(*args, **kwargs)
        self.student = student
        self._courses = {c.id: c for c in db.session.scalars(
            select(Course).where(Course.is_active.is_(True)).order_by(Course.name))}
        self._classes = seats_of(db.session.scalars(
            select(ClassGroup).options(joinedload(ClassGroup.course)).where(ClassGroup.campus_id == student.campus_id,
                                     ClassGroup.course_id.in_(list(self._courses))).order_by(ClassGroup.name)))
        self.course_id.choices = [CHOOSE] + [
            (c.id, c.name, {"data-price": f"{c.price:.2f}", "data-lessons": c.total_lessons})
            for c in self._courses.values()]
        self.class_id.choices = [("", _l("— 暂不分班 —"))] + [
            class_option(seats, f"{seats.group.course.name} · {seats.group.name}", self.class_id.data,
                         **{"data-course": seats.group.course_id}) for seats in self._classes.values()]

    def validate_class_id(self, field) -> None:
        chosen = self._classes.get(field.data)
        if field.data is not None and chosen is None:
            raise ValidationError(_l("请选择学员所在校区的班级。"))
        if chosen is not None and chosen.group.course_id != self.course_id.data:
            raise ValidationError(_l("所选班级不属于该课程。"))
        refuse_if_full(chosen)

    def validate_enrolled_on(self, field) -> None:
        if field.data and field.data > school_today() + dt.timedelta(days=365):
            raise ValidationError(_l("报名日期不能晚于一年之后。"))

    def validate_paid_amount(self, field) -> None:
        if field.data and self.total_fee.data is not None and field.data > self.total_fee.data:
            raise ValidationError(_l("实收金额不能超过合同金额。"))

    def _class_group(self) -> ClassGroup | None:
        chosen = self._classes.get(self.class_id.data)
        return chosen.group if chosen else None

    def values(self) -> dict:
        """What create_enrollment takes besides the student and the user."""
        return {"course": self._courses[self.course_id.data], "class_group": self._class_group(),
                "contract_no": self.contract_no.data, "contract_status": self.contract_status.data,
                "total_fee": self.total_fee.data, "lessons_purchased": self.lessons_purchased.data,
                "gift_lessons": self.gift_lessons.data or 0, "enrolled_on": self.enrolled_on.data,
                "paid_amount": self.paid_amount.data or Decimal("0"), "payment_method": self.payment_method.data}


def school_now() -> dt.datetime:
    """Now on the school's wall clock (naive), the default of a payment's time."""
    return dt.datetime.now(get_timezone()).replace(tzinfo=None, second=0, microsecond=0)


class PaymentForm(OneTimeTokenForm, FlaskForm):
    """A payment towards the contract; the time is entered on the school's clock and stored in UTC."""

    amount = DecimalField(_l("收款金额（元）"), places=2,
                          validators=[InputRequired(), yuan, NumberRange(min=Decimal("0.01"), max=MAX_PRICE)])
    method = SelectField(_l("支付方式"), coerce=optional(PaymentMethod), choices=METHODS, validators=[InputRequired()])
    paid_at = DateTimeLocalField(_l("收款时间"), validators=[InputRequired()], default=school_now,
                                 format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
    note = StringField(_l("备注"), filters=[strip], validators=[Length(max=255)])

    def validate_method(self, field) -> None:
        if field.data is None:
            raise ValidationError(_l("请选择支付方式。"))

    def validate_paid_at(self, field) -> None:
        if field.data and field.data > school_now() + dt.timedelta(minutes=5):
            raise ValidationError(_l("收款时间不能晚于现在。"))

    def paid_at_utc(self) -> dt.datetime:
        local = get_timezone().localize(self.paid_at.data)
        return local.astimezone(dt.UTC).replace(tzinfo=None)


class ContractStatusForm(FlaskForm):
    status = SelectField(_l("合同状态"), coerce=optional(ContractStatus), choices=ContractStatus.choices(),
                         validators=[InputRequired()])


class RenewalForm(OneTimeTokenForm, FlaskForm):
    """续费: more lessons on this contract, or a new contract (its own number) for the same course and class."""

    mode = RadioField(_l("续费方式"), choices=RenewalMode.choices(), default=RenewalMode.SAME.value,
                      validators=[InputRequired()])
    contract_no = StringField(_l("新合同编号"), filters=[strip], validators=[Length(max=64), _contract_free],
                              description=_l("仅在签新合同时填写。"))
    contract_status = SelectField(_l("新合同状态"), coerce=ContractStatus, default=ContractStatus.SIGNED,
                                  choices=[(s.value, s.label) for s in ContractStatus if s != ContractStatus.VOID])
    lessons = IntegerField(_l("续购课时"), validators=[InputRequired(), NumberRange(min=1, max=MAX_LESSONS)])
    gift_lessons = IntegerField(_l("赠送课时"), default=0, validators=[Optional(), NumberRange(min=0, max=MAX_LESSONS)])
    fee = DecimalField(_l("续费金额（元）"), places=2, validators=[InputRequired(), yuan, NumberRange(min=0, max=MAX_PRICE)])
    paid_amount = DecimalField(_l("本次实收（元）"), places=2, default=Decimal("0.00"),
                               validators=[Optional(), yuan, NumberRange(min=0, max=MAX_PRICE)])
    payment_method = SelectField(_l("支付方式"), coerce=optional(PaymentMethod), choices=METHODS,
                                 validators=[_method_with_payment])
    renewed_on = DateField(_l("新合同报名日期"), validators=[Optional()], default=school_today)

    def validate_contract_no(self, field) -> None:
        if self.mode.data == RenewalMode.NEW and not field.data:
            raise ValidationError(_l("签新合同时请填写新合同编号。"))

    def validate_paid_amount(self, field) -> None:
        fee = self.fee.data
        if self.mode.data == RenewalMode.NEW and field.data and fee is not None and field.data > fee:
            raise ValidationError(_l("实收金额不能超过续费金额。"))

    def renewal(self) -> Renewal:
        return Renewal(mode=RenewalMode(self.mode.data), lessons=self.lessons.data, fee=self.fee.data,
                       gift_lessons=self.gift_lessons.data or 0, paid_amount=self.paid_amount.data or Decimal("0"),
                       payment_method=self.payment_method.data, contract_no=self.contract_no.data or "",
                       contract_status=self.contract_status.data,
                       renewed_on=self.renewed_on.data or school_today())


class ReminderFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("状态"), coerce=optional(ReminderStatus), default=ReminderStatus.PENDING.value,
                         choices=ReminderStatus.choices() + [("", _l("全部状态"))])
    kind = SelectField(_l("类型"), coerce=optional(ReminderKind), choices=[("", _l("全部类型"))] + ReminderKind.choices())

    def criteria(self) -> dict:
        self.validate()
        return {name: None if self[name].errors else self[name].data for name in ("status", "kind")}


class ReminderProcessForm(FlaskForm):
    """已处理 / 已忽略 come from the button pressed; ignoring needs a note."""

    action = SelectField(_l("处理方式"), coerce=optional(ReminderStatus), validators=[InputRequired()],
                         choices=[(s.value, s.label) for s in (ReminderStatus.PROCESSED, ReminderStatus.IGNORED)])
    note = TextAreaField(_l("备注"), filters=[strip], validators=[Length(max=500)])

    def validate_note(self, field) -> None:
        if self.action.data == ReminderStatus.IGNORED and not field.data:
            raise ValidationError(_l("忽略提醒需要填写备注。"))
