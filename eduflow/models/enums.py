"""Every closed set of values in the domain, with its Chinese label kept here and only here.

Values are stable English slugs stored in the database; labels go through the translation
catalogue (msgids are the Chinese product terms, English lives in translations/en).
"""
from __future__ import annotations

import enum

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum as SAEnum


class LabelledEnum(enum.StrEnum):
    """A str enum whose members carry a translatable label."""

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        """The label in the request's language; outside a request (a form class built at import time) it stays
        lazy, so `choices=[(s.value, s.label) ...]` still speaks each reader's language."""
        if self._label is None:
            return self.value
        return str(self._label) if has_request_context() else self._label

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a form field; the labels stay lazy, so a form class built at import time
        still shows them in the language of each request."""
        return [(m.value, m._label if m._label is not None else m.value) for m in cls]


def enum_column(enum_cls: type[enum.Enum]) -> SAEnum:
    """A portable VARCHAR column holding the enum's values (no native ENUM types to migrate)."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        length=20,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


class Role(LabelledEnum):
    ADMIN = "admin", _l("系统管理员")
    MANAGER = "manager", _l("校区主管")
    SALES = "sales", _l("课程顾问")
    ACADEMIC = "academic", _l("教务")
    TEACHER = "teacher", _l("教师")


class Gender(LabelledEnum):
    UNKNOWN = "unknown", _l("未知")
    MALE = "male", _l("男")
    FEMALE = "female", _l("女")


class LeadStage(LabelledEnum):
    NEW = "new", _l("新咨询")
    CONTACTED = "contacted", _l("首次沟通")
    INTENT = "intent", _l("意向明确")
    PENDING = "pending", _l("待报名")
    CONVERTED = "converted", _l("已转化")
    LOST = "lost", _l("已流失")


class CustomerLevel(LabelledEnum):
    POTENTIAL = "potential", _l("潜在")
    NORMAL = "normal", _l("普通")
    VIP = "vip", _l("VIP")


class FollowUpMethod(LabelledEnum):
    PHONE = "phone", _l("电话")
    WECHAT = "wechat", _l("微信")
    MEETING = "meeting", _l("面谈")
    SMS = "sms", _l("短信")
    VISIT = "visit", _l("到访")
    EMAIL = "email", _l("邮件")


class Stickiness(LabelledEnum):
    HIGH = "1", _l("高")
    MID = "2", _l("中")
    LOW = "3", _l("低")


class PoolAction(LabelledEnum):
    RELEASE = "release", _l("释放到公海")
    CLAIM = "claim", _l("从公海领取")
    RETURN = "return", _l("超期退回公海")
    ASSIGN = "assign", _l("主管分配")
    INHERIT = "inherit", _l("离职继承")


class TagCategory(LabelledEnum):
    INDUSTRY = "industry", _l("行业")
    VALUE = "value", _l("价值")
    REGION = "region", _l("区域")
    NEED = "need", _l("需求")
    CUSTOM = "custom", _l("自定义")


class TagKind(LabelledEnum):
    SYSTEM = "system", _l("系统")
    MANUAL = "manual", _l("手动")


class StudentStatus(LabelledEnum):
    POTENTIAL = "potential", _l("潜在")
    ACTIVE = "active", _l("在读")
    SUSPENDED = "suspended", _l("休学")
    REFUNDED = "refunded", _l("退费")
    GRADUATED = "graduated", _l("毕业")


class PaymentMethod(LabelledEnum):
    WECHAT = "wechat", _l("微信支付")
    ALIPAY = "alipay", _l("支付宝")
    CARD = "card", _l("银行卡")
    CASH = "cash", _l("现金")


class ContractStatus(LabelledEnum):
    UNSIGNED = "unsigned", _l("未签订")
    SIGNED = "signed", _l("已签订")
    VOID = "void", _l("作废")


class EnrollmentStatus(LabelledEnum):
    ACTIVE = "active", _l("生效中")
    FINISHED = "finished", _l("已结束")
    REFUNDED = "refunded", _l("已退费")
    TRANSFERRED = "transferred", _l("已转班")


class AttendanceStatus(LabelledEnum):
    PRESENT = "present", _l("出勤")
    LATE = "late", _l("迟到")
    LEAVE = "leave", _l("请假")
    ABSENT = "absent", _l("缺勤")


