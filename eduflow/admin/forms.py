"""Admin forms: accounts, reference data and rule settings. Uniqueness is checked here, rules in services."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateField, DecimalField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField,
    TextAreaField, TimeField,
)
from wtforms.validators import (
    DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from eduflow.access import role_needs_campus
from eduflow.admin.services import name_taken, selectable_campuses, username_taken
from eduflow.models import AttendanceStatus, Campus, Classroom, Course, Role, SourceChannel, Tag, TagCategory
from eduflow.auth.forms import PASSWORD_HINT, StrongPassword
from eduflow.forms import EMAIL, MAX_PRICE, PHONE_INPUT, FlaskForm, optional, strip, valid_phone, with_aside, yuan
from eduflow.i18n import school_today
from eduflow.security.strength import account_words


class RecordForm(FlaskForm):
    """Edits one row of `model`; `values()` is what the service saves, `validate_name` keeps names unique."""

    model: type

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, obj=record, **kwargs)
        self.record = record

    def scope(self) -> dict:
        return {}

    def validate_name(self, field) -> None:
        if name_taken(self.model, field.data, self.record, **self.scope()):
            raise ValidationError(_l("名称“%(name)s”已存在。", name=field.data))

    def values(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class CampusForm(RecordForm):
    model = Campus
    name = StringField(_l("校区名称"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    address = StringField(_l("地址"), filters=[strip], validators=[Length(max=255)])
    phone = StringField(_l("前台电话"), filters=[strip], validators=[Length(max=32), valid_phone], render_kw=PHONE_INPUT)
    is_active = BooleanField(_l("启用"), default=True)


class ClassroomForm(RecordForm):
    model = Classroom
    name = StringField(_l("教室名称"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    seats = IntegerField(_l("座位数"), default=0, validators=[InputRequired(), NumberRange(min=0, max=1000)])
    is_active = BooleanField(_l("启用"), default=True)

    def __init__(self, *args, campus: Campus, **kwargs):
        super().__init__(*args, **kwargs)
        self.campus = campus

    def scope(self) -> dict:
        return {"campus_id": self.campus.id}


class CourseForm(RecordForm):
    model = Course
    name = StringField(_l("课程名称"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    description = TextAreaField(_l("课程介绍"), filters=[strip], validators=[Length(max=2000)])
    total_lessons = IntegerField(_l("总课时"), default=0, validators=[InputRequired(), NumberRange(min=0, max=10000)])
    price = DecimalField(_l("价格（元）"), places=2, default=Decimal("0.00"),
                         validators=[InputRequired(), yuan, NumberRange(min=0, max=MAX_PRICE)])
    is_active = BooleanField(_l("启用"), default=True)


class TagForm(RecordForm):
    model = Tag
    name = StringField(_l("标签名称"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    category = SelectField(_l("分类"), choices=TagCategory.choices(), coerce=TagCategory,
                           default=TagCategory.CUSTOM)


class SourceForm(RecordForm):
    model = SourceChannel
    name = StringField(_l("渠道名称"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    is_referral = BooleanField(_l("转介绍渠道（需填写推荐学员）"))
    is_active = BooleanField(_l("启用"), default=True)
    sort_order = IntegerField(_l("排序"), default=0, validators=[InputRequired(), NumberRange(min=0, max=9999)])


class UsernameForm(FlaskForm):
    """The username alone, declared before the profile so that it renders first on the create form."""

    username = StringField(_l("用户名"), filters=[strip], validators=[
        DataRequired(), Length(max=64),
        Regexp(r"^[A-Za-z0-9_.@-]+$", message=_l("用户名只能包含字母、数字和 _ . @ -。")),
    ])

    def validate_username(self, field) -> None:
        if username_taken(field.data):
            raise ValidationError(_l("用户名“%(name)s”已被使用。", name=field.data))


class UserForm(FlaskForm):
    """The profile an admin edits; `campus` is the chosen Campus (or None)."""

    display_name = StringField(_l("姓名"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    role = SelectField(_l("角色"), choices=Role.choices(), coerce=Role, default=Role.SALES)
    campus_id = SelectField(_l("校区"), coerce=optional(int))
    position = StringField(_l("职位"), filters=[strip], validators=[Length(max=64)])
    phone = StringField(_l("手机号码"), filters=[strip], validators=[Length(max=32), valid_phone], render_kw=PHONE_INPUT)
    email = StringField(_l("邮箱"), filters=[strip], validators=[Optional(), Length(max=254), EMAIL])
    hire_date = DateField(_l("入职日期"), validators=[Optional()])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, obj=user, **kwargs)
        self.user = user
        self._campuses = {c.id: c for c in selectable_campuses(user.campus_id if user else None)}
        self.campus_id.choices = [("", _l("— 无 —"))] + [(c.id, c.name) for c in self._campuses.values()]

    @property
    def campus(self) -> Campus | None:
        return self._campuses.get(self.campus_id.data)

    def validate_campus_id(self, field) -> None:
        if role_needs_campus(self.role.data) and field.data is None:
            raise ValidationError(_l("该角色必须属于一个校区。"))

    def profile(self) -> dict:
        """What update_user / create_user take: role, campus and the profile fields."""
        return {"display_name": self.display_name.data, "role": self.role.data, "campus": self.campus,
                "position": self.position.data or "", "phone": self.phone.data or None,
                "email": self.email.data or None, "hire_date": self.hire_date.data}


def _new_account_words(form) -> list[str]:
    """On the create form, the username, name and e-mail typed beside the password."""
    return account_words(**{name: getattr(form, name).data for name in ("username", "display_name", "email")
                            if name in form})


class PasswordFields(FlaskForm):
    password = PasswordField(_l("登录密码"), validators=[DataRequired(), Length(max=256),
                                                         StrongPassword(_new_account_words)],
                             description=PASSWORD_HINT)
    confirm = PasswordField(_l("确认密码"), validators=[
        DataRequired(), EqualTo("password", message=_l("两次输入的密码不一致。"))])


class UserCreateForm(UsernameForm, UserForm, PasswordFields):
    """A new account: username, profile and its first password."""


class PasswordResetForm(PasswordFields):
    """The admin sets a new password; the user's other sessions end."""


