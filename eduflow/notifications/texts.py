"""Each kind's default message, in Chinese and English through the catalogue, with the variables it may use.

A message is rendered when it is written, in the recipient's language, so the inbox and every channel show the
same words the recipient reads in the app.
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

from flask_babel import force_locale, gettext
from sqlalchemy import select

from eduflow.models import NotificationChannel as Channel, NotificationKind as Kind, NotificationTemplate
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
    Kind.RECORDS_INHERITED: _template(
        N_("客户交接：%(count)s 条线索"),
        N_("%(by)s 把 %(from_user)s 的 %(count)s 条线索和 %(students)s 名学员交接给了你。"),
        "by", "from_user", "count", "students"),
    Kind.APPROVAL_WAITING: _template(
        N_("待审批：%(student)s"), N_("%(by)s 提交了 %(student)s 的%(change)s申请，等待审批。"),
        "student", "change", "by"),
}


STAFF_KINDS = frozenset({Kind.LEAVE_REQUESTED, Kind.LEAD_ASSIGNED, Kind.APPROVAL_WAITING, Kind.RECORDS_INHERITED})  # read in the app only
TEXT_CHANNELS = (Channel.INBOX, Channel.SMS)  # the texts a school writes: the default one, and SMS's own
LOCALES = ("zh_CN", "en")  # the languages a message is written in
SMS_SINGLE, SMS_PART = 70, 67  # characters in one SMS; in each part of a longer one (the mainland providers' rule)


def text_channel(channel: Channel) -> Channel:
    """Which text a channel sends: SMS its own; the inbox, e-mail and WeChat the default (站内消息) text."""
    return Channel.SMS if channel == Channel.SMS else Channel.INBOX


def load_wording(session) -> dict:
    """The admins' own texts (NotificationTemplate), read once for a batch of messages, keyed (kind, channel,
    locale) with (subject, body); `render` falls back to the defaults where there is none."""
    rows = session.execute(select(NotificationTemplate.kind, NotificationTemplate.channel, NotificationTemplate.locale,
                                  NotificationTemplate.subject, NotificationTemplate.body))
    return {(kind, channel, locale): (subject, body) for kind, channel, locale, subject, body in rows}


def default_text(kind: Kind, locale: str) -> tuple[str, str]:
    """The built-in (subject, body) of a kind in `locale`, placeholders unfilled."""
    template = DEFAULTS[kind]
    with force_locale(locale):
        return gettext(template.subject), gettext(template.body)


def current_text(kind: Kind, channel: Channel, locale: str, wording: dict | None = None) -> tuple[str, str]:
    """The (subject, body) a kind sends on a channel in `locale`, placeholders unfilled: the admins' text, else for
    SMS the default channel's text (the admins', else the built-in one), else the built-in one. SMS has no subject
    of its own: its message's record keeps the default channel's."""
    wording = wording or {}
    shared = wording.get((kind, Channel.INBOX, locale)) or default_text(kind, locale)
    if text_channel(channel) == Channel.SMS:
        own = wording.get((kind, Channel.SMS, locale))
        return (shared[0], own[1]) if own is not None else shared
    return shared


def render(kind: Kind, params: dict, locale: str, channel: Channel = Channel.INBOX,
           wording: dict | None = None) -> tuple[str, str]:
    """(subject, body) of the kind's message on `channel` with its variables, in `locale`: the admins' text from
    `wording` (load_wording) when there is one, else the default. A variable the event lacks reads as empty; a
    text that cannot be filled in (written around the editor's checks) gives way to the built-in one."""
    template = DEFAULTS[kind]
    with force_locale(locale):
        values = _Values({name: say(value) for name, value in params.items() if name in template.variables})
        subject, body = current_text(kind, channel, locale, wording)
        try:
            return subject % values, body % values
        except (ValueError, TypeError):
            logging.getLogger(__name__).warning("notification text of %s/%s/%s cannot be filled in", kind, channel,
                                                locale)
            subject, body = default_text(kind, locale)
            return subject % values, body % values


class _Values(dict):
    """The variables a text is filled with; one the event does not carry reads as empty, not as an error."""

    def __missing__(self, name: str) -> str:
        return ""


# ---------- what the editor checks and counts ----------

_VARIABLE = re.compile(r"\(([^()%]*)\)s")


def text_problem(text: str, kind: Kind) -> str | None:
    """Why `text` cannot be a message of `kind` (a malformed placeholder, a variable the kind does not have), or
    None. A variable is written %(name)s, a percent sign %%."""
    allowed = DEFAULTS[kind].variables
    unknown, position = [], text.find("%")
    while position != -1:
        after = text[position + 1:]
        if after.startswith("%"):
            position = text.find("%", position + 2)
            continue
        variable = _VARIABLE.match(after)
        if variable is None:
            return gettext("“%(fragment)s”不是有效的写法：变量写作 %(example)s，百分号写作 %(percent)s。",
                           fragment=_fragment(text, position), example="%(student)s", percent="%%")
        if variable.group(1) not in allowed and variable.group(1) not in unknown:
            unknown.append(variable.group(1))
        position = text.find("%", position + 1 + variable.end())
    if unknown:
        return gettext("未知的变量：%(names)s。这类通知可用的变量：%(allowed)s。",
                       names="、".join(f"%({name})s" for name in unknown), allowed=variable_list(kind))
    return None


def variable_list(kind: Kind) -> str:
    return "、".join(f"%({name})s" for name in ordered_variables(kind))


def ordered_variables(kind: Kind) -> list[str]:
    """The kind's variables in the order its default body uses them."""
    body = DEFAULTS[kind].body
    return sorted(DEFAULTS[kind].variables, key=lambda name: body.find(f"%({name})s"))


def _fragment(text: str, position: int) -> str:
    """The placeholder as written: %, an opening parenthesis up to the closing one, and the letter after it."""
    return re.match(r"%(?:\([^)\s]{0,16}\)?\w?|\w?)", text[position:]).group(0)


def sms_length(text: str) -> tuple[int, int]:
    """(characters, messages) of an SMS as Aliyun and Tencent Cloud count and bill it: every character counts
    one (Chinese or not, the sign 【…】 included; an emoji, two, as UCS-2 carries it); up to 70 is one message,
    longer ones go in parts of 67."""
    characters = len(text.encode("utf-16-le")) // 2
    return characters, 1 if characters <= SMS_SINGLE else math.ceil(characters / SMS_PART)


def say(value) -> str:
    """A parameter as the reader reads it: enum labels in their language, system sentences rendered."""
    from eduflow.system_texts import render as system_text

    label = getattr(value, "label", None)
    if label is None and isinstance(value, str) and value.startswith("enum:"):
        label = _stored_label(value)
    return str(label) if label is not None else system_text(str(value)) if isinstance(value, str) else str(value)


def _stored_label(stored: str):
    """The label of an enum parameter stored as "enum:<class>:<value>" (outbox._plain), or None if unknown."""
    from eduflow.models import enums

    _, name, raw = (stored.split(":", 2) + ["", ""])[:3]
    kind = getattr(enums, name, None)
    try:
        return (kind(raw)._label or raw) if isinstance(kind, type) and issubclass(kind, enums.LabelledEnum) else None
    except ValueError:
        return None
