"""Reviews as services: ratings 1–5 for a course the student took and a teacher of the campus, one reply by the
reviewed teacher or a manager of the campus, averages per teacher and course within the user's scope."""
from __future__ import annotations

import datetime as dt

import pytest

from eduflow.admin.services import create_user
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.models import Role
from eduflow.students.reviews import (
    ReviewInput, add_review, averages_by_course, averages_by_teacher, find_review, latest_reviews, reply_to_review,
    school_today, student_reviews,
)
from tests import factories
from tests.conftest import PASSWORD


def _input(course, teacher, overall=5, course_rating=4, teacher_rating=5, **changes):
    values = dict(course_id=course.id, teacher_id=teacher.id, overall_rating=overall, course_rating=course_rating,
                  teacher_rating=teacher_rating, reviewed_on=school_today(), comment="老师很耐心")
    return ReviewInput(**{**values, **changes})


def _review(student, course, users, teacher="teacher", by="academic", **ratings):
    review = add_review(student, _input(course, users[teacher], **ratings), by=users[by])
    db.session.commit()
    return review


@pytest.fixture
def teacher2(users, campuses):
    user = create_user(username="teacher2", display_name="Teacher2", role=Role.TEACHER, campus=campuses[0],
                       password=PASSWORD)
    db.session.commit()
    users["teacher2"] = user
    return user


def test_a_review_is_recorded_with_its_ratings(users, enrolled, course):
    student, _group, _enrollment = enrolled
    review = _review(student, course, users)
    assert (review.overall_rating, review.course_rating, review.teacher_rating) == (5, 4, 5)
    assert review.recorded_by_id == users["academic"].id and review.comment == "老师很耐心"


@pytest.mark.parametrize("ratings", [{"overall": 0}, {"course_rating": 6}, {"teacher_rating": None}])
def test_ratings_outside_one_to_five_are_refused(users, enrolled, course, ratings):
    student, _group, _enrollment = enrolled
    with pytest.raises(DomainError, match="1 到 5"):
        add_review(student, _input(course, users["teacher"], **ratings), by=users["sales"])


def test_the_course_must_be_one_the_student_took_and_the_teacher_of_the_campus(users, enrolled, course):
    student, _group, _enrollment = enrolled
    untaken = factories.make_course("从没报过")
    db.session.commit()
    with pytest.raises(DomainError, match="报过名的课程"):
        add_review(student, _input(untaken, users["teacher"]), by=users["sales"])
    for not_a_campus_teacher in ("teacher_b", "sales"):
        with pytest.raises(DomainError, match="在职教师"):
            add_review(student, _input(course, users[not_a_campus_teacher]), by=users["sales"])
    with pytest.raises(DomainError, match="晚于今天"):
        add_review(student, _input(course, users["teacher"], reviewed_on=school_today() + dt.timedelta(days=1)),
                   by=users["sales"])


def test_the_reviewed_teacher_replies_and_may_edit_the_reply(users, enrolled, course):
    student, _group, _enrollment = enrolled
    review = _review(student, course, users)
    reply_to_review(review, "谢谢家长的认可", by=users["teacher"])
    first_at = review.replied_at
    reply_to_review(review, "谢谢认可，继续加油", by=users["teacher"])
    db.session.commit()
    assert review.reply == "谢谢认可，继续加油" and review.replied_by_id == users["teacher"].id
    assert review.replied_at >= first_at.replace(microsecond=0)  # MariaDB keeps whole seconds


def test_a_manager_of_the_campus_replies_but_not_another_teacher_or_campus(users, enrolled, course, teacher2):
    student, _group, _enrollment = enrolled
    review = _review(student, course, users)
    for outsider in (teacher2, users["manager_b"], users["sales"], users["academic"]):
        with pytest.raises(DomainError, match="回复"):
            reply_to_review(review, "我来回复", by=outsider)
    with pytest.raises(DomainError, match="回复内容"):
        reply_to_review(review, "  ", by=users["manager"])
    reply_to_review(review, "主管已跟进", by=users["manager"])
    assert review.replied_by_id == users["manager"].id


def test_teachers_see_only_reviews_of_themselves(users, enrolled, course, teacher2):
    student, _group, _enrollment = enrolled
    own = _review(student, course, users)
    theirs = _review(student, course, users, teacher="teacher2")
    assert student_reviews(student.id, users["teacher"]) == [own]
    assert find_review(theirs.id, users["teacher"]) is None
    assert find_review(theirs.id, users["manager_b"]) is None
    assert set(student_reviews(student.id, users["manager"])) == {own, theirs}


def test_averages_per_teacher_and_course_within_scope(users, enrolled, course, teacher2, make_student, enroll):
    student, _group, _enrollment = enrolled
    _review(student, course, users, overall=5, course_rating=4, teacher_rating=5)
    _review(student, course, users, overall=4, course_rating=3, teacher_rating=4)
    _review(student, course, users, teacher="teacher2", overall=2, course_rating=2, teacher_rating=1)
    other = make_student(name="二校学员", campus=1, owner="sales_b")
    enroll(other)
    _review(other, course, users, teacher="teacher_b", by="manager_b", overall=1, course_rating=1, teacher_rating=1)
    by_teacher = {row.name: row for row in averages_by_teacher(users["manager"])}
    assert set(by_teacher) == {"Teacher", "Teacher2"}
    assert (by_teacher["Teacher"].overall, by_teacher["Teacher"].course, by_teacher["Teacher"].teacher,
            by_teacher["Teacher"].count) == (4.5, 3.5, 4.5, 2)
    [per_course] = averages_by_course(users["manager"])
    assert (per_course.name, per_course.count, per_course.overall) == (course.name, 3, 3.7)
    assert [row.count for row in averages_by_course(users["admin"])] == [4]
    [mine] = averages_by_teacher(users["teacher"])
    assert (mine.name, mine.count) == ("Teacher", 2)
    assert len(db.session.scalars(latest_reviews(users["teacher"])).all()) == 2
