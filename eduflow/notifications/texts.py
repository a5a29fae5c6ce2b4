"""Each kind's default message, in Chinese and English through the catalogue, with the variables it may use.

A message is rendered when it is written, in the recipient's language, so the inbox and every channel show the
same words the recipient reads in the app.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, gettext

from eduflow.models import NotificationChannel as Channel, NotificationKind as Kind
from eduflow.system_texts import N_


@dataclass(frozen=True)
class Template:
    subject: str
    body: str
    variables: frozenset[str]


def _template(subject: str, body: str, *variables: str) -> Template:
    return Template(subject, body, frozenset(variables))


DEFAULTS = {
    Kind.LESSON_DEDUCTED: _template(
        N_("课消通知：%(student)s"),
        N_("%(student)s 于 %(lesson)s 上课（%(status)s），扣除 %(units)s 课时，%(course)s 剩余 %(balance)s 课时。"),
        "student", "lesson", "status", "units", "course", "balance"),
    Kind.ABSENT: _template(
        N_("缺勤提醒：%(student)s"),
        N_("%(student)s 未出席 %(lesson)s 的课程，如有疑问请联系校区。"), "student", "lesson"),
    Kind.LEAVE_CONFIRMED: _template(
        N_("请假已登记：%(student)s"), N_("%(student)s 在 %(lesson)s 的请假已登记，校区会安排补课。"),
        "student", "lesson"),
    Kind.MARK_CORRECTED: _template(
        N_("考勤更正：%(student)s"),
        N_("%(student)s 在 %(lesson)s 的考勤已更正为%(status)s，%(course)s 剩余 %(balance)s 课时。"),
        "student", "lesson", "status", "course", "balance"),
    Kind.PAYMENT_RECEIVED: _template(
        N_("缴费凭证：%(student)s"), N_("已收到 %(student)s 的 %(course)s 缴费 %(amount)s 元，收据：%(link)s"),
        "student", "course", "amount", "link"),
    Kind.LESSON_REMINDER: _template(
        N_("上课提醒：%(student)s"),
        N_("%(student)s 明天 %(lesson)s 上课，教室 %(classroom)s，老师 %(teacher)s。"),
        "student", "lesson", "classroom", "teacher"),
    Kind.LESSON_CHANGED: _template(
        N_("课程变动：%(student)s"), N_("%(student)s 在 %(lesson)s 的课程有变动：%(change)s"),
        "student", "lesson", "change"),
    Kind.LOW_BALANCE: _template(
        N_("课时不足：%(student)s"), N_("%(student)s 的 %(course)s 剩余 %(balance)s 课时，请及时续费。"),
        "student", "course", "balance"),
    Kind.CONTRACT_EXPIRING: _template(
        N_("合同到期提醒：%(student)s"),
        N_("%(student)s 的 %(course)s 合同将于 %(expiry)s 到期，剩余 %(balance)s 课时，请及时续费。"),
        "student", "course", "expiry", "balance"),
    Kind.LEAVE_REQUESTED: _template(
        N_("请假申请：%(student)s"), N_("%(student)s 的家长为 %(lesson)s 请假：%(reason)s"),
        "student", "lesson", "reason"),
    Kind.LEAD_ASSIGNED: _template(
        N_("新分配线索：%(lead)s"), N_("%(by)s 把线索 %(lead)s 分配给了你。"), "lead", "by"),
    Kind.APPROVAL_WAITING: _template(
        N_("待审批：%(student)s"), N_("%(by)s 提交了 %(student)s 的%(change)s申请，等待审批。"),
        "student", "change", "by"),
}


def load_wording(session) -> dict:
    """The admins' own texts (NotificationTemplate), read once for a batch of messages, keyed (kind, channel,
    locale); `render` falls back to the defaults where there is none."""
    return {}


def render(kind: Kind, params: dict, locale: str, channel: Channel = Channel.INBOX,
           wording: dict | None = None) -> tuple[str, str]:
    """(subject, body) of the kind's message on `channel` with its variables, in `locale`: the admins' text from
    `wording` (load_wording) when there is one, else the default."""
    template = DEFAULTS[kind]
    with force_locale(locale):
        values = {name: _say(value) for name, value in params.items() if name in template.variables}
        return gettext(template.subject, **values), gettext(template.body, **values)


def _say(value) -> str:
    """A parameter as the reader reads it: enum labels in their language, system sentences rendered."""
    from eduflow.system_texts import render as system_text

    label = getattr(value, "label", None)
    return str(label) if label is not None else system_text(str(value)) if isinstance(value, str) else str(value)
