"""Finding students (scope, search, low hours, class), enrolment balances, ledger lines and the timeline."""
import datetime as dt
from decimal import Decimal

from eduflow.enrollments.ledger import post_entry
from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, FollowUp, FollowUpMethod, LedgerKind, Payment, PaymentMethod, Review, Settings,
    StudentStatus,
)
from eduflow.students.queries import StudentFilters, enrollment_rows, filtered_students, ledger_lines
from eduflow.students.timeline import parse_cursor, student_timeline
from tests import factories


def _names(user, **filters):
    return sorted(s.name for s in db.session.scalars(filtered_students(user, StudentFilters(**filters))))


def test_scope_decides_who_is_listed(make_student, make_class, enroll, users):
    taught = make_student("张三", owner="sales")
    make_student("李四", owner="sales2")
    make_student("王五", owner="sales_b", campus=1)
    enroll(taught, make_class())
    assert _names(users["admin"]) == ["张三", "李四", "王五"]
    assert _names(users["manager"]) == ["张三", "李四"]
    assert _names(users["academic"]) == ["张三", "李四"]
    assert _names(users["sales"]) == ["张三"]
    assert _names(users["teacher"]) == ["张三"]
    assert _names(users["teacher_b"]) == []


def test_search_by_name_pinyin_initials_and_phone_digits(make_student, users):
    make_student("张小明", phone="13800001234")
    make_student("李华", parent_phone="13911115678")
    admin = users["admin"]
    assert _names(admin, q="zhangxiao") == ["张小明"]
    assert _names(admin, q="zxm") == ["张小明"]
    assert _names(admin, q="小明") == ["张小明"]
    assert _names(admin, q="1234") == ["张小明"]
    assert _names(admin, q="13800001234") == ["张小明"]
    assert _names(admin, q="5678") == ["李华"]  # the parent's number finds the child
    assert _names(admin, q="9999") == []


def test_a_polyphonic_surname_and_the_given_name_alone_find_the_student(make_student, users):
    """As a lead: 曾奕辰 by the surname's reading (zeng) and the common one (ceng), by initials, and by 奕辰 alone."""
    zeng = make_student("曾奕辰")
    make_student("单小雨")
    admin = users["admin"]
    for q in ("zengyichen", "zyc", "cengyichen", "yichen", "奕辰", "曾奕"):
        assert _names(admin, q=q) == ["曾奕辰"], q
    assert _names(admin, q="shanxiaoyu") == ["单小雨"] and _names(admin, q="xiaoyu") == ["单小雨"]
    zeng.name = "曾可欣"
    db.session.commit()  # renaming rewrites the keys
    assert _names(admin, q="yichen") == [] and _names(admin, q="zengkexin") == ["曾可欣"]


def test_a_name_in_latin_letters_is_found_by_its_letters_as_a_lead_is(make_student, users):
    make_student("Tom Lee")
    make_student("汤姆")
    admin = users["admin"]
    assert _names(admin, q="tom") == ["Tom Lee"]  # no pinyin: the part of the name, as the leads' search finds it
    assert _names(admin, q="tm") == ["汤姆"]
    assert _names(admin, q="%") == [] and _names(admin, q="_") == []


def test_low_hours_uses_the_campus_threshold_and_the_ledger(make_student, make_class, enroll, users, campuses):
    few, many = make_student("少课时"), make_student("多课时")
    enroll(few, make_class(), lessons=3)
    enroll(many, make_class("二班"), lessons=30)
    assert _names(users["manager"], low_hours=True) == ["少课时"]
    db.session.add(Settings(campus_id=campuses[0].id, low_hours_threshold=40))
    db.session.commit()
    assert _names(users["manager"], low_hours=True) == ["多课时", "少课时"]


def test_filters_by_class_status_and_owner(make_student, make_class, enroll, users):
    one, two = make_class("一班"), make_class("二班")
    enroll(make_student("甲", owner="sales"), one)
    enroll(make_student("乙", owner="sales2"), two)
    make_student("丙", owner="sales2")
    manager = users["manager"]
    assert _names(manager, class_id=one.id) == ["甲"]
    assert _names(manager, status=StudentStatus.POTENTIAL) == ["丙"]
    assert _names(manager, owner_id=users["sales2"].id) == ["丙", "乙"]


def test_enrolment_rows_show_paid_outstanding_and_the_ledger_balance(make_student, make_class, enroll, users):
    student = make_student()
    enrollment = enroll(student, make_class(), lessons=10, gift=2, fee=Decimal("3000"), paid=Decimal("1000"))
    db.session.add(Payment(enrollment_id=enrollment.id, amount=Decimal("500"), method=PaymentMethod.CASH))
    post_entry(enrollment, LedgerKind.ATTENDANCE, -13, by=users["teacher"], reason="测试")
    db.session.commit()
    [row] = enrollment_rows(student.id)
    assert (row.paid, row.outstanding, row.remaining) == (Decimal("1500.00"), Decimal("1500.00"), -1)


def test_ledger_lines_carry_the_lesson_the_mark_and_a_running_balance(make_student, make_class, make_lesson,
                                                                    enroll, users):
    student = make_student()
    group = make_class()
    enrollment = enroll(student, group, lessons=10)
    lesson = make_lesson(group)
    factories.mark_and_debit(lesson, enrollment, by=users["teacher"])
    db.session.commit()
    newest, purchase = ledger_lines(enrollment.id)
    assert newest.entry.lesson.id == lesson.id and newest.attendance.status == AttendanceStatus.PRESENT
    assert (newest.balance_after, purchase.balance_after) == (9, 10)


def test_the_timeline_merges_every_kind_newest_first_and_pages_exactly(make_student, make_class, make_lesson,
                                                                      enroll, users):
    student = make_student()
    enrollment = enroll(student, make_class(), paid=Decimal("100"))
    lesson = make_lesson(make_class("二班"))
    same_time = dt.datetime(2025, 3, 1, 10, 0)
    db.session.add_all([FollowUp(student_id=student.id, method=FollowUpMethod.PHONE, content=f"第{i}次",
                                 followed_at=same_time, user_id=users["sales"].id) for i in range(5)])
    factories.make_mark(lesson, student, AttendanceStatus.LEAVE, enrollment=enrollment)
    db.session.add(Review(student_id=student.id, course_id=enrollment.course_id, overall_rating=5, course_rating=5,
                          teacher_rating=4, reviewed_on=dt.date(2025, 3, 1)))
    db.session.commit()
    kinds = set()
    seen, cursor = [], None
    while True:
        items, cursor = student_timeline(student.id, users["admin"], cursor, limit=3)
        seen += [item.key for item in items]
        kinds |= {item.kind for item in items}
        if cursor is None:
            break
        assert parse_cursor(str(cursor)) == cursor
    assert len(seen) == len(set(seen)) == 9  # 5 follow-ups, enrolment, payment, attendance, review
    assert kinds == {"follow_up", "enrollment", "payment", "attendance", "review"}
    teacher_view, _ = student_timeline(student.id, users["teacher_b"])
    assert "attendance" not in {item.kind for item in teacher_view}  # not a lesson teacher_b may see


def test_a_tampered_cursor_is_refused():
    assert parse_cursor("yesterday~follow_up~1") is None
    assert parse_cursor("2025-01-01T00:00:00~secret~1") is None
    assert parse_cursor("2025-01-01T00:00:00+08:00~follow_up~1") is None
