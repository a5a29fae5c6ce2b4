"""Review forms: recording a student's review and replying to one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from eduflow.forms import FlaskForm, strip
from eduflow.models import Student
from eduflow.students.forms_status import id_or_none
from eduflow.students.reviews import RATINGS, ReviewInput, campus_teachers, reviewable_courses, school_today

RATING_CHOICES = [(n, str(n)) for n in RATINGS]


def rating(form, field) -> None:
    if field.data not in RATINGS:
        raise ValidationError(_l("请选择 1 到 5 分。"))


def _rating_field(label):
    return RadioField(label, coerce=id_or_none, choices=RATING_CHOICES, validate_choice=False, validators=[rating])


class ReviewForm(FlaskForm):
    """评价: a course the student took, a teacher of the campus, three ratings 1–5, a comment and the date."""

    course = SelectField(_l("课程"), coerce=id_or_none, validate_choice=False,
                         validators=[DataRequired(message=_l("请选择课程。"))])
    teacher = SelectField(_l("授课教师"), coerce=id_or_none, validate_choice=False,
                          validators=[DataRequired(message=_l("请选择教师。"))])
    overall_rating = _rating_field(_l("总体评分"))
    course_rating = _rating_field(_l("课程评分"))
    teacher_rating = _rating_field(_l("教师评分"))
    comment = TextAreaField(_l("评价内容"), filters=[strip], validators=[Length(max=2000)])
    reviewed_on = DateField(_l("评价日期"), default=school_today,
                            validators=[DataRequired(message=_l("请填写有效的评价日期。"))])

    def __init__(self, *args, student: Student, **kwargs):
        super().__init__(*args, **kwargs)
        courses = reviewable_courses(student.id)
        teachers = campus_teachers(student.campus_id)
        if self.course.data is None and len(courses) == 1 and not self.is_submitted():
            self.course.data = courses[0].id
        self.course.choices = [("", _l("请选择课程"))] + [(c.id, c.name) for c in courses]
        self.teacher.choices = [("", _l("请选择教师"))] + [(t.id, t.display_name) for t in teachers]

    def _check_choice(self, field, message) -> None:
        if field.data not in {value for value, _label in field.choices if value != ""}:
            raise ValidationError(message)

    def validate_course(self, field) -> None:
        self._check_choice(field, _l("请选择该学员报过名的课程。"))

    def validate_teacher(self, field) -> None:
        self._check_choice(field, _l("请选择学员所在校区的教师。"))

    def validate_reviewed_on(self, field) -> None:
        if field.data and field.data > school_today():
            raise ValidationError(_l("评价日期不能晚于今天。"))

    def review(self) -> ReviewInput:
        return ReviewInput(course_id=self.course.data, teacher_id=self.teacher.data,
                           overall_rating=self.overall_rating.data, course_rating=self.course_rating.data,
                           teacher_rating=self.teacher_rating.data, reviewed_on=self.reviewed_on.data,
                           comment=self.comment.data or "")


class ReplyForm(FlaskForm):
    """回复: the one reply to a review (sent again, it replaces the previous text)."""

    reply = TextAreaField(_l("回复"), filters=[strip],
                          validators=[DataRequired(message=_l("请填写回复内容。")), Length(max=2000)])
