"""通知模板: the texts admins write in place of the defaults (eduflow.notifications.texts), one per kind, language
and text channel (the default text, used by the inbox, e-mail and WeChat; and SMS's own), with the checks on
save, the stale-edit guard, and the preview against a real record.

A saved text is replaced only on the version the editor loaded: the version is a digest of the row as it was read
(its id, texts and time), and the UPDATE or DELETE claims the row on exactly those values, so of two admins saving
one text at once the second is told (409), whatever the database's clock precision.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from contextlib import nullcontext
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import select, update

from eduflow.domain import FieldError, StaleRecord
from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, Enrollment, Lead, Lesson, NotificationChannel as Channel, NotificationEvent,
    NotificationKind as Kind, NotificationTemplate, Student, User, utcnow,
)
from eduflow.notifications.texts import (
    DEFAULTS, LOCALES, STAFF_KINDS, TEXT_CHANNELS, current_text, default_text, load_wording, render, sms_length, text_problem,
)
from eduflow.system_texts import N_
from eduflow.templating import local_datetime

STALE = N_("这条模板刚被他人修改或恢复默认，您的修改没有保存。请刷新页面，在最新内容上修改。")
SMS_SIGN_PLACEHOLDER = N_("短信签名")


@dataclass(frozen=True)
class TextKey:
    """One text: a kind's message in one language on one text channel."""

    kind: Kind
    channel: Channel
    locale: str

    @classmethod
    def parse(cls, kind: str, channel: str, locale: str) -> TextKey | None:
        """The key a URL names, or None when it names no text."""
        try:
            key = cls(Kind(kind), Channel(channel), locale)
        except ValueError:
            return None
        if key.channel not in TEXT_CHANNELS or key.locale not in LOCALES or (key.sms and key.for_staff):
            return None  # colleagues hear of their events in the app only: their kinds have no SMS text
        return key

    @property
    def sms(self) -> bool:
        return self.channel == Channel.SMS

    @property
    def for_staff(self) -> bool:
        return self.kind in STAFF_KINDS


@dataclass
class TextState:
    """What a text says now: the admins' (`row`) or the default, and the version an edit must be made on."""

    key: TextKey
    subject: str
    body: str
    row: NotificationTemplate | None = None
    editor: str = ""

    @property
    def edited(self) -> bool:
        return self.row is not None

    @property
    def version(self) -> str:
        return version_of(self.row)


def version_of(row: NotificationTemplate | None) -> str:
    """'' for the default; else a digest of the saved row as read."""
    if row is None:
        return ""
    seen = "\x1f".join([str(row.id), row.subject, row.body, row.updated_at.isoformat()])
    return f"{row.id}-{hashlib.sha256(seen.encode()).hexdigest()[:16]}"


def _rows() -> dict[tuple, tuple[NotificationTemplate, str]]:
    """Every saved text with its editor's name, in one statement."""
    found = db.session.execute(select(NotificationTemplate, User.display_name)
                               .outerjoin(User, User.id == NotificationTemplate.updated_by_id)
                               .execution_options(populate_existing=True))  # as stored: the version digests it
    return {(row.kind, row.channel, row.locale): (row, name or "") for row, name in found}


def _state(key: TextKey, rows: dict) -> TextState:
    row, editor = rows.get((key.kind, key.channel, key.locale), (None, ""))
    wording = {saved: (found.subject, found.body) for saved, (found, _name) in rows.items()}
    subject, body = current_text(key.kind, key.channel, key.locale, wording)
    return TextState(key, subject, body, row, editor)


def text_state(key: TextKey) -> TextState:
    """The text as it stands."""
    return _state(key, _rows())


def overview() -> list[tuple[Kind, list[tuple[str, TextState, TextState]]]]:
    """Every kind, each with its languages: (locale, the default text's state, SMS's state or None for a kind only
    colleagues read)."""
    rows = _rows()
    return [(kind, [(locale, *(None if channel == Channel.SMS and kind in STAFF_KINDS
                               else _state(TextKey(kind, channel, locale), rows) for channel in TEXT_CHANNELS))
                    for locale in LOCALES]) for kind in DEFAULTS]


