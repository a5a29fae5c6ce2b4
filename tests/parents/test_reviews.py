"""评价 by a parent: only after a lesson the child attended, once per lesson (a double submit too), other families'
lessons 404; staff read them with the other reviews, marked 家长, and their replies show on the parent side."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from eduflow.attendance.services import mark_attendance
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import AttendanceStatus, Review
from eduflow.parents.reviews import Ratings, ReviewRefused, review_lesson
from tests.parents.leave_support import lessons  # noqa: F401 - fixture


@pytest.fixture
def held(lessons, family, users, make_lesson):
    """Yesterday's lesson of the child's class, 王小明 marked present."""
    lesson = make_lesson(lessons.group, school_today() - dt.timedelta(days=1))
    mark_attendance(lesson, family.first.id, AttendanceStatus.PRESENT, by=users["teacher"])
    db.session.commit()
    return lesson


def _form(overall=5, course=4, teacher=5, comment="老师很耐心"):
    return {"overall": overall, "course": course, "teacher": teacher, "comment": comment}


def test_a_review_of_an_attended_lesson_is_kept_once(family, held, users):
    review = review_lesson(family.account, held, family.first, Ratings(5, 4, 5, " 很好 "))
    db.session.commit()
    assert (review.lesson_id, review.parent_account_id, review.teacher_id, review.comment) == (
        held.id, family.account.id, users["teacher"].id, "很好")
    with pytest.raises(ReviewRefused, match="已经评价过"):
        review_lesson(family.account, held, family.first, Ratings(1, 1, 1))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Review.id))) == 1


def test_only_attended_lessons_with_ratings_1_to_5(family, held, lessons, users):
    with pytest.raises(ReviewRefused, match="出勤"):
        review_lesson(family.account, lessons.tomorrow, family.first, Ratings(5, 5, 5))
    with pytest.raises(ReviewRefused, match="1 到 5"):
        review_lesson(family.account, held, family.first, Ratings(6, 5, 5))
    mark_attendance(held, family.first.id, AttendanceStatus.ABSENT, by=users["teacher"])
    db.session.commit()
    with pytest.raises(ReviewRefused, match="出勤"):
        review_lesson(family.account, held, family.first, Ratings(5, 5, 5))


def test_the_reviews_page_lists_what_awaits_and_the_form_posts_once(client, family, held, parent_login):
    parent_login()
    page = client.get("/p/reviews").get_data(as_text=True)
    assert f'data-testid="awaiting-{held.id}-{family.first.id}"' in page
    url = f"/p/lessons/{held.id}/review?student={family.first.id}"
    assert client.get(url).status_code == 200
    assert client.post(url, data=_form(overall=0)).status_code == 422
    assert client.post(url, data=_form()).status_code == 302
    twice = client.post(url, data=_form())
    assert twice.status_code == 422 and "已经评价过" in twice.get_data(as_text=True)
    page = client.get("/p/reviews").get_data(as_text=True)
    assert "awaiting-" not in page and "老师很耐心" in page


def test_other_families_lessons_are_404(client, family, lessons, parent_login):
    parent_login()
    assert client.get(f"/p/lessons/{lessons.other.id}/review?student={family.other.id}").status_code == 404
    assert client.get(f"/p/lessons/{lessons.other.id}/review?student={family.first.id}").status_code == 404


def test_staff_see_the_parents_review_marked_and_their_reply_reaches_the_parent(client, family, held, parent_login,
                                                                                 login_as):
    review = review_lesson(family.account, held, family.first, Ratings(4, 4, 5, "进步很大"))
    db.session.commit()
    login_as("teacher")
    listed = client.get("/students/reviews").get_data(as_text=True)
    assert "进步很大" in listed and 'data-testid="review-by-parent"' in listed
    assert client.post(f"/students/reviews/{review.id}/reply", data={"reply": "谢谢家长"}).status_code == 302
    client.post("/logout")
    parent_login()
    assert "谢谢家长" in client.get("/p/reviews").get_data(as_text=True)
