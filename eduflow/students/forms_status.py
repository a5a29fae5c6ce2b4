"""Status-change forms: the request (its fields follow the kind) and the manager's decision."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from eduflow.enrollments.forms_classes import Seats, class_option, refuse_if_full
from eduflow.enrollments.ledger import balance
from eduflow.enrollments.services import active_enrollments
from eduflow.enrollments.transfers import transfer_targets
from eduflow.forms import FlaskForm, strip, yuan
from eduflow.i18n import school_today
from eduflow.models import Enrollment, PaymentMethod, StatusChangeKind, Student
from eduflow.submissions import OneTimeTokenForm
from eduflow.students.status_changes import (
    PER_ENROLLMENT, StatusRequest, default_kind, refund_quote,
)

Kind = StatusChangeKind


def _enum_or_none(enum_cls):
    """A select coercion that turns an unknown value into None (the validator then says what is wrong)."""
    def coerce(value):
        try:
            return None if value in (None, "") else enum_cls(value)
        except ValueError:
            return None
    return coerce


def id_or_none(value):
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else None


def enrollment_label(enrollment: Enrollment) -> str:
    group = enrollment.class_group.name if enrollment.class_group else _l("未分班")
    return str(_l("%(course)s · %(group)s · 合同 %(no)s · 剩余 %(n)s 课时", course=enrollment.course.name, group=group,
                  no=enrollment.contract_no, n=balance(enrollment.id)))


def _target_option(seats: Seats, chosen: int | None) -> tuple:
    group = seats.group
    teacher = f" · {group.head_teacher.display_name}" if group.head_teacher else ""
    return class_option(seats, f"{group.name}{teacher}", chosen)


class StatusRequestForm(OneTimeTokenForm, FlaskForm):
    """申请状态变更. Only the fields the chosen kind needs are shown; blank refund = the suggested amount."""

    kind = SelectField(_l("变更类型"), coerce=_enum_or_none(Kind), choices=Kind.choices(), validate_choice=False)
    enrollment = SelectField(_l("相关报名"), coerce=id_or_none, validate_choice=False)
    target_class = SelectField(_l("转入班级"), coerce=id_or_none, validate_choice=False)
    refund_amount = DecimalField(_l("退费金额（元）"), places=2, validators=[Optional(), yuan],
                                 description=_l("默认：剩余的购买课时 × 实收单价（赠送课时不退），不超过实收金额；可修改。"))
    effective_on = DateField(_l("休学开始日期"), validators=[Optional()], default=school_today,  # blank: today
                             description=_l("自这一天起学员不在班级名单上，不考勤、不扣课时，续费提醒暂停。"))
    planned_return_on = DateField(_l("计划复学日期"), validators=[Optional()],
                                  description=_l("可不填；到这一天定时任务自动复学。"))
    reason = TextAreaField(_l("申请原因"), filters=[strip],
                           validators=[DataRequired(message=_l("请填写申请原因。")), Length(max=1000)])

    def __init__(self, *args, student: Student, **kwargs):
        super().__init__(*args, **kwargs)
        self.student = student
        self.enrollments = active_enrollments(student.id)
        if self.kind.data is None and not self.is_submitted():
            self.kind.data = default_kind(student)
        if self.kind.data == Kind.RESUME:
            self.effective_on.label.text = str(_l("复学日期"))
            self.effective_on.description = _l("自这一天起学员回到班级名单。")
        if self.enrollment.data is None and len(self.enrollments) == 1 and not self.is_submitted():
            self.enrollment.data = self.enrollments[0].id
        self.enrollment.choices = [("", _l("请选择报名"))] + [(e.id, enrollment_label(e)) for e in self.enrollments]
        chosen = self.chosen_enrollment()
        self.targets = {group.id: Seats(group, taken) for group, taken in (transfer_targets(chosen) if chosen else [])}
        self.target_class.choices = [("", _l("请选择班级"))] + [
            _target_option(seats, self.target_class.data) for seats in self.targets.values()]

    @property
    def token_required(self) -> bool:
        """A refund request is about money: it carries a one-time token (a repeat gets the first answer)."""
        return self.kind.data == Kind.REFUND

    def chosen_enrollment(self) -> Enrollment | None:
        return next((e for e in self.enrollments if e.id == self.enrollment.data), None)

    def needs(self, name: str) -> bool:
        """Whether the chosen kind uses this field (the template shows only those)."""
        kind = self.kind.data
        return {"enrollment": kind in PER_ENROLLMENT, "target_class": kind == Kind.TRANSFER,
                "refund_amount": kind == Kind.REFUND, "effective_on": kind in (Kind.SUSPEND, Kind.RESUME),
                "planned_return_on": kind == Kind.SUSPEND}.get(name, True)

    def quote(self):
        chosen = self.chosen_enrollment()
        return refund_quote(chosen) if chosen and self.kind.data == Kind.REFUND else None

    def suggest_refund(self) -> None:
        """On a refresh (kind or enrolment changed), propose the computed refund."""
        quote = self.quote()
        if quote is not None and self.refund_amount.data is None:
            self.refund_amount.data = quote.suggested

    def validate_kind(self, field) -> None:
        if field.data is None:
            raise ValidationError(_l("请选择有效的变更类型。"))

    def validate_enrollment(self, field) -> None:
        if self.needs("enrollment") and field.data is None:
            raise ValidationError(_l("请选择相关的报名。"))
        if self.needs("enrollment") and self.chosen_enrollment() is None:
            raise ValidationError(_l("请选择该学员生效中的报名。"))

    def validate_target_class(self, field) -> None:
        if not self.needs("target_class"):
            return
        if field.data is None:
            raise ValidationError(_l("请选择转入的班级。"))
        if field.data not in self.targets:
            raise ValidationError(_l("请选择同一课程、本校区的其他班级。"))
        refuse_if_full(self.targets[field.data])

    def validate_refund_amount(self, field) -> None:
        if self.needs("refund_amount") and field.data is not None and field.data <= 0:
            raise ValidationError(_l("退费金额必须大于零。"))

    def validate_planned_return_on(self, field) -> None:
        start = self.effective_on.data
        if self.needs("planned_return_on") and field.data is not None and start and field.data <= start:
            raise ValidationError(_l("计划复学日期须晚于休学开始日期。"))

    def wanted(self) -> StatusRequest:
        """The request for the service, with only the fields of the chosen kind."""
        return StatusRequest(
            kind=self.kind.data, reason=self.reason.data,
            enrollment_id=self.enrollment.data if self.needs("enrollment") else None,
            target_class_id=self.target_class.data if self.needs("target_class") else None,
            refund_amount=self.refund_amount.data if self.needs("refund_amount") else None,
            effective_on=self.effective_on.data if self.needs("effective_on") else None,
            planned_return_on=self.planned_return_on.data if self.needs("planned_return_on") else None)


class DecideForm(OneTimeTokenForm, FlaskForm):
    """批准 / 拒绝 (the button pressed); notes are required to reject; a refund's amount and method are editable
    (deciding a refund carries a one-time token)."""

    decision = StringField()
    notes = TextAreaField(_l("审批意见"), filters=[strip], validators=[Length(max=1000)])
    refund_amount = DecimalField(_l("实退金额（元）"), places=2, validators=[Optional(), yuan])
    refund_method = SelectField(_l("退款方式"), coerce=_enum_or_none(PaymentMethod), validate_choice=False,
                                choices=[("", _l("按原支付方式"))] + PaymentMethod.choices())

    def __init__(self, *args, refund: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.refund = refund

    @property
    def token_required(self) -> bool:
        return self.refund

    def validate_decision(self, field) -> None:
        if field.data not in ("approve", "reject"):
            raise ValidationError(_l("请选择批准或拒绝。"))

    def validate_notes(self, field) -> None:
        if self.decision.data == "reject" and not field.data:
            raise ValidationError(_l("拒绝时请填写原因。"))

    def validate_refund_amount(self, field) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("退费金额必须大于零。"))

    def validate_refund_method(self, field) -> None:
        if field.raw_data and field.raw_data[0] and field.data is None:
            raise ValidationError(_l("请选择有效的退款方式。"))

    def decision_args(self) -> dict:
        return {"approve": self.decision.data == "approve", "notes": self.notes.data or "",
                "refund_amount": self.refund_amount.data, "refund_method": self.refund_method.data}