def check_text(key: TextKey, subject: str, body: str) -> None:
    """A FieldError for an empty body or subject, a malformed placeholder or a variable the kind lacks."""
    if not key.sms and not subject.strip():
        raise FieldError("subject", _("请填写标题。"))
    if not body.strip():
        raise FieldError("body", _("请填写正文。"))
    for name, text in (("subject", "" if key.sms else subject), ("body", body)):
        problem = text_problem(text, key.kind)
        if problem:
            raise FieldError(name, problem)


def save_text(key: TextKey, subject: str, body: str, version: str, *, by: User) -> NotificationTemplate:
    """Write the admins' text on the version the editor loaded (else StaleRecord, nothing written); the caller
    commits (a first save racing another's first save meets the unique key: an IntegrityError, also stale). The
    same words sent twice (a double click) are saved once, and the second is no conflict."""
    check_text(key, subject, body)
    subject = "" if key.sms else subject
    try:
        row = _claim(key, version)
    except StaleRecord:
        row = _saved_row(key)
        if row is not None and (row.subject, row.body) == (subject, body):
            return row
        raise
    if row is None:
        row = NotificationTemplate(kind=key.kind, channel=key.channel, locale=key.locale)
        db.session.add(row)
    row.subject, row.body, row.updated_by_id, row.updated_at = subject, body, by.id, utcnow()
    db.session.flush()
    return row


def reset_text(key: TextKey, version: str) -> bool:
    """Delete the admins' text (the default applies again) on the version the editor loaded; False if there is
    none (nobody saved one, or a reset came first: the default either way). The caller commits."""
    if _saved_row(key) is None:
        return False
    row = _claim(key, version)
    db.session.delete(row)
    db.session.flush()
    return True


def _saved_row(key: TextKey) -> NotificationTemplate | None:
    """The saved row as stored (not as this session last wrote it: the version digests what the database holds)."""
    return db.session.scalar(select(NotificationTemplate).filter_by(kind=key.kind, channel=key.channel,
                                                                    locale=key.locale)
                             .execution_options(populate_existing=True))


