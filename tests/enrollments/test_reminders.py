"""The renewal-reminder rule (one pending per enrolment and kind, idempotent, race-safe), processing, the CLI."""
import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from eduflow.domain import DomainError, StaleRecord
from eduflow.enrollments.reminders import (
    process_reminder, remind_enrollment, reminders_for, school_date,
)
from eduflow.enrollments.services import Renewal, RenewalMode, renew_enrollment
from eduflow.extensions import db
from eduflow.jobs import run_jobs
from eduflow.models import ReminderKind, ReminderStatus, RenewalReminder, utcnow


def _reminders(kind=None):
    query = select(RenewalReminder).order_by(RenewalReminder.id)
    if kind:
        query = query.where(RenewalReminder.kind == kind)
    return db.session.scalars(query).all()


@pytest.fixture
def low(users, make_student, make_class, enroll, attend):
    """An enrolment with 3 lessons left (threshold 5), owned by `sales`."""
    enrollment = enroll(make_student(), class_group=make_class(), lessons=5)
    attend(enrollment, units=2)
    return enrollment


def test_low_hours_raise_one_pending_reminder_and_a_second_run_changes_nothing(users, low, make_student, enroll):
    enroll(make_student("课时充足"), lessons=20)
    changes = run_jobs()
    assert [line for line in changes if "renewal-reminder" in line] == [
        f"[一校区] renewal-reminder: low hours, enrollment {low.id} 王小明, remaining 3"]
    (reminder,) = _reminders()
    assert (reminder.kind, reminder.trigger_value, reminder.is_urgent) == (ReminderKind.LOW_HOURS, "3", False)
    assert reminder.assigned_to_id == users["sales"].id and reminder.status == ReminderStatus.PENDING
    assert not [line for line in run_jobs() if "renewal-reminder" in line]
    assert len(_reminders()) == 1


def test_a_negative_balance_is_urgent(users, low, attend):
    attend(low, units=4)
    run_jobs()
    (reminder,) = _reminders()
    assert reminder.is_urgent and reminder.trigger_value == "-1"


def test_a_pending_reminder_becomes_urgent_when_the_balance_goes_below_zero(users, low, attend):
    run_jobs()
    attend(low, units=4)
    assert any("now urgent" in line for line in run_jobs())
    (reminder,) = _reminders()
    assert reminder.is_urgent and reminder.trigger_value == "-1"


def test_a_processed_reminder_is_not_raised_again_until_it_turns_urgent(users, low, attend):
    run_jobs()
    process_reminder(_reminders()[0], ReminderStatus.PROCESSED, by=users["sales"], note="已电话联系")
    db.session.commit()
    assert not [line for line in run_jobs() if "renewal-reminder" in line]
    attend(low, units=4)
    run_jobs()
    first, second = _reminders()
    assert first.status == ReminderStatus.PROCESSED and not first.is_urgent
    assert second.status == ReminderStatus.PENDING and second.is_urgent


def test_after_a_renewal_a_new_low_hours_occasion_may_remind_again(users, low, attend):
    run_jobs(now=utcnow() - dt.timedelta(days=1))
    renew_enrollment(low, Renewal(mode=RenewalMode.SAME, lessons=2, fee=Decimal("600")), by=users["sales"])
    db.session.commit()
    assert _reminders()[0].status == ReminderStatus.PROCESSED
    run_jobs()
    assert [r.status for r in _reminders()] == [ReminderStatus.PROCESSED, ReminderStatus.PENDING]


def test_classes_ending_soon_raise_a_contract_expiry_reminder_once(users, make_student, make_class, enroll):
    today = school_date(utcnow())
    soon = enroll(make_student("结课"), class_group=make_class("快结课班", end_date=today + dt.timedelta(days=10)))
    enroll(make_student("还早"), class_group=make_class("刚开班", end_date=today + dt.timedelta(days=90)))
    run_jobs()
    (reminder,) = _reminders()
    assert (reminder.kind, reminder.enrollment_id, reminder.due_date) == (
        ReminderKind.CONTRACT_EXPIRY, soon.id, today + dt.timedelta(days=10))
    process_reminder(reminder, ReminderStatus.IGNORED, by=users["manager"], note="学员不续")
    db.session.commit()
    run_jobs()
    assert len(_reminders()) == 1, "one reminder per class end date, processed or not"


def test_dry_run_raises_nothing(low):
    assert any("renewal-reminder" in line for line in run_jobs(dry_run=True))
    assert _reminders() == []


def test_two_runs_at_once_raise_each_reminder_once(app, users, make_student, make_class, enroll):
    group = make_class(capacity=50)
    for n in range(12):
        enroll(make_student(f"学员{n}"), class_group=group, lessons=2)
    errors = []

    def worker():
        with app.app_context():
            try:
                run_jobs()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(_reminders()) == 12
    assert len({r.enrollment_id for r in _reminders()}) == 12


def test_remind_enrollment_applies_the_rule_at_once(low, attend):
    attend(low, units=4)
    assert remind_enrollment(low) and _reminders()[0].is_urgent


def test_ignoring_needs_a_note_and_a_reminder_is_processed_once(users, low):
    run_jobs()
    reminder = _reminders()[0]
    with pytest.raises(DomainError, match="备注"):
        process_reminder(reminder, ReminderStatus.IGNORED, by=users["sales"], note="  ")
    process_reminder(reminder, ReminderStatus.IGNORED, by=users["sales"], note="家长暂不考虑")
    db.session.commit()
    assert (reminder.status, reminder.notes, reminder.processed_by_id) == (
        ReminderStatus.IGNORED, "家长暂不考虑", users["sales"].id)
    assert reminder.processed_at is not None
    with pytest.raises(StaleRecord):
        process_reminder(reminder, ReminderStatus.PROCESSED, by=users["sales"])


def test_who_sees_which_reminders(users, low, make_student, enroll, attend):
    other = enroll(make_student("乙方学员", owner="sales_b", campus=1), lessons=1)
    run_jobs()
    ids = {r.enrollment_id: r.id for r in _reminders()}

    def seen(who):
        return sorted(r.enrollment_id for r in db.session.scalars(reminders_for(users[who])))

    assert seen("sales") == [low.id] and seen("sales2") == [] and seen("manager") == [low.id]
    assert seen("manager_b") == [other.id] and seen("admin") == sorted(ids)


def test_the_cli_prints_reminder_lines(runner, low):
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0 and "changed: [一校区] renewal-reminder: low hours" in result.output


def test_low_hours_in_a_class_ending_later_raise_no_expiry_reminder(make_student, make_class, enroll):
    later = school_date(utcnow()) + dt.timedelta(days=90)
    enroll(make_student(), class_group=make_class(end_date=later), lessons=2)
    run_jobs()
    assert [r.kind for r in _reminders()] == [ReminderKind.LOW_HOURS]
