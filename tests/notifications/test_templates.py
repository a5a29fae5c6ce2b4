"""通知模板: admins' texts replace the defaults per kind, language and channel; a text with a variable the kind lacks,
a malformed placeholder or no body is refused on its field and nothing is written; a stale edit answers 409; the
preview renders the draft against a real record; SMS shows its count and parts; fan-out sends the edited words."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import (
    Notification, NotificationChannel as Channel, NotificationKind as Kind, NotificationTemplate,
)
from eduflow.notifications.outbox import notify_family
from eduflow.notifications.templates_admin import TextKey, reset_text, save_text, text_state
from eduflow.notifications.texts import load_wording, render, sms_length, text_problem

PARAMS = {"student": "王小明", "lesson": "2026-12-01 09:00 英语一班", "status": "出勤", "units": 1,
          "course": "少儿英语", "balance": 19}
DEDUCTED = "/admin/notification-templates/deducted/inbox/zh_CN"
DEDUCTED_SMS = "/admin/notification-templates/deducted/sms/zh_CN"
DEDUCTED_EN = "/admin/notification-templates/deducted/inbox/en"


def _saved() -> int:
    return db.session.scalar(select(func.count(NotificationTemplate.id)))


def _version(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)


def _post(client, url: str, body: str, subject: str | None = "课消：%(student)s", version: str | None = None,
          **headers):
    data = {"body": body, "version": _version(client, url) if version is None else version}
    if subject is not None:
        data["subject"] = subject
    return client.post(url, data=data, headers=headers)


def _field_error(page: str, name: str) -> str:
    """The message shown under the field `name`."""
    found = re.search(rf'name="{name}"[^>]*>.*?<div class="invalid-feedback">([^<]*)</div>', page, re.S)
    return found.group(1) if found else ""


# ---------- checks on save ----------

@pytest.mark.parametrize(("body", "says"), [
    ("%(student)s 扣了 %(nosuch)s 课时", "未知的变量：%(nosuch)s"),
    ("%(student 上课了", "“%(student”不是有效的写法"),
    ("%(student)s 共 %d 节", "“%d”不是有效的写法"),
    ("%(student)s 出勤率 100%", "“%”不是有效的写法"),
    ("%(student)d 上课了", "“%(student)d”不是有效的写法"),
    ("   ", "请填写正文。"),
])
def test_a_text_the_kind_cannot_fill_is_refused_on_its_field_and_nothing_is_written(login_as, client, body, says):
    login_as("admin")
    response = _post(client, DEDUCTED, body)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert says in _field_error(page, "body")
    assert _saved() == 0


def test_the_subject_is_checked_too_and_may_not_be_empty(login_as, client):
    login_as("admin")
    page = _post(client, DEDUCTED, "%(student)s 上课了", subject="%(who)s 的课").get_data(as_text=True)
    assert "未知的变量：%(who)s" in _field_error(page, "subject")
    page = _post(client, DEDUCTED, "%(student)s 上课了", subject="").get_data(as_text=True)
    assert _field_error(page, "subject") == "请填写标题。"
    assert _saved() == 0


def test_the_checks_name_the_kinds_variables_and_accept_a_doubled_percent_sign(app):
    with app.test_request_context():
        assert text_problem("%(student)s 出勤率 100%%", Kind.LESSON_DEDUCTED) is None
        message = text_problem("%(amount)s", Kind.ABSENT)
        assert "%(amount)s" in message and "%(student)s、%(lesson)s" in message


def test_the_service_refuses_the_same_texts_without_a_form(users):
    from eduflow.domain import FieldError

    with pytest.raises(FieldError) as refused:
        save_text(TextKey(Kind.ABSENT, Channel.INBOX, "zh_CN"), "缺勤", "%(nosuch)s", "", by=users["admin"])
    assert refused.value.field == "body"
    db.session.rollback()
    assert _saved() == 0


# ---------- save, list, reset ----------

def test_an_admin_saves_a_text_the_list_shows_it_edited_and_render_uses_it(login_as, client):
    login_as("admin")
    response = _post(client, DEDUCTED, "%(student)s 今天上了 %(course)s，还剩 %(balance)s 课时。")
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db.session.scalar(select(NotificationTemplate))
    assert (row.kind, row.channel, row.locale, row.subject) == (Kind.LESSON_DEDUCTED, Channel.INBOX, "zh_CN",
                                                                "课消：%(student)s")
    listing = client.get("/admin/notification-templates").get_data(as_text=True)
    row_html = re.search(r'data-testid="row-deducted-zh_CN".*?</tr>', listing, re.S).group(0)
    assert 'data-testid="state-edited"' in row_html and "还剩" in row_html
    en_row = re.search(r'data-testid="row-deducted-en".*?</tr>', listing, re.S).group(0)
    assert 'data-testid="state-edited"' not in en_row
    wording = load_wording(db.session)
    assert render(Kind.LESSON_DEDUCTED, PARAMS, "zh_CN", Channel.EMAIL, wording) == (
        "课消：王小明", "王小明 今天上了 少儿英语，还剩 19 课时。")
    # SMS has no text of its own yet: it says what the default channel says
    assert render(Kind.LESSON_DEDUCTED, PARAMS, "zh_CN", Channel.SMS, wording)[1] == "王小明 今天上了 少儿英语，还剩 19 课时。"
    # other languages and kinds keep their defaults
    assert render(Kind.LESSON_DEDUCTED, PARAMS, "en", Channel.INBOX, wording)[1].startswith("王小明 attended")
    assert render(Kind.ABSENT, PARAMS, "zh_CN", Channel.INBOX, wording)[1] == "王小明 未出席 2026-12-01 09:00 英语一班 的课程，如有疑问请联系校区。"


def test_load_wording_reads_every_override_in_one_statement(users, app):
    from tests.statements import counted

    admin = users["admin"]
    save_text(TextKey(Kind.ABSENT, Channel.INBOX, "zh_CN"), "缺勤", "%(student)s 没来", "", by=admin)
    save_text(TextKey(Kind.ABSENT, Channel.SMS, "en"), "", "%(student)s absent", "", by=admin)
    db.session.commit()
    with counted() as statements:
        wording = load_wording(db.session)
    assert len(statements) == 1
    assert wording == {(Kind.ABSENT, Channel.INBOX, "zh_CN"): ("缺勤", "%(student)s 没来"),
                       (Kind.ABSENT, Channel.SMS, "en"): ("", "%(student)s absent")}


def test_reset_to_default_deletes_the_override(login_as, client):
    login_as("admin")
    _post(client, DEDUCTED, "%(student)s 上课了")
    version = text_state(TextKey(Kind.LESSON_DEDUCTED, Channel.INBOX, "zh_CN")).version
    response = client.post(DEDUCTED + "/reset", data={"version": version})
    assert response.status_code == 302
    assert _saved() == 0
    assert render(Kind.LESSON_DEDUCTED, PARAMS, "zh_CN", Channel.INBOX, load_wording(db.session))[0] == "课消通知：王小明"
    page = client.get(DEDUCTED).get_data(as_text=True)
    assert "尚未修改" in page and 'data-testid="reset-form"' not in page


def test_an_sms_text_has_no_subject_and_resets_to_the_default_channels_words(login_as, client):
    login_as("admin")
    page = client.get(DEDUCTED_SMS).get_data(as_text=True)
    assert 'name="subject"' not in page
    assert "EDUFLOW_SMS_TEMPLATES" in page  # the provider sends its approved template: the page says so
    assert _post(client, DEDUCTED_SMS, "%(student)s 扣 %(units)s 课时，余 %(balance)s", subject=None).status_code == 302
    row = db.session.scalar(select(NotificationTemplate))
    assert (row.channel, row.subject) == (Channel.SMS, "")
    wording = load_wording(db.session)
    assert render(Kind.LESSON_DEDUCTED, PARAMS, "zh_CN", Channel.SMS, wording) == ("课消通知：王小明",
                                                                                 "王小明 扣 1 课时，余 19")
    assert "扣除 1 课时" in render(Kind.LESSON_DEDUCTED, PARAMS, "zh_CN", Channel.INBOX, wording)[1]


# ---------- stale edits ----------

def test_a_stale_edit_is_refused_with_409_and_the_other_admins_text_stays(login_as, client, users):
    login_as("admin")
    loaded = _version(client, DEDUCTED)  # the default: no saved text yet
    save_text(TextKey(Kind.LESSON_DEDUCTED, Channel.INBOX, "zh_CN"), "甲", "甲：%(student)s", "", by=users["admin"])
    db.session.commit()
    response = _post(client, DEDUCTED, "乙：%(student)s", version=loaded)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "刚被他人修改" in page and 'data-testid="saved-now"' in page and "乙：%(student)s" in page  # typed text kept
    assert db.session.scalar(select(NotificationTemplate.body)) == "甲：%(student)s"


def test_a_save_on_an_older_version_of_a_saved_text_is_stale_too(login_as, client, users):
    login_as("admin")
    key = TextKey(Kind.LESSON_DEDUCTED, Channel.INBOX, "zh_CN")
    save_text(key, "甲", "甲：%(student)s", "", by=users["admin"])
    db.session.commit()
    loaded = _version(client, DEDUCTED)
    assert _post(client, DEDUCTED, "乙：%(student)s", version=loaded).status_code == 302  # on the version seen
    assert _post(client, DEDUCTED, "丙：%(student)s", version=loaded).status_code == 409  # on the one before
    assert _post(client, DEDUCTED, "丁：%(student)s", version="").status_code == 409  # as if nothing were saved
    assert db.session.scalar(select(NotificationTemplate.body)) == "乙：%(student)s"
    reset = client.post(DEDUCTED + "/reset", data={"version": loaded})
    assert reset.status_code == 409 and "刚被他人修改" in reset.get_data(as_text=True)
    assert _saved() == 1


def test_two_saves_in_the_same_instant_cannot_both_win(users):
    """The claim compares the row's values, not only its time: a clock with whole seconds cannot hide a save."""
    from eduflow.domain import StaleRecord

    key = TextKey(Kind.ABSENT, Channel.INBOX, "zh_CN")
    save_text(key, "甲", "%(student)s 甲", "", by=users["admin"])
    db.session.commit()
    seen = text_state(key).version
    row = db.session.scalar(select(NotificationTemplate))
    stamp = row.updated_at
    save_text(key, "乙", "%(student)s 乙", seen, by=users["admin"])
    row.updated_at = stamp  # as if both saves fell in the same second
    db.session.commit()
    with pytest.raises(StaleRecord):
        save_text(key, "丙", "%(student)s 丙", seen, by=users["admin"])
    db.session.rollback()
    assert db.session.scalar(select(NotificationTemplate.body)) == "%(student)s 乙"


