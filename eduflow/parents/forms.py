"""The parent side's forms: sign-in by phone."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from eduflow.forms import PHONE_INPUT, FlaskForm, valid_phone

# A parent types their own number: the phone may fill it in.
OWN_PHONE_INPUT = {**PHONE_INPUT, "autocomplete": "tel"}


class ParentLoginForm(FlaskForm):
    phone = StringField(_l("手机号"), validators=[DataRequired(), Length(max=32), valid_phone],
                        render_kw=OWN_PHONE_INPUT)
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(_l("记住我（30 天）"), default=True)


class InboxSettingsForm(FlaskForm):
    """Which kinds of message the parent wants: any other value is refused (payment receipts are not a choice)."""

    kind = SelectMultipleField(_l("接收以下通知"), choices=[], validate_choice=True)

    def __init__(self, kinds, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(kind.value, kind.label) for kind in kinds]
