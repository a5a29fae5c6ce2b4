"""The 通知模板 editor's forms: one text (subject unless SMS, body, the version it was loaded on) and its reset."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from eduflow.forms import FlaskForm
from eduflow.notifications.texts import text_problem

BODY_MAX = {True: 500, False: 2000}  # SMS: the providers' longest template; the default text: a screen's worth


def _trimmed(value):
    return value.strip() if isinstance(value, str) else value


class NotificationTextForm(FlaskForm):
    """A kind's text in one language on one channel; SMS has no subject."""

    subject = StringField(_l("标题"), filters=[_trimmed], validators=[Length(max=255)],
                          description=_l("站内消息的标题，也是电子邮件的主题。"))
    body = TextAreaField(_l("正文"), filters=[_trimmed], render_kw={"rows": 6})
    version = HiddenField()

    def __init__(self, *args, key, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        if key.sms:
            del self.subject
        self.body.validators = [Length(max=BODY_MAX[key.sms])]

    def validate_subject(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("请填写标题。"))
        self._check(field)

    def validate_body(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("请填写正文。"))
        self._check(field)

    def _check(self, field) -> None:
        problem = text_problem(field.data, self.key.kind)
        if problem:
            raise ValidationError(problem)

    def texts(self) -> tuple[str, str]:
        """(subject, body) as typed; SMS's subject is empty."""
        return ("" if self.key.sms else self.subject.data or ""), self.body.data or ""


class ResetTextForm(FlaskForm):
    """恢复默认: the version the editor loaded, so a reset never removes a text saved since."""

    version = HiddenField()