def test_reset_of_a_text_nobody_saved_writes_nothing(users):
    assert reset_text(TextKey(Kind.ABSENT, Channel.SMS, "en"), "") is False


# ---------- preview ----------

def _preview(client, url: str, body: str, subject: str = "课消：%(student)s"):
    response = client.post(url + "/preview", data={"subject": subject, "body": body},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<html" not in text
    return text


def test_the_preview_renders_the_draft_against_the_newest_event_of_its_kind(login_as, client, family):
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", {**PARAMS, "balance": 7})
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:2:v1", {**PARAMS, "balance": 6})
    db.session.commit()
    login_as("admin")
    text = _preview(client, DEDUCTED, "%(student)s 还剩 %(balance)s 课时")
    assert '<div data-testid="preview-body">王小明 还剩 6 课时</div>' in text
    assert ">课消：王小明</div>" in text
    assert "最近一条“课消通知”通知" in text
    assert _saved() == 0  # a preview writes nothing


def test_the_preview_says_why_a_draft_cannot_be_saved(login_as, client, family):
    login_as("admin")
    text = _preview(client, DEDUCTED, "%(student)s %(nosuch)s")
    problem = re.search(r'data-testid="preview-problem">(.*?)</div>', text, re.S).group(1)
    assert "未知的变量：%(nosuch)s" in problem
    assert "扣除 1 课时" in text  # shown instead: what is sent now


def test_without_events_the_preview_uses_a_real_student_and_lesson(login_as, client, make_student, make_class,
                                                                   make_lesson, enroll):
    group = make_class("英语二班")
    student = make_student("赵小雨")
    enroll(student, group)
    make_lesson(group, day="2026-11-30", start="15:30")
    login_as("admin")
    text = _preview(client, DEDUCTED, "%(student)s|%(lesson)s|%(course)s|%(balance)s")
    assert "赵小雨|2026-11-30 15:30 英语二班|少儿英语|20" in text
    assert "按 赵小雨 的真实记录填写" in text


def test_with_nothing_in_the_school_the_preview_is_labelled_as_sample(login_as, client):
    login_as("admin")
    text = _preview(client, DEDUCTED, "%(student)s 上课")
    assert "示例数据" in text and 'class="badge text-bg-warning">示例' in text


# ---------- SMS ----------

def test_the_sms_count_is_the_providers(app):
    assert sms_length("字" * 70) == (70, 1)
    assert sms_length("字" * 71) == (71, 2)
    assert sms_length("a" * 134) == (134, 2)
    assert sms_length("a" * 135) == (135, 3)
    assert sms_length("😀") == (2, 1)  # UCS-2 carries it in two


def test_the_sms_preview_counts_the_sign_and_warns_above_one_message(login_as, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "EDUFLOW_SMS_SIGN_NAME", "星辰教育")
    login_as("admin")
    short = _preview(client, DEDUCTED_SMS, "%(student)s 上课了")  # 【星辰教育】王小明 上课了
    assert "【星辰教育】王小明 上课了" in short and "共 13 个字，按 1 条短信计费。" in short
    assert 'data-testid="sms-warning"' not in short
    long = _preview(client, DEDUCTED_SMS, "%(student)s" + "好" * 60)  # 6 + 3 + 60 = 69 … 70 → one message
    assert "共 69 个字，按 1 条短信计费。" in long and 'data-testid="sms-warning"' not in long
    longer = _preview(client, DEDUCTED_SMS, "%(student)s" + "好" * 62)
    assert "共 71 个字，按 2 条短信计费。" in longer and 'data-testid="sms-warning"' in longer
    # a warning, not a refusal: the long text saves
    assert _post(client, DEDUCTED_SMS, "%(student)s" + "好" * 62, subject=None).status_code == 302


def test_without_a_configured_sign_the_count_says_what_it_assumed(login_as, client):
    login_as("admin")
    text = _preview(client, DEDUCTED_SMS, "%(student)s")
    assert "【短信签名】王小明" in text and "尚未配置短信签名" in text


# ---------- English ----------

def test_the_english_text_is_edited_apart_and_read_in_english(login_as, client):
    login_as("admin")
    page = client.get(DEDUCTED_EN).get_data(as_text=True)
    assert "Lesson deducted: %(student)s" in page  # the English default, to start from
    assert _post(client, DEDUCTED_EN, "%(student)s had %(course)s; %(balance)s left.",
                 subject="Lesson: %(student)s").status_code == 302
    text = _preview(client, DEDUCTED_EN, "%(student)s had %(course)s; %(balance)s left.", subject="Lesson: %(student)s")
    assert "Lesson: Tom Wang" in text
    wording = load_wording(db.session)
    assert render(Kind.LESSON_DEDUCTED, PARAMS, "en", Channel.INBOX, wording)[1] == "王小明 had 少儿英语; 19 left."
    assert render(Kind.LESSON_DEDUCTED, PARAMS, "zh_CN", Channel.INBOX, wording)[0] == "课消通知：王小明"


def test_the_editor_reads_in_english_for_an_english_speaking_admin(login_as, client, users):
    users["admin"].locale = "en"
    db.session.commit()
    login_as("admin")
    listing = client.get("/admin/notification-templates").get_data(as_text=True)
    assert "Notification templates" in listing and "Edited" not in listing
    page = client.get(DEDUCTED_SMS).get_data(as_text=True)
    assert "Preview" in page and "characters" in page


# ---------- fan-out ----------

def test_fan_out_writes_the_parents_message_in_the_edited_words(login_as, client, family):
    login_as("admin")
    assert _post(client, DEDUCTED, "%(student)s：%(course)s 余 %(balance)s 课时。", subject="上课啦 %(student)s"
                 ).status_code == 302
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:9:v1", PARAMS)
    db.session.commit()
    message = db.session.scalar(select(Notification).where(Notification.event_key == "attendance:9:v1"))
    assert (message.subject, message.body) == ("上课啦 王小明", "王小明：少儿英语 余 19 课时。")


def test_fan_out_of_an_english_reader_uses_the_english_edit(login_as, client, family):
    family.account.locale = "en"
    db.session.commit()
    login_as("admin")
    assert _post(client, DEDUCTED_EN, "%(student)s: %(balance)s left", subject="Class %(student)s").status_code == 302
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:9:v1", PARAMS)
    db.session.commit()
    message = db.session.scalar(select(Notification).where(Notification.event_key == "attendance:9:v1"))
    assert (message.locale, message.subject, message.body) == ("en", "Class 王小明", "王小明: 19 left")


# ---------- addresses ----------

@pytest.mark.parametrize("url", ["/admin/notification-templates/nosuch/inbox/zh_CN",
                                 "/admin/notification-templates/deducted/email/zh_CN",
                                 "/admin/notification-templates/deducted/inbox/fr"])
def test_an_address_naming_no_text_is_404(login_as, client, url):
    login_as("admin")
    assert client.get(url).status_code == 404
    assert client.post(url + "/reset", data={"version": ""}).status_code in (400, 404)


def test_the_same_words_posted_twice_are_saved_once_and_the_second_is_no_conflict(login_as, client):
    login_as("admin")
    loaded = _version(client, DEDUCTED)
    assert _post(client, DEDUCTED, "%(student)s 上课了", version=loaded).status_code == 302
    assert _post(client, DEDUCTED, "%(student)s 上课了", version=loaded).status_code == 302  # the double click
    assert _saved() == 1
    version = text_state(TextKey(Kind.LESSON_DEDUCTED, Channel.INBOX, "zh_CN")).version
    assert client.post(DEDUCTED + "/reset", data={"version": version}).status_code == 302
    assert client.post(DEDUCTED + "/reset", data={"version": version}).status_code == 302  # already the default
    assert _saved() == 0


def test_kinds_only_colleagues_read_have_no_sms_text(login_as, client):
    login_as("admin")
    assert client.get("/admin/notification-templates/lead_assigned/sms/zh_CN").status_code == 404
    assert client.get("/admin/notification-templates/lead_assigned/inbox/zh_CN").status_code == 200
    listing = client.get("/admin/notification-templates").get_data(as_text=True)
    row = re.search(r'data-testid="row-lead_assigned-zh_CN".*?</tr>', listing, re.S).group(0)
    assert "不发短信" in row and "edit-lead_assigned-sms" not in row
    assert 'data-testid="edit-deducted-sms-zh_CN"' in listing
