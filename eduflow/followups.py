"""Follow-ups (跟进记录) on a lead or a student: one quick-add form and one rule for both.

The form refuses a next follow-up that is not in the future and allows 2,000 characters of content, feedback and
plan (the lead's rules, now the student's too); the service refuses empty content and a next follow-up not after
the one recorded, whichever page or import sends it. What a follow-up changes on a lead lives in leads/followups.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from eduflow.domain import FieldError
from eduflow.extensions import db
from eduflow.forms import FlaskForm, SchoolDateTimeField, strip
from eduflow.models import FollowUp, FollowUpMethod, Lead, Student, User, utcnow

NOTE_MAX = 2000


class FollowUpForm(FlaskForm):
    """跟进记录 quick-add, on the lead page and on the student page; the next time is typed in school time."""

    method = SelectField(_l("跟进方式"), choices=FollowUpMethod.choices(), coerce=FollowUpMethod,
                         default=FollowUpMethod.PHONE)
    content = TextAreaField(_l("跟进内容"), filters=[strip],
                            validators=[DataRequired(message=_l("请填写跟进内容。")), Length(max=NOTE_MAX)])
    feedback = TextAreaField(_l("客户反馈"), filters=[strip], validators=[Length(max=NOTE_MAX)])
    next_plan = TextAreaField(_l("下一步计划"), filters=[strip], validators=[Length(max=NOTE_MAX)])
    next_followup_at = SchoolDateTimeField(_l("下次跟进时间"), validators=[Optional()])

    def validate_next_followup_at(self, field) -> None:
        if field.data is not None and field.data <= utcnow():
            raise ValidationError(_l("下次跟进时间必须晚于现在。"))

    def values(self) -> dict:
        """What record_follow_up (and add_lead_follow_up) take."""
        return {"method": self.method.data, "content": self.content.data, "feedback": self.feedback.data or "",
                "next_plan": self.next_plan.data or "", "next_followup_at": self.next_followup_at.data}


def record_follow_up(subject: Lead | Student, *, by: User, method: FollowUpMethod, content: str, feedback: str = "",
                     next_plan: str = "", next_followup_at: dt.datetime | None = None,
                     followed_at: dt.datetime | None = None) -> FollowUp:
    """Record a follow-up with a lead or a student (or their family); times are naive UTC; the caller commits."""
    content = (content or "").strip()
    if not content:
        raise FieldError("content", _("请填写跟进内容。"))
    followed_at = followed_at or utcnow()
    if next_followup_at is not None and next_followup_at <= followed_at:
        raise FieldError("next_followup_at", _("下次跟进时间必须晚于本次跟进时间。"))
    subject_key = "lead_id" if isinstance(subject, Lead) else "student_id"
    follow_up = FollowUp(**{subject_key: subject.id}, followed_at=followed_at, method=method, content=content,
                         feedback=(feedback or "").strip(), next_plan=(next_plan or "").strip(),
                         next_followup_at=next_followup_at, user_id=by.id)
    db.session.add(follow_up)
    return follow_up
