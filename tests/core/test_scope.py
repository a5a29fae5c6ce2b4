"""Record scope by role, enforced in the query layer (eduflow.access), tested without HTTP."""
import datetime as dt

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from eduflow.access import DeletedLead, get_or_404, scoped
from eduflow.extensions import db
from eduflow.models import (
    ClassGroup, Enrollment, Lead, Lesson, ReminderKind, RenewalReminder, Review, StatusChange, StatusChangeKind,
    Student, StudentStatus,
)
from tests import factories


@pytest.fixture
def records(campuses, users):
    first, second = campuses
    course = factories.make_course()
    own_lead = factories.make_lead(first, name="自己的", owner=users["sales"])
    colleague_lead = factories.make_lead(first, name="同事的", owner=users["sales2"])
    pool_lead = factories.make_lead(first, name="公海的")
    other_campus_lead = factories.make_lead(second, name="外校区", owner=users["sales_b"])
    deleted_lead = factories.make_lead(first, name="已删除", owner=users["sales"], deleted_at=dt.datetime(2026, 1, 1))
    taught = factories.make_student(first, name="在读生", owner=users["sales"])
    untaught = factories.make_student(first, name="别班生", owner=users["sales2"])
    other_student = factories.make_student(second, name="外校生", owner=users["sales_b"])
    klass = factories.make_class(course, first, name="英语A班", head=users["teacher"], capacity=None)
    other_class = factories.make_class(course, first, name="英语B班", capacity=None)
    lesson = factories.make_lesson(klass, dt.date(2026, 11, 20), teacher=users["teacher"])
    other_lesson = factories.make_lesson(other_class, dt.date(2026, 11, 20))
    for student, group in ((taught, klass), (untaught, other_class)):
        factories.enroll(student, course, by=users["manager"], group=group, enrolled_on=dt.date(2026, 9, 1))
    db.session.commit()
    return locals()


def _names(model, user):
    return {r.name for r in db.session.scalars(scoped(model, user))}


def test_sales_sees_only_their_own_live_leads(records, users):
    assert _names(Lead, users["sales"]) == {"自己的"}


def test_manager_sees_every_live_lead_of_their_campus_including_the_pool(records, users):
    assert _names(Lead, users["manager"]) == {"自己的", "同事的", "公海的"}


def test_admin_sees_leads_of_every_campus(records, users):
    assert _names(Lead, users["admin"]) == {"自己的", "同事的", "公海的", "外校区"}


@pytest.mark.parametrize("role", ["academic", "teacher"])
def test_academic_and_teacher_see_no_leads(records, users, role):
    assert _names(Lead, users[role]) == set()


def test_academic_sees_students_of_their_campus(records, users):
    assert _names(Student, users["academic"]) == {"在读生", "别班生"}


def test_teacher_sees_only_students_of_their_classes(records, users):
    assert _names(Student, users["teacher"]) == {"在读生"}
    assert _names(ClassGroup, users["teacher"]) == {"英语A班"}
    assert {lesson.class_id for lesson in db.session.scalars(scoped(Lesson, users["teacher"]))} == {records["klass"].id}


def test_sales_sees_only_students_they_own(records, users):
    assert _names(Student, users["sales2"]) == {"别班生"}


def test_out_of_scope_record_is_a_404_not_a_403(records, users):
    with pytest.raises(NotFound):
        get_or_404(Lead, records["colleague_lead"].id, users["sales"])
    with pytest.raises(NotFound):
        get_or_404(Lead, records["other_campus_lead"].id, users["manager"])
    with pytest.raises(NotFound):
        get_or_404(Student, records["other_student"].id, users["academic"])
    assert get_or_404(Lead, records["own_lead"].id, users["sales"]).name == "自己的"


def test_deactivated_user_sees_nothing(records, users):
    users["manager"].is_active = False
    assert _names(Lead, users["manager"]) == set()


# ---------- reminders, reviews, status changes and deleted leads are registered in SCOPES ----------

def _enrolment_of(student):
    return db.session.scalar(select(Enrollment).where(Enrollment.student_id == student.id))


def test_a_reminder_is_seen_in_its_students_scope_and_only_by_the_salesperson_it_is_assigned_to(records, users):
    taught = records["taught"]
    reminders = {name: RenewalReminder(student_id=taught.id, enrollment_id=_enrolment_of(taught).id, kind=kind,
                                       assigned_to_id=users[name].id)
                 for name, kind in (("sales", ReminderKind.LOW_HOURS), ("sales2", ReminderKind.CONTRACT_EXPIRY))}
    db.session.add_all(reminders.values())
    db.session.commit()
    assert get_or_404(RenewalReminder, reminders["sales"].id, users["sales"]) is reminders["sales"]
    assert get_or_404(RenewalReminder, reminders["sales2"].id, users["manager"]) is reminders["sales2"]
    for reminder, outsider in ((reminders["sales2"], "sales"), (reminders["sales"], "manager_b")):
        with pytest.raises(NotFound):  # their student, assigned to a colleague; another campus
            get_or_404(RenewalReminder, reminder.id, users[outsider])


def test_a_teacher_sees_the_reviews_of_themselves_and_staff_those_of_their_students(records, users):
    course = records["course"]
    mine = Review(student_id=records["untaught"].id, course_id=course.id, teacher_id=users["teacher"].id,
                  overall_rating=5, course_rating=5, teacher_rating=5, reviewed_on=dt.date(2026, 11, 20))
    other = Review(student_id=records["taught"].id, course_id=course.id, teacher_id=None,
                   overall_rating=4, course_rating=4, teacher_rating=4, reviewed_on=dt.date(2026, 11, 20))
    db.session.add_all([mine, other])
    db.session.commit()
    assert get_or_404(Review, mine.id, users["teacher"]) is mine
    with pytest.raises(NotFound):
        get_or_404(Review, other.id, users["teacher"])
    assert get_or_404(Review, other.id, users["sales"]) is other
    with pytest.raises(NotFound):
        get_or_404(Review, mine.id, users["sales"])  # a colleague's student


def test_a_status_change_is_seen_where_its_student_is(records, users):
    change = StatusChange(student_id=records["other_student"].id, kind=StatusChangeKind.SUSPEND,
                          old_status=StudentStatus.ACTIVE, new_status=StudentStatus.SUSPENDED, reason="出国")
    db.session.add(change)
    db.session.commit()
    assert get_or_404(StatusChange, change.id, users["admin"]) is change
    with pytest.raises(NotFound):
        get_or_404(StatusChange, change.id, users["manager"])


def test_deleted_leads_are_found_only_by_a_manager_of_their_campus_or_an_admin(records, users):
    deleted, live = records["deleted_lead"], records["own_lead"]
    assert get_or_404(DeletedLead, deleted.id, users["manager"]) is deleted
    assert get_or_404(DeletedLead, deleted.id, users["admin"]) is deleted
    for outsider in ("sales", "manager_b"):
        with pytest.raises(NotFound):
            get_or_404(DeletedLead, deleted.id, users[outsider])
    with pytest.raises(NotFound):
        get_or_404(DeletedLead, live.id, users["manager"])  # not deleted: nothing to restore
    with pytest.raises(NotFound):
        get_or_404(Lead, deleted.id, users["manager"])