def _claim(key: TextKey, version: str) -> NotificationTemplate | None:
    """The saved row if it is still the version the editor loaded, locked for this transaction by an UPDATE on
    the values read (a concurrent save has changed them: no row matches); StaleRecord otherwise."""
    row = _saved_row(key)
    if version_of(row) != (version or ""):
        raise StaleRecord(_(STALE))
    if row is not None:
        claimed = db.session.execute(
            update(NotificationTemplate).where(
                NotificationTemplate.id == row.id, NotificationTemplate.subject == row.subject,
                NotificationTemplate.body == row.body, NotificationTemplate.updated_at == row.updated_at)
            .values(updated_at=utcnow()).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            raise StaleRecord(_(STALE))
    return row


# ---------- preview ----------

SAMPLE = {"student": "王小明", "course": "少儿英语", "balance": 12, "units": 1, "status": AttendanceStatus.PRESENT,
          "classroom": "A101", "teacher": "李老师", "amount": "3000.00", "link": "/p/payments", "lead": "张三",
          "by": "王主管", "expiry": "2027-06-30", "reason": N_("孩子发烧，需要休息。"),
          "change": N_("改到 12-08 10:00"), "lesson": "2026-12-01 09:00 英语一班"}
# The names and places of the sample in an English text: an English reader's example reads as English.
SAMPLE_EN = {"student": "Tom Wang", "course": "Kids' English", "teacher": "Ms Li", "lead": "Sam Zhang",
             "by": "Manager Wang", "lesson": "2026-12-01 09:00 English 1"}


@dataclass
class Preview:
    """The message as the reader gets it, and what it was rendered with."""

    subject: str
    body: str
    source: str  # "event", "record" or "sample"
    note: str
    problem: str | None = None
    sms_text: str = ""
    sms_sign: str = ""
    characters: int = 0
    messages: int = 0
    params: dict = field(default_factory=dict)

    @property
    def too_long(self) -> bool:
        return self.messages > 1


def sms_sign(locale: str | None = None) -> tuple[str, bool]:
    """The SMS sign as the provider adds it (【…】), and whether it is the configured one (else a placeholder, in
    the text's language, so the count does not depend on the admin's)."""
    sign = (current_app.config.get("EDUFLOW_SMS_SIGN_NAME") or os.environ.get("EDUFLOW_SMS_SIGN_NAME") or "").strip()
    if sign:
        return f"【{sign}】", True
    with force_locale(locale) if locale else nullcontext():
        return f"【{_(SMS_SIGN_PLACEHOLDER)}】", False


def preview(key: TextKey, subject: str, body: str) -> Preview:
    """The draft text rendered as the parent will read it, against the newest event of its kind, else values from
    a real student of the school, else sample values."""
    params, source, note = _event_params(key.kind) or _record_params(key) or _sample_params(key)
    problem = None
    try:
        check_text(key, subject, body)
        wording = {(key.kind, key.channel, key.locale): ("" if key.sms else subject, body)}
    except FieldError as error:  # the message shows what is saved now, beside the reason the draft is refused
        problem, wording = str(error), load_wording(db.session)
    shown_subject, shown_body = render(key.kind, params, key.locale, key.channel, wording)
    result = Preview(shown_subject, shown_body, source, note, problem, params=params)
    if key.sms:
        result.sms_sign = sms_sign(key.locale)[0]
        result.sms_text = result.sms_sign + shown_body
        result.characters, result.messages = sms_length(result.sms_text)
    return result


def _event_params(kind: Kind):
    event = db.session.scalar(select(NotificationEvent).where(NotificationEvent.kind == kind)
                              .order_by(NotificationEvent.id.desc()).limit(1))
    if event is None:
        return None
    return dict(event.params or {}), "event", _("最近一条“%(kind)s”通知（%(when)s）", kind=kind.label,
                                               when=local_datetime(event.created_at))


def _record_params(key: TextKey):
    """Values from the school's newest lesson with an enrolled student (else its newest enrolment, else student)."""
    found = db.session.execute(
        select(Enrollment, Lesson).join(Lesson, Lesson.class_id == Enrollment.class_id)
        .join(Student, Student.id == Enrollment.student_id).where(Student.deleted_at.is_(None))
        .order_by(Lesson.lesson_date.desc(), Lesson.start_time.desc(), Lesson.id.desc()).limit(1)).first()
    enrollment, lesson = found or (db.session.scalar(select(Enrollment).order_by(Enrollment.id.desc()).limit(1)), None)
    student = enrollment.student if enrollment else db.session.scalar(
        select(Student).where(Student.deleted_at.is_(None)).order_by(Student.id.desc()).limit(1))
    lead = db.session.scalar(select(Lead).where(Lead.deleted_at.is_(None)).order_by(Lead.id.desc()).limit(1))
    if student is None and lead is None:
        return None
    params = _sample_params(key)[0]
    if student is not None:
        params["student"] = student.name
    if enrollment is not None:
        from eduflow.enrollments.ledger import balance

        params.update(course=enrollment.course.name, balance=balance(enrollment.id))
    if lesson is not None:
        group = lesson.class_group
        room = lesson.classroom or group.classroom
        params.update(lesson=f"{lesson.lesson_date.isoformat()} {lesson.start_time:%H:%M} {group.name}",
                      units=lesson.units, classroom=room.name if room else params["classroom"],
                      teacher=lesson.teacher.display_name if lesson.teacher else params["teacher"])
    if lead is not None:
        params["lead"] = lead.name
    named = student.name if student is not None else lead.name
    return params, "record", _("示例：按 %(name)s 的真实记录填写（还没有这类通知）", name=named)


def _sample_params(key: TextKey):
    with force_locale(key.locale):
        sample = {**SAMPLE, **(SAMPLE_EN if key.locale == "en" else {})}
        params = {name: _(value) if name in ("reason", "change") else value for name, value in sample.items()}
    params["expiry"] = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    return params, "sample", _("示例数据（学校里还没有可用的记录）")


def default_of(key: TextKey) -> tuple[str, str]:
    """What the text becomes when reset: the built-in text; for SMS, the default channel's text as it stands."""
    if key.sms:
        state = text_state(TextKey(key.kind, Channel.INBOX, key.locale))
        return state.subject, state.body
    return default_text(key.kind, key.locale)
