"""The audit log's search form, and the readable labels of what the log records."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import to_utc
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from eduflow.admin.audit_names import LOOKUP_CAP, NAMED_RECORDS, people_named, records_named
from eduflow.forms import FlaskForm, strip
from eduflow.audit import NOT_AUDITED
from eduflow.models import Base

# What the log's `action` column holds: the flush listener's three, then every explicit `audit.record()`.
ACTION_LABELS = {
    "create": _l("新建"),
    "update": _l("修改"),
    "delete": _l("删除"),
    "login_ok": _l("登录成功"),
    "login_failed": _l("登录失败"),
    "login_throttled": _l("登录受限"),
    "logout": _l("退出登录"),
    "export": _l("导出"),
    "import_upload": _l("上传导入文件"),
    "import": _l("导入"),
    "import_rollback": _l("撤销导入"),
    "attendance_correction": _l("考勤补录"),
    "parent_login_ok": _l("家长登录成功"),
    "parent_login_failed": _l("家长登录失败"),
    "parent_login_throttled": _l("家长登录受限"),
    "parent_logout": _l("家长退出登录"),
    "parent_invited": _l("邀请家长"),
    "parent_invite_accepted": _l("家长接受邀请"),
    "parent_invite_wrong_digits": _l("邀请验证失败"),
    "parent_access_revoked": _l("收回家长权限"),
    "parent_code_requested": _l("家长申请验证码"),
    "parent_code_throttled": _l("验证码受限"),
    "parent_calendar_created": _l("开通日历订阅"),
    "parent_calendar_reset": _l("重置日历订阅"),
    "parent_wechat_bound": _l("绑定微信"),
}

# Business tables by their domain name; a table missing here is listed under its own name.
ENTITY_LABELS = {
    "campuses": _l("校区"),
    "classrooms": _l("教室"),
    "users": _l("用户"),
    "settings": _l("规则设置"),
    "source_channels": _l("来源渠道"),
    "tags": _l("标签"),
    "courses": _l("课程"),
    "leads": _l("线索"),
    "lead_stage_changes": _l("线索阶段变更"),
    "six_speeds": _l("六速跟进"),
    "six_speed_changes": _l("六速修改记录"),
    "follow_ups": _l("跟进记录"),
    "lead_pool_events": _l("公海记录"),
    "trial_lessons": _l("试听"),
    "lead_inheritances": _l("客户继承"),
    "students": _l("学员"),
    "parents": _l("家长"),
    "classes": _l("班级"),
    "lessons": _l("课节"),
    "enrollments": _l("报名"),
    "payments": _l("收款"),
    "lesson_ledger": _l("课时流水"),
    "attendance": _l("考勤"),
    "makeups": _l("补课"),
    "status_changes": _l("学员状态变更"),
    "reviews": _l("评价"),
    "renewal_reminders": _l("续费提醒"),
    "import_batches": _l("导入批次"),
    "import_rows": _l("导入行"),
    "parent_accounts": _l("家长账号"),
    "parent_invites": _l("家长邀请"),
    "parent_login_codes": _l("家长验证码"),
    "leave_requests": _l("请假申请"),
    "notification_preferences": _l("消息设置"),
    "notification_templates": _l("通知模板"),
    "notifications": _l("通知"),
}

NO_ACTOR = "none"  # the actor choice for entries nobody signed in made: failed logins, scheduled jobs
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2999, 12, 31)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def entity_label(entity: str) -> str:
    return str(ENTITY_LABELS.get(entity, entity))


def audited_tables() -> list[str]:
    """Every table the flush listener records: the labelled ones in domain order, then any newer ones."""
    mapped = {mapper.local_table.name for mapper in Base.registry.mappers} - NOT_AUDITED
    return [table for table in ENTITY_LABELS if table in mapped] + sorted(mapped - set(ENTITY_LABELS))


def in_range(form, field) -> None:
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("日期须在 %(start)s 至 %(end)s 之间。", start=EARLIEST.isoformat(),
                                 end=LATEST.isoformat()))


def no_actor_label() -> str:
    return str(_l("系统 / 未登录"))


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None = None
    no_actor: bool = False
    entity: str | None = None
    entity_id: str | None = None
    entity_ids: tuple[str, ...] | None = None  # the records a typed name stands for
    action: str | None = None
    since: dt.datetime | None = None  # naive UTC, inclusive
    until: dt.datetime | None = None  # naive UTC, exclusive


class AuditFilterForm(FlaskForm):
    """The audit log's GET filters (no CSRF); a bad value is reported and does not filter. The operator and the
    record are typed by name (eduflow.admin.audit_names); the record's id comes only from an entry's 历史 link."""

    class Meta:
        csrf = False

    actor = StringField(_l("操作人"), filters=[strip], validators=[Optional(), Length(max=140)],
                        render_kw={"placeholder": _l("姓名或用户名"), "autocomplete": "off"})
    entity = SelectField(_l("对象"), default="")  # a default, or an absent filter would be an invalid choice
    record = StringField(_l("对象名称"), filters=[strip], validators=[Optional(), Length(max=64)],
                         render_kw={"placeholder": _l("如 张三、英语一班"), "autocomplete": "off"})
    entity_id = StringField(_l("对象编号"), filters=[strip], validators=[Optional(), Length(max=64)])
    action = SelectField(_l("操作类型"), default="")
    date_from = DateField(_l("开始日期"), validators=[Optional(), in_range])
    date_to = DateField(_l("结束日期"), validators=[Optional(), in_range])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor_id: int | None = None
        self.record_ids: tuple[str, ...] | None = None
        self.entity.choices = [("", _l("全部对象"))] + [(table, entity_label(table)) for table in audited_tables()]
        self.action.choices = [("", _l("全部操作"))] + [(action, label) for action, label in ACTION_LABELS.items()]

    def validate_actor(self, field) -> None:
        """One person: several matches would interleave their histories, which no index returns in order."""
        if not field.data or field.data in (NO_ACTOR, no_actor_label()):
            return
        found = people_named(field.data)
        if not found.ids:
            raise ValidationError(_l("没有找到名为“%(name)s”的用户。", name=field.data))
        if len(found.ids) > 1:
            shown = str(_l("、")).join(found.labels[:5]) + ("…" if found.more or len(found.labels) > 5 else "")
            raise ValidationError(_l("“%(name)s”对应多位用户（%(people)s），请从提示中选择一位。", name=field.data,
                                     people=shown))
        self.actor_id = found.ids[0]

    def validate_record(self, field) -> None:
        if not field.data:
            return
        if self.entity.data not in NAMED_RECORDS:
            named = str(_l("、")).join(entity_label(table) for table in NAMED_RECORDS)
            raise ValidationError(_l("按名称查找请先选择对象：%(kinds)s。", kinds=named))
        found = records_named(self.entity.data, field.data, cap=LOOKUP_CAP)
        if not found.ids:
            raise ValidationError(_l("没有找到名为“%(name)s”的%(kind)s。", name=field.data,
                                     kind=entity_label(self.entity.data)))
        if found.more:
            raise ValidationError(_l("“%(name)s”对应的记录超过 %(cap)s 条，请输入更完整的名称。", name=field.data,
                                     cap=LOOKUP_CAP))
        self.record_ids = tuple(found.ids)

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("结束日期不能早于开始日期。"))

    def criteria(self) -> AuditFilters:
        """The filters that validated; the school's calendar days become UTC bounds of `created_at`."""
        self.validate()
        ok = {name: field.data for name, field in self._fields.items() if not field.errors and field.data}
        actor = ok.get("actor")
        start, end = ok.get("date_from"), ok.get("date_to")
        return AuditFilters(
            actor_id=self.actor_id if actor else None,
            no_actor=actor in (NO_ACTOR, no_actor_label()),
            entity=ok.get("entity"),
            entity_id=ok.get("entity_id"),
            entity_ids=self.record_ids if ok.get("record") else None,
            action=ok.get("action"),
            since=to_utc(dt.datetime.combine(start, dt.time.min)) if start else None,
            until=to_utc(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)) if end else None,
        )
