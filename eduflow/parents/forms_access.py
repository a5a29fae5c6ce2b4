"""Forms of parent access: accepting a QR invitation, and signing in with a one-time code."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from eduflow.auth.forms import PASSWORD_HINT, StrongPassword
from eduflow.forms import FlaskForm, valid_phone
from eduflow.parents.forms import OWN_PHONE_INPUT

DIGITS_INPUT = {"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}


class InviteAcceptForm(FlaskForm):
    """开通家长账号: the phone's last four digits and a new password. `words` are the family's own words, which
    make a password easy to guess."""

    last4 = StringField(_l("手机号后四位"), validators=[
        DataRequired(), Regexp(r"^\s*\d{4}\s*$", message=_l("请输入 4 位数字。"))],
        render_kw={**DIGITS_INPUT, "maxlength": 4})
    password = PasswordField(_l("设置密码"), validators=[
        DataRequired(), Length(max=256), StrongPassword(lambda form: form.words)],
        description=PASSWORD_HINT, render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("确认密码"), validators=[
        DataRequired(), EqualTo("password", message=_l("两次输入的密码不一致"))],
        render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, words=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.words = list(words)


class CodeRequestForm(FlaskForm):
    phone = StringField(_l("手机号"), validators=[DataRequired(), Length(max=32), valid_phone],
                        render_kw=OWN_PHONE_INPUT)


class CodeSignInForm(FlaskForm):
    code = StringField(_l("验证码"), validators=[
        DataRequired(), Regexp(r"^\s*\d{6}\s*$", message=_l("请输入 6 位数字验证码。"))],
        render_kw={**DIGITS_INPUT, "autocomplete": "one-time-code", "maxlength": 6})
    remember = BooleanField(_l("记住我（30 天）"), default=True)