class LedgerKind(LabelledEnum):
    PURCHASE = "purchase", _l("购买")
    GIFT = "gift", _l("赠送")
    ATTENDANCE = "attendance", _l("考勤扣课")
    CORRECTION = "correction", _l("更正")
    REFUND = "refund", _l("退费")
    TRANSFER = "transfer", _l("转班")


class LedgerPool(LabelledEnum):
    """Which remainder a ledger row moves: lessons paid for, or lessons given free (never refunded as money)."""

    BOUGHT = "bought", _l("购买课时")
    GIFT = "gift", _l("赠送课时")


class TrialStatus(LabelledEnum):
    BOOKED = "booked", _l("已预约")
    ATTENDED = "attended", _l("已到课")
    NO_SHOW = "no_show", _l("未到")


class MakeupStatus(LabelledEnum):
    BOOKED = "booked", _l("已预约")
    ATTENDED = "attended", _l("已补课")
    CANCELLED = "cancelled", _l("已取消")


class StatusChangeKind(LabelledEnum):
    SUSPEND = "suspend", _l("休学")
    RESUME = "resume", _l("复学")
    REFUND = "refund", _l("退费")
    TRANSFER = "transfer", _l("转班")
    GRADUATE = "graduate", _l("毕业")


class ApprovalStatus(LabelledEnum):
    PENDING = "pending", _l("待审批")
    APPROVED = "approved", _l("已批准")
    REJECTED = "rejected", _l("已拒绝")


class ReminderKind(LabelledEnum):
    LOW_HOURS = "low_hours", _l("课时不足")
    CONTRACT_EXPIRY = "contract_expiry", _l("合同到期")


class ReminderStatus(LabelledEnum):
    PENDING = "pending", _l("待处理")
    PROCESSED = "processed", _l("已处理")
    IGNORED = "ignored", _l("已忽略")


class ImportKind(LabelledEnum):
    LEADS = "leads", _l("线索")
    STUDENTS = "students", _l("学员")


class ImportStatus(LabelledEnum):
    MAPPING = "mapping", _l("待对应列")
    VALIDATING = "validating", _l("预览中")
    PREVIEWED = "previewed", _l("待确认")
    COMMITTING = "committing", _l("导入中")
    DONE = "done", _l("已导入")
    FAILED = "failed", _l("导入失败")
    ROLLED_BACK = "rolled_back", _l("已撤销")


class ImportAction(LabelledEnum):
    CREATE = "create", _l("新建")
    UPDATE = "update", _l("更新")
    UNCHANGED = "unchanged", _l("无变化")
    REJECT = "reject", _l("拒绝")


class NotificationKind(LabelledEnum):
    """What a message tells (通知类型); `URGENT` kinds are sent in quiet hours too."""

    LESSON_DEDUCTED = "deducted", _l("课消通知")
    ABSENT = "absent", _l("缺勤提醒")
    LEAVE_CONFIRMED = "leave_confirmed", _l("请假确认")
    MARK_CORRECTED = "corrected", _l("考勤更正")
    LESSON_REMINDER = "reminder", _l("上课提醒")
    LESSON_CHANGED = "lesson_changed", _l("课程变动")
    LOW_BALANCE = "low_balance", _l("课时不足")
    CONTRACT_EXPIRING = "expiring", _l("合同到期")
    PAYMENT_RECEIVED = "payment", _l("缴费凭证")
    LEAVE_REQUESTED = "leave_requested", _l("请假申请")
    LEAD_ASSIGNED = "lead_assigned", _l("线索分配")
    APPROVAL_WAITING = "approval", _l("待审批")
    RECORDS_INHERITED = "inherited", _l("客户交接")


class NotificationChannel(LabelledEnum):
    INBOX = "inbox", _l("站内消息")
    EMAIL = "email", _l("电子邮件")
    SMS = "sms", _l("短信")
    WECHAT = "wechat", _l("微信公众号")


class DeliveryStatus(LabelledEnum):
    PENDING = "pending", _l("待发送")
    SENT = "sent", _l("已发送")
    FAILED = "failed", _l("发送失败")
    SKIPPED = "skipped", _l("未发送")  # the parent turned the kind off, or the channel is off
