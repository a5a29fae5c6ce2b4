"""Trial lessons (试听) as services: which lessons a lead may be booked into, and marking the outcome."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.leads.trials import bookable_lessons, book_trial, lead_trials, school_today, set_trial_status, trial_of
from eduflow.models import (
    Attendance, ClassGroup, Course, LeadStage, Lesson, LessonLedgerEntry, TrialLesson, TrialStatus,
)


def make_lesson(campus, course, days=1, start=dt.time(18, 0), teacher=None, name="周五班"):
    """A lesson `days` after the school's today, in a class of `course` on `campus`."""
    group = db.session.scalar(select(ClassGroup).where(ClassGroup.name == name, ClassGroup.campus_id == campus.id,
                                                       ClassGroup.course_id == course.id))
    if group is None:
        group = ClassGroup(name=name, course_id=course.id, campus_id=campus.id)
        db.session.add(group)
        db.session.flush()
    lesson = Lesson(class_id=group.id, lesson_date=school_today() + dt.timedelta(days=days), start_time=start,
                    end_time=(dt.datetime.combine(dt.date.today(), start) + dt.timedelta(hours=1)).time(),
                    teacher_id=teacher.id if teacher else None)
    db.session.add(lesson)
    db.session.commit()
    return lesson


@pytest.fixture
def english(make_lead):
    course = Course(name="少儿英语")
    db.session.add(course)
    db.session.commit()
    return course


@pytest.fixture
def keen_lead(make_lead, english):
    lead = make_lead(stage=LeadStage.INTENT)
    lead.courses.append(english)
    db.session.commit()
    return lead


def test_upcoming_lessons_of_intended_courses_on_the_campus_are_bookable(keen_lead, english, campuses, users):
    today = make_lesson(campuses[0], english, days=0, teacher=users["teacher"])
    later = make_lesson(campuses[0], english, days=3)
    make_lesson(campuses[0], english, days=-1)  # already held
    make_lesson(campuses[1], english, days=2, name="二校区班")  # other campus
    other_course = Course(name="美术")
    db.session.add(other_course)
    db.session.commit()
    make_lesson(campuses[0], other_course, days=2, name="美术班")  # not an intended course
    assert [lesson.id for lesson in bookable_lessons(keen_lead)] == [today.id, later.id]
    book_trial(keen_lead, today.id, by=users["sales"])
    db.session.commit()
    assert [lesson.id for lesson in bookable_lessons(keen_lead)] == [later.id], "booked lessons are not offered again"


def test_a_lead_without_intended_courses_has_nothing_to_book(make_lead, english, campuses):
    make_lesson(campuses[0], english)
    assert bookable_lessons(make_lead()) == []


def test_booking_creates_a_booked_trial_shown_in_the_lead_trials(keen_lead, english, campuses, users):
    lesson = make_lesson(campuses[0], english)
    trial = book_trial(keen_lead, lesson.id, by=users["sales"])
    db.session.commit()
    assert (trial.status, trial.booked_by_id, trial.lesson_id) == (TrialStatus.BOOKED, users["sales"].id, lesson.id)
    assert lead_trials(keen_lead) == [trial]


@pytest.mark.parametrize("case, message", [
    ("past", "今天及以后"), ("other_campus", "本校区"), ("other_course", "意向课程"), ("missing", "不存在"),
])
def test_booking_refuses_lessons_outside_the_rules(keen_lead, english, campuses, users, case, message):
    if case == "other_course":
        course = Course(name="美术")
        db.session.add(course)
        db.session.commit()
        lesson_id = make_lesson(campuses[0], course).id
    else:
        lesson_id = {
            "past": lambda: make_lesson(campuses[0], english, days=-1).id,
            "other_campus": lambda: make_lesson(campuses[1], english).id,
            "missing": lambda: 999999,
        }[case]()
    with pytest.raises(DomainError, match=message):
        book_trial(keen_lead, lesson_id, by=users["sales"])
    db.session.rollback()
    assert db.session.scalar(select(func.count(TrialLesson.id))) == 0


def test_one_booking_per_lead_and_lesson(keen_lead, english, campuses, users):
    lesson = make_lesson(campuses[0], english)
    book_trial(keen_lead, lesson.id, by=users["sales"])
    db.session.commit()
    with pytest.raises(DomainError, match="已预约过"):
        book_trial(keen_lead, lesson.id, by=users["sales"])


@pytest.mark.parametrize("stage", [LeadStage.CONVERTED, LeadStage.LOST])
def test_closed_leads_book_no_trials(make_lead, english, campuses, users, stage):
    lead = make_lead(stage=stage)
    lead.courses.append(english)
    db.session.commit()
    with pytest.raises(DomainError, match="跟进中"):
        book_trial(lead, make_lesson(campuses[0], english).id, by=users["sales"])


def test_attending_a_trial_moves_nothing_in_any_ledger(keen_lead, english, campuses, users):
    lesson = make_lesson(campuses[0], english, days=0)
    trial = book_trial(keen_lead, lesson.id, by=users["sales"])
    set_trial_status(trial, TrialStatus.ATTENDED)
    db.session.commit()
    assert db.session.get(TrialLesson, trial.id).status == TrialStatus.ATTENDED
    assert db.session.scalar(select(func.count(LessonLedgerEntry.id))) == 0
    assert db.session.scalar(select(func.count(Attendance.id))) == 0
    set_trial_status(trial, TrialStatus.NO_SHOW)
    set_trial_status(trial, TrialStatus.BOOKED)
    assert trial.status == TrialStatus.BOOKED


def test_a_future_trial_cannot_be_marked_attended_yet(keen_lead, english, campuses, users):
    trial = book_trial(keen_lead, make_lesson(campuses[0], english, days=2).id, by=users["sales"])
    with pytest.raises(DomainError, match="还没开始"):
        set_trial_status(trial, TrialStatus.NO_SHOW)
    assert trial.status == TrialStatus.BOOKED


def test_a_trial_belongs_to_its_lead_only(keen_lead, english, campuses, users, make_lead):
    trial = book_trial(keen_lead, make_lesson(campuses[0], english).id, by=users["sales"])
    db.session.commit()
    assert trial_of(keen_lead, trial.id) == trial
    assert trial_of(make_lead(name="李四"), trial.id) is None
