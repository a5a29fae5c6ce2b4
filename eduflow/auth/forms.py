from flask_babel import lazy_gettext as _l
from flask_login import current_user
from eduflow.forms import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from eduflow.auth.services import user_words
from eduflow.security.passwords import MIN_LENGTH
from eduflow.security.strength import password_problem

PASSWORD_HINT = _l("至少 %(n)s 个字符，不能是常见密码；几个不相关的词语连在一起既好记又安全。", n=MIN_LENGTH)


class StrongPassword:
    """The shared password-strength rule on a form field; `words(form)` gives the account's own words."""

    def __init__(self, words=lambda form: ()):
        self.words = words

    def __call__(self, form, field) -> None:
        problem = password_problem(field.data or "", self.words(form))
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(_l("记住我"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired()])
    new_password = PasswordField(_l("新密码"), validators=[
        DataRequired(), Length(max=256), StrongPassword(lambda form: user_words(current_user))],
        description=PASSWORD_HINT)
    confirm = PasswordField(
        _l("确认新密码"), validators=[DataRequired(), EqualTo("new_password", message=_l("两次输入的新密码不一致"))]
    )

    def validate_new_password(self, field):
        if field.data == self.current_password.data:
            raise ValidationError(_l("新密码不能与当前密码相同"))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("语言"), choices=[("zh_CN", "简体中文"), ("en", "English")])
