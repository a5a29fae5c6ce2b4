"""The parent side's forms for 请假 (a reason), its withdrawal (a button) and a lesson's 评价 (ratings 1–5)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from eduflow.attendance.leave import REASON_MAX
from eduflow.forms import ButtonForm, FlaskForm, strip
from eduflow.parents.reviews import COMMENT_MAX, Ratings
from eduflow.students.forms_status import id_or_none
from eduflow.students.reviews import RATINGS

RATING_CHOICES = [(n, str(n)) for n in RATINGS]


class LeaveForm(FlaskForm):
    """请假: why the child will miss the lesson."""

    reason = TextAreaField(_l("请假原因"), filters=[strip],
                           validators=[DataRequired(message=_l("请填写请假原因。")),
                                       Length(max=REASON_MAX, message=_l("请假原因最多 %(max)d 个字。"))],
                           render_kw={"rows": 3, "maxlength": REASON_MAX})


class WithdrawForm(ButtonForm):
    """撤回请假 (the button's CSRF token)."""


def _rating(form, field) -> None:
    if field.data not in RATINGS:
        raise ValidationError(_l("请选择 1 到 5 分。"))


def _rating_field(label):
    return RadioField(label, coerce=id_or_none, choices=RATING_CHOICES, validate_choice=False, validators=[_rating])


class LessonReviewForm(FlaskForm):
    """评价 of an attended lesson: overall, course and teacher 1–5, and a comment."""

    overall = _rating_field(_l("总体评分"))
    course = _rating_field(_l("课程评分"))
    teacher = _rating_field(_l("教师评分"))
    comment = TextAreaField(_l("评价内容"), filters=[strip], validators=[Length(max=COMMENT_MAX)],
                            render_kw={"rows": 3})

    def ratings(self) -> Ratings:
        return Ratings(self.overall.data, self.course.data, self.teacher.data, self.comment.data or "")
