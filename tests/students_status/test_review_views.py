"""Reviews over HTTP: recording one, the teacher replies to their own review (404 on another's), the panel and the
averages page."""
from __future__ import annotations

from sqlalchemy import select

from eduflow.admin.services import create_user
from eduflow.extensions import db
from eduflow.models import Review, Role
from eduflow.students.reviews import ReviewInput, add_review, school_today
from tests.conftest import PASSWORD

HX = {"HX-Request": "true"}


def _review(student, course, teacher, users):
    review = add_review(student, ReviewInput(course_id=course.id, teacher_id=teacher.id, overall_rating=4,
                                             course_rating=4, teacher_rating=5, reviewed_on=school_today(),
                                             comment="进步明显"), by=users["academic"])
    db.session.commit()
    return review


def _form(course, users, **changes):
    return {"course": str(course.id), "teacher": str(users["teacher"].id), "overall_rating": "5",
            "course_rating": "4", "teacher_rating": "5", "comment": "很满意", "reviewed_on": school_today().isoformat(),
            **changes}


def test_sales_records_a_review_of_their_student(client, switch_to, users, enrolled, course):
    student, _group, _enrollment = enrolled
    switch_to("sales")
    assert client.get(f"/students/{student.id}/reviews/new").status_code == 200
    response = client.post(f"/students/{student.id}/reviews/new", data=_form(course, users))
    assert response.status_code == 302
    review = db.session.scalar(select(Review))
    assert (review.overall_rating, review.teacher_id, review.recorded_by_id) == (5, users["teacher"].id,
                                                                                 users["sales"].id)


def test_a_rating_outside_one_to_five_is_refused_with_a_message(client, switch_to, users, enrolled, course):
    student, _group, _enrollment = enrolled
    switch_to("academic")
    for bad in ({"overall_rating": "6"}, {"teacher_rating": "0"}, {"course_rating": "x"}, {"teacher": "999"}):
        response = client.post(f"/students/{student.id}/reviews/new", data=_form(course, users, **bad))
        assert response.status_code == 422, bad
        assert "1 到 5" in response.get_data(as_text=True) or "教师" in response.get_data(as_text=True)
    assert db.session.scalar(select(Review)) is None


def test_the_teacher_replies_to_their_own_review_but_gets_404_on_another(client, switch_to, users, enrolled,
                                                                          course, campuses):
    student, _group, _enrollment = enrolled
    colleague = create_user(username="teacher2", display_name="Teacher2", role=Role.TEACHER, campus=campuses[0],
                            password=PASSWORD)
    db.session.commit()
    own, theirs = _review(student, course, users["teacher"], users), _review(student, course, colleague, users)
    switch_to("teacher")
    response = client.post(f"/students/reviews/{own.id}/reply", headers=HX, data={"reply": "谢谢，继续努力"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "谢谢，继续努力" in body
    assert client.post(f"/students/reviews/{theirs.id}/reply", headers=HX, data={"reply": "越权"}).status_code == 404
    empty = client.post(f"/students/reviews/{own.id}/reply", headers=HX, data={"reply": ""})
    assert empty.status_code == 422 and "请填写回复内容" in empty.get_data(as_text=True)
    db.session.expire_all()
    assert own.reply == "谢谢，继续努力" and own.replied_by_id == users["teacher"].id and theirs.reply == ""


def test_a_manager_replies_on_their_campus_only(client, switch_to, users, enrolled, course):
    student, _group, _enrollment = enrolled
    review = _review(student, course, users["teacher"], users)
    switch_to("manager_b")
    assert client.post(f"/students/reviews/{review.id}/reply", data={"reply": "外校"}).status_code == 404
    switch_to("manager")
    assert client.post(f"/students/reviews/{review.id}/reply", data={"reply": "已与家长沟通"}).status_code == 302
    switch_to("sales")
    assert client.post(f"/students/reviews/{review.id}/reply", data={"reply": "销售"}).status_code == 403
    db.session.expire_all()
    assert review.reply == "已与家长沟通" and review.replied_by_id == users["manager"].id


def test_the_panel_and_the_averages_page(client, switch_to, users, enrolled, course):
    student, _group, _enrollment = enrolled
    _review(student, course, users["teacher"], users)
    switch_to("manager")
    panel = client.get(f"/students/{student.id}/reviews-panel", headers=HX)
    assert panel.status_code == 200 and "进步明显" in panel.get_data(as_text=True)
    assert "<html" not in panel.get_data(as_text=True)
    page = client.get("/students/reviews").get_data(as_text=True)
    assert "Teacher" in page and course.name in page and "4.0" in page and "5.0" in page
    switch_to("manager_b")
    assert "进步明显" not in client.get("/students/reviews").get_data(as_text=True)
    assert client.get(f"/students/{student.id}/reviews-panel", headers=HX).status_code == 404
