"""The conversion form (转化): the student to create, the primary parent, and an optional first enrolment."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from eduflow.enrollments.forms_classes import class_option, refuse_if_full, seats_of
from eduflow.forms import MAX_PRICE, FlaskForm, optional, strip, yuan
from eduflow.i18n import school_today
from eduflow.extensions import db
from eduflow.leads.conversion import FirstEnrollment
from eduflow.models import ClassGroup, Course, Gender, Lead, PaymentMethod
from eduflow.submissions import OneTimeTokenForm

MAX_LESSONS = 10000


def _when_enrolling(form, field) -> None:
    """The enrolment fields are required only with 同时报名 ticked."""
    if form.enroll.data and (field.data is None or field.data == ""):
        raise ValidationError(_l("同时报名时必须填写此项。"))


class ConvertForm(OneTimeTokenForm, FlaskForm):
    """Pre-filled from the lead; `first_enrollment()` is what convert_lead takes."""

    version = HiddenField(validators=[DataRequired()])
    student_name = StringField(_l("学员姓名"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    gender = SelectField(_l("性别"), choices=Gender.choices(), coerce=Gender, default=Gender.UNKNOWN)
    birth_date = DateField(_l("出生日期"), validators=[Optional()])
    parent_name = StringField(_l("家长姓名"), filters=[strip], validators=[Length(max=64)])
    parent_relation = StringField(_l("与学员关系"), filters=[strip], validators=[Length(max=32)])
    enroll = BooleanField(_l("同时报名"))
    course_id = SelectField(_l("课程"), coerce=optional(int), validators=[_when_enrolling])
    class_id = SelectField(_l("班级"), coerce=optional(int), validate_choice=False)
    contract_no = StringField(_l("合同编号"), filters=[strip], validators=[_when_enrolling, Length(max=64)])
    total_fee = DecimalField(_l("合同金额（元）"), places=2, description=_l("默认为课程标价。"),
                             validators=[Optional(), yuan, NumberRange(min=0, max=MAX_PRICE)])
    lessons_purchased = IntegerField(_l("购买课时"), validators=[Optional(), NumberRange(min=1, max=MAX_LESSONS)],
                                     description=_l("默认为课程总课时。"))
    gift_lessons = IntegerField(_l("赠送课时"), default=0,
                                validators=[Optional(), NumberRange(min=0, max=MAX_LESSONS)])
    paid_amount = DecimalField(_l("实收金额（元）"), places=2, default=Decimal("0.00"),
                               validators=[Optional(), yuan, NumberRange(min=0, max=MAX_PRICE)])
    payment_method = SelectField(_l("支付方式"), coerce=optional(PaymentMethod),
                                 choices=[("", _l("— 请选择 —"))] + PaymentMethod.choices())

    def __init__(self, *args, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        self._courses = {c.id: c for c in db.session.scalars(
            select(Course).where(Course.is_active.is_(True)).order_by(Course.name))}
        running = ClassGroup.end_date.is_(None) | (ClassGroup.end_date >= school_today())
        self._classes = seats_of(db.session.scalars(
            select(ClassGroup).where(ClassGroup.campus_id == lead.campus_id, running,
                                     ClassGroup.course_id.in_(list(self._courses)))
            .options(joinedload(ClassGroup.course)).order_by(ClassGroup.name)))
        self.course_id.choices = [("", _l("— 请选择 —"))] + [
            (c.id, c.name, {"data-price": f"{c.price:.2f}", "data-lessons": c.total_lessons})
            for c in self._courses.values()]
        self.class_id.choices = [("", _l("— 暂不分班 —"))] + [
            class_option(seats, f"{seats.group.course.name} · {seats.group.name}", self.class_id.data,
                         **{"data-course": seats.group.course_id}) for seats in self._classes.values()]

    @classmethod
    def for_lead(cls, lead: Lead) -> "ConvertForm":
        """A fresh form filled in from the lead, its first intended course as the default enrolment."""
        course = next((c for c in lead.courses if c.is_active), None)
        return cls(formdata=None, lead=lead, version=lead.version, student_name=lead.name, gender=lead.gender,
                   birth_date=lead.birth_date, parent_name=lead.contact_name or lead.name,
                   parent_relation=lead.contact_relation, course_id=course.id if course else None,
                   total_fee=course.price if course else None,
                   lessons_purchased=(course.total_lessons or None) if course else None)

    @property
    def token_required(self) -> bool:
        """Enrolling creates money and lessons: the form then carries a one-time token."""
        return bool(self.enroll.data)

    def validate_version(self, field) -> None:
        if not str(field.data).isdigit():
            raise ValidationError(_l("页面已过期，请刷新后重试。"))

    def validate_birth_date(self, field) -> None:
        if field.data and field.data > school_today():
            raise ValidationError(_l("出生日期不能晚于今天。"))

    def validate_class_id(self, field) -> None:
        chosen = self._classes.get(field.data)
        if field.data is not None and chosen is None:
            raise ValidationError(_l("请选择本校区的班级。"))
        if self.enroll.data and chosen is not None and chosen.group.course_id != self.course_id.data:
            raise ValidationError(_l("所选班级不属于该课程。"))
        if self.enroll.data:
            refuse_if_full(chosen)

    def validate_lessons_purchased(self, field) -> None:
        course = self._courses.get(self.course_id.data)
        if self.enroll.data and field.data is None and not (course and course.total_lessons):
            raise ValidationError(_l("请填写购买课时。"))

    def validate_payment_method(self, field) -> None:
        if self.enroll.data and self.paid_amount.data and field.data is None:
            raise ValidationError(_l("已收款时请选择支付方式。"))

    @property
    def expected_version(self) -> int:
        return int(self.version.data)

    def first_enrollment(self) -> FirstEnrollment | None:
        """The enrolment to create, blanks defaulting to the course's price and lessons; None without 同时报名."""
        if not self.enroll.data:
            return None
        course, chosen = self._courses[self.course_id.data], self._classes.get(self.class_id.data)
        return FirstEnrollment(
            course=course, contract_no=self.contract_no.data,
            total_fee=course.price if self.total_fee.data is None else self.total_fee.data,
            lessons_purchased=self.lessons_purchased.data or course.total_lessons,
            gift_lessons=self.gift_lessons.data or 0, class_group=chosen.group if chosen else None,
            paid_amount=self.paid_amount.data or Decimal("0"), payment_method=self.payment_method.data)

    def student_fields(self) -> dict:
        return {"name": self.student_name.data, "gender": self.gender.data, "birth_date": self.birth_date.data}

    def parent_fields(self) -> dict:
        """A blank parent name keeps the default (the lead's contact, else the learner's name)."""
        fields = {"relationship_": self.parent_relation.data or ""}
        return fields | ({"name": self.parent_name.data} if self.parent_name.data else {})