class DeactivateForm(FlaskForm):
    """离职: the heir is required only while the user still owns leads or students."""

    heir_id = SelectField(_l("继承人"), coerce=optional(int))
    leave_date = DateField(_l("离职日期"), default=school_today, validators=[DataRequired()])
    notes = StringField(_l("备注"), filters=[strip], validators=[Length(max=255)])

    def __init__(self, *args, heirs, needs_heir: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_heir = needs_heir
        self._heirs = {u.id: u for u in heirs}
        self.heir_id.choices = [("", _l("— 请选择 —"))] + [
            (u.id, with_aside(u.display_name, u.role.label)) for u in heirs]

    @property
    def heir(self):
        return self._heirs.get(self.heir_id.data)

    def validate_heir_id(self, field) -> None:
        if self.needs_heir and field.data is None:
            raise ValidationError(_l("该用户名下还有线索或学员，必须选择继承人。"))


class UserFilterForm(FlaskForm):
    """The user list's filters (GET, no CSRF); a bad value simply does not filter."""

    class Meta:
        csrf = False

    q = StringField(_l("搜索"), filters=[strip], validators=[Length(max=64)])
    role = SelectField(_l("角色"), coerce=optional(Role), choices=[("", _l("全部角色"))] + Role.choices())
    campus = SelectField(_l("校区"), coerce=optional(int))
    status = SelectField(_l("状态"), coerce=optional(str),
                         choices=[("", _l("全部状态")), ("active", _l("在职")), ("inactive", _l("已停用"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.campus.choices = [("", _l("全部校区"))] + [(c.id, c.name) for c in selectable_campuses()]

    def criteria(self) -> dict:
        """The filters for services.filter_users, leaving out any field that did not validate."""
        self.validate()
        ok = {name: field.data for name, field in self._fields.items() if not field.errors}
        status = ok.get("status")
        return {"search": ok.get("q") or "", "role": ok.get("role"), "campus_id": ok.get("campus"),
                "active": None if status is None else status == "active"}


# InputRequired rather than DataRequired wherever 0 is a number to judge, not a missing answer.
class SettingsForm(FlaskForm):
    """Rule thresholds; `deducting` lists the attendance statuses that deduct lesson units."""

    dormant_days = IntegerField(_l("休眠天数"), validators=[InputRequired(), NumberRange(min=1, max=3650)],
                                description=_l("超过此天数未跟进的客户标记为休眠。"))
    pool_return_days = IntegerField(_l("回收公海天数"), validators=[InputRequired(), NumberRange(min=1, max=365)],
                                    description=_l("负责人超过此天数未跟进，线索退回公海。"))
    max_open_leads = IntegerField(_l("每人最多线索数"), validators=[InputRequired(), NumberRange(min=1, max=10000)])
    low_hours_threshold = IntegerField(_l("课时不足提醒阈值"),
                                       validators=[InputRequired(), NumberRange(min=1, max=1000)])
    contract_expiry_days = IntegerField(_l("合同到期提前提醒天数"),
                                        validators=[InputRequired(), NumberRange(min=1, max=365)])
    high_value_amount = IntegerField(_l("高价值客户累计金额（元）"),
                                     validators=[InputRequired(), NumberRange(min=1, max=100_000_000)])
    attendance_lock_days = IntegerField(_l("考勤锁定天数"), validators=[InputRequired(), NumberRange(min=1, max=365)],
                                        description=_l("超过此天数的考勤只有主管可以补录。"))
    deducting = SelectMultipleField(_l("扣课时的考勤状态"), choices=AttendanceStatus.choices(),
                                    coerce=AttendanceStatus, widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput())
    gift_first = BooleanField(_l("先消耗赠送课时"),
                              description=_l("不勾选时考勤先消耗购买课时；赠送课时在任何情况下都不退款。"))
    leave_cutoff_hours = IntegerField(_l("家长在线请假截止（开课前小时数）"),
                                      validators=[InputRequired(), NumberRange(min=0, max=72)],
                                      description=_l("开课前这么多小时内，家长不能在线请假或撤回请假。"))
    # Notifications (通知): quiet hours hold messages that can wait; e-mail needs the server's SMTP settings too.
    quiet_start = TimeField(_l("免打扰开始"), validators=[InputRequired()])
    quiet_end = TimeField(_l("免打扰结束"), validators=[InputRequired()],
                          description=_l("这段时间内产生的非紧急通知（缺勤提醒除外）到结束时再发送。"))
    notify_email = BooleanField(_l("通过电子邮件通知家长"),
                                description=_l("站内消息总是发送；邮件发到家长资料中的邮箱。"))
    notify_sms = BooleanField(_l("通过短信通知家长"),
                              description=_l("发到家长的手机号；需要服务器配置短信服务（阿里云或腾讯云）。"))
    notify_wechat = BooleanField(_l("通过微信公众号通知家长"),
                                 description=_l("发给在微信中登录过家长端的家长；需要服务器配置公众号。"))
    reminder_time = TimeField(_l("上课提醒时间"), validators=[Optional()],
                              description=_l("前一天这个时间提醒家长第二天的课程；留空为 19:00。"))

    def validate_quiet_end(self, field) -> None:
        if self.quiet_start.data is not None and field.data == self.quiet_start.data:
            raise ValidationError(_l("免打扰的开始和结束时间不能相同。"))

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the reminder (a blank one too, which is 19:00) outside the quiet hours."""
        valid = super().validate(extra_validators)
        start, end = self.quiet_start.data, self.quiet_end.data
        if self.quiet_start.errors or self.quiet_end.errors or self.reminder_time.errors or start is None \
                or end is None:
            return valid
        if in_quiet_hours(start, end, self.reminder_time.data or DEFAULT_REMINDER):
            self.reminder_time.errors = [*self.reminder_time.errors, _l(
                "上课提醒时间在免打扰时段内，提醒会推迟到免打扰结束才发出；请选择免打扰以外的时间。")]
            return False
        return valid

    def values(self) -> dict:
        values = {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
        return {**values, "reminder_time": values["reminder_time"] or DEFAULT_REMINDER}


DEFAULT_REMINDER = dt.time(19)


def in_quiet_hours(start: dt.time, end: dt.time, clock: dt.time) -> bool:
    """Whether a message written at `clock` (school time, today) would be held by the quiet hours start–end (the
    outbox's own rule, eduflow.notifications.outbox.quiet_until)."""
    from eduflow.i18n import to_utc
    from eduflow.notifications.outbox import quiet_until

    moment = to_utc(dt.datetime.combine(school_today(), clock))
    return quiet_until(start, end, moment) != moment
