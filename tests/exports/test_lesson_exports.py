"""Attendance and the lesson ledger, exported from the exports page by date range, class or student, in scope."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from eduflow.attendance.services import mark_attendance
from eduflow.extensions import db
from eduflow.models import AttendanceStatus, LessonLedgerEntry
from tests.exports.conftest import LESSON_DAY
from tests.exports.reading import column, read_csv, read_xlsx


def test_the_exports_page_offers_attendance_and_ledger_forms_for_this_month(client, login_as, school):
    login_as("manager")
    html = client.get("/exports").get_data(as_text=True)
    assert 'data-testid="attendance-export"' in html and 'data-testid="ledger-export"' in html
    assert 'formaction="/exports/attendance.csv"' in html
    assert "英语一班" in html and "英语二班" not in html  # only the manager's classes are offered


def test_a_manager_exports_the_attendance_of_their_campus(client, login_as, school):
    login_as("manager")
    rows = read_xlsx(client.get("/exports/attendance.xlsx"))
    assert column(rows, "学员") == ["王小明", "李小红"]
    assert column(rows, "考勤状态") == ["出勤", "缺勤"]
    assert column(rows, "上课时间") == ["18:00–19:00"] * 2
    assert column(rows, "教师") == ["Teacher"] * 2
    assert {row.date() for row in column(rows, "上课日期")} == {LESSON_DAY}


def test_the_attendance_export_keeps_to_the_date_range_and_class(client, login_as, school):
    login_as("admin")
    day = LESSON_DAY.isoformat()
    assert len(read_csv(client.get(f"/exports/attendance.csv?date_from={day}&date_to={day}"))) == 1 + 3
    later = (LESSON_DAY + dt.timedelta(days=1)).isoformat()
    assert read_csv(client.get(f"/exports/attendance.csv?date_from={later}")) == [
        read_csv(client.get("/exports/attendance.csv"))[0]]  # the header alone
    rows = read_csv(client.get(f"/exports/attendance.csv?class_id={school.classes[1].id}"))
    assert column(rows, "学员") == ["赵小刚"]


def test_another_campus_class_in_the_attendance_filter_is_not_found(client, login_as, school):
    login_as("manager")
    assert client.get(f"/exports/attendance.csv?class_id={school.classes[1].id}").status_code == 404


def test_a_reversed_date_range_is_refused_beside_the_field(client, login_as, school):
    login_as("manager")
    response = client.get("/exports/attendance.xlsx?date_from=2025-03-10&date_to=2025-03-01")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "结束日期不能早于开始日期" in html and 'data-testid="form-error"' in html


def test_a_malformed_date_is_refused(client, login_as, school):
    login_as("manager")
    assert client.get("/exports/ledger.csv?date_from=2025-13-45").status_code == 400


def test_the_ledger_export_explains_every_line_with_its_balance(client, login_as, school):
    login_as("manager")
    rows = read_csv(client.get(f"/exports/ledger.csv?student_id={school.students['王小明'].id}"))
    assert column(rows, "类型") == ["购买", "考勤扣课"]
    assert column(rows, "课时") == ["20", "-1"]
    assert column(rows, "结余") == ["20", "19"]
    assert column(rows, "上课日期") == ["", LESSON_DAY.isoformat()]
    assert column(rows, "考勤状态") == ["", "出勤"]
    assert column(rows, "教师") == ["", "Teacher"]


def test_each_ledger_line_keeps_the_mark_it_was_written_for(client, login_as, users, school):
    """A corrected mark writes a compensating line; the first line still says what was marked then."""
    mark_attendance(school.lessons[0], school.students["王小明"].id, AttendanceStatus.LEAVE, by=users["admin"],
                    today=LESSON_DAY)
    db.session.commit()
    login_as("manager")
    rows = read_csv(client.get(f"/exports/ledger.csv?student_id={school.students['王小明'].id}"))
    assert column(rows, "考勤状态") == ["", "出勤", "请假"]
    assert column(rows, "结余") == ["20", "19", "20"]


def test_the_ledger_balance_counts_lines_before_the_date_range(client, login_as, school):
    purchase = db.session.scalar(select(LessonLedgerEntry.id).where(
        LessonLedgerEntry.student_id == school.students["王小明"].id).order_by(LessonLedgerEntry.id).limit(1))
    db.session.execute(update(LessonLedgerEntry).where(LessonLedgerEntry.id == purchase)
                       .values(created_at=dt.datetime(2025, 1, 1, 2, 0)))
    db.session.commit()
    login_as("manager")
    rows = read_csv(client.get("/exports/ledger.csv?date_from=2025-02-01&q=wxm"))
    assert column(rows, "学员") == ["王小明"]
    assert column(rows, "结余") == ["19"]  # the purchase of January still counts


def test_a_manager_exports_only_their_campus_ledger(client, login_as, school):
    login_as("manager")
    assert sorted(set(column(read_csv(client.get("/exports/ledger.csv")), "学员"))) == ["李小红", "王小明"]


def test_another_campus_student_in_the_ledger_filter_is_not_found(client, login_as, school):
    login_as("manager")
    assert client.get(f"/exports/ledger.xlsx?student_id={school.students['赵小刚'].id}").status_code == 404
    assert client.get("/exports/ledger.xlsx?student_id=abc").status_code == 404
