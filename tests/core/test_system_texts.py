"""Sentences the system writes are stored as codes and read in the reader's language; legacy sentences too."""
import json
import re

from flask_babel import force_locale
from sqlalchemy import select

from eduflow import system_texts
from eduflow.extensions import db
from eduflow.models import LessonLedgerEntry
from tests import factories

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def test_a_coded_sentence_reads_in_each_language(app):
    stored = system_texts.coded("enrol", no="HT-7")
    with app.test_request_context():
        with force_locale("en"):
            assert system_texts.render(stored) == "Enrollment HT-7"
        with force_locale("zh_CN"):
            assert system_texts.render(stored) == "报名 HT-7"


def test_a_legacy_chinese_sentence_reads_in_english_with_its_parts(app):
    with app.test_request_context(), force_locale("en"):
        assert system_texts.render("赠送课时") == "Bonus lessons"
        assert system_texts.render("退费审批 #11") == "Refund approval #11"
        assert system_texts.render("考勤：2026-12-02 English A 出勤") == "Attendance: 2026-12-02 English A Present"
        assert system_texts.render("考勤：补课 2026-12-02 English A 缺勤") == \
            "Attendance: Makeup 2026-12-02 English A Absent"


def test_an_english_writers_sentence_is_stored_as_its_code(app):
    with app.test_request_context(), force_locale("en"):
        stored = system_texts.encode("Refund: moving abroad")
    assert json.loads(stored) == {"t": "refund", "reason": "moving abroad"}
    with app.test_request_context(), force_locale("zh_CN"):
        assert system_texts.render(stored) == "退费：moving abroad"


def test_what_a_person_typed_stays_as_typed(app):
    with app.test_request_context(), force_locale("en"):
        assert system_texts.encode("孩子搬家了") == "孩子搬家了"
        assert system_texts.render("孩子搬家了") == "孩子搬家了"
        assert system_texts.render('{"t": "nonsense"}') == '{"t": "nonsense"}'
        assert system_texts.render(None) == "" and system_texts.render(3) == 3


def test_the_ledger_stores_codes_and_the_page_reads_english(app, client, login_as, campuses, users, course):
    student = factories.make_student(campuses[0], name="Bob", owner=users["sales"])
    enrollment = factories.enroll(student, course, by=users["manager"], gift=2, contract_no="EN-9")
    db.session.commit()
    reasons = set(db.session.scalars(select(LessonLedgerEntry.reason)))
    assert {json.loads(r)["t"] for r in reasons} == {"enrol", "gift"}
    login_as("manager")
    client.post("/language", data={"locale": "en"})
    page = client.get(f"/enrollments/{enrollment.id}").get_data(as_text=True)
    assert "Enrollment EN-9" in page and "Bonus lessons" in page and "赠送课时" not in page


def test_an_import_rows_problems_read_in_the_readers_language(app):
    with app.test_request_context(), force_locale("zh_CN"):
        written = "；".join([system_texts.gettext("缺少姓名"), system_texts.gettext("性别无法识别：%(value)s", value="x")])
    with app.test_request_context(), force_locale("en"):
        shown = system_texts.render(written)
        assert "Name missing" in shown and "; " in shown and "x" in shown
        assert not CJK.search(shown)
        failed = system_texts.render("导入失败，已撤销已导入的行。原因：第 3 行：缺少姓名")
        assert "3" in failed and not CJK.search(failed)


def test_an_imported_leads_first_stage_change_reads_in_english(client, login_as, campuses, users):
    from eduflow.imports.rows import after_flush
    from eduflow.models import ImportKind, LeadStageChange

    lead = factories.make_lead(campuses[0], name="Ann", owner=users["sales"])
    context = type("Context", (), {"kind": ImportKind.LEADS})()
    after_flush(context, [lead], users["manager"])
    db.session.commit()
    assert json.loads(db.session.scalar(select(LeadStageChange.reason))) == {"t": "import"}
    login_as("sales")
    client.post("/language", data={"locale": "en"})
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "Reason: </span>Import" in page
