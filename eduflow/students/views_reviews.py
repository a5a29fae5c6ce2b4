"""Reviews in the browser: recording one, replying, the student page's panel and the averages page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduflow.access import STAFF, get_or_404, role_required
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.htmx import is_htmx, render
from eduflow.models import Role, Student
from eduflow.pagination import paginate
from eduflow.students import bp
from eduflow.students.forms_reviews import ReplyForm, ReviewForm
from eduflow.students.reviews import (
    add_review, averages_by_course, averages_by_teacher, find_review, latest_reviews, may_reply, reply_to_review,
    student_reviews,
)

REVIEWERS = (Role.ADMIN, Role.MANAGER, Role.SALES, Role.ACADEMIC)
REPLIERS = (Role.ADMIN, Role.MANAGER, Role.TEACHER)


def _me():
    return current_user._get_current_object()


def _review_page(student: Student, form: ReviewForm, status: int = 200):
    return render_template("students/reviews_new.html", student=student, form=form), status


@bp.route("/<int:student_id>/reviews/new", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def review_new(student_id: int):
    """记录评价: ratings 1–5 for a course and teacher of the student, with a comment."""
    student = get_or_404(Student, student_id)
    form = ReviewForm(student=student)
    if not form.validate_on_submit():
        return _review_page(student, form, 422 if form.is_submitted() else 200)
    try:
        add_review(student, form.review(), by=_me())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _review_page(student, form, error.status_code)
    flash(_("已记录 %(name)s 的评价。", name=student.name), "success")
    return redirect(url_for("students.detail", student_id=student.id))


def _reply_forms(reviews) -> dict:
    """An empty reply form (holding the current reply) for each review the user may answer."""
    return {r.id: ReplyForm(formdata=None, reply=r.reply) for r in reviews if may_reply(r, _me())}


def _item(review, form: ReplyForm | None = None, status: int = 200, saved: bool = False):
    response = render("students/reviews_reply.html", "students/_review_item.html", review=review, saved=saved,
                      reply_form=form or ReplyForm(formdata=None, reply=review.reply))
    response.status_code = status
    return response


@bp.route("/reviews/<int:review_id>/reply", methods=["POST"])
@role_required(*REPLIERS)
def review_reply(review_id: int):
    """回复评价: the reviewed teacher or a manager of the campus; sending it again edits the reply."""
    review = find_review(review_id, _me())
    if review is None or not may_reply(review, _me()):
        abort(404)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _item(review, form, 422)
    try:
        reply_to_review(review, form.reply.data, by=_me())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        form.reply.errors.append(str(error))
        return _item(review, form, error.status_code)
    if is_htmx():
        return _item(review, saved=True)
    flash(_("回复已保存。"), "success")
    return redirect(url_for("students.reviews"))


@bp.route("/<int:student_id>/reviews-panel")
@role_required(*STAFF)
def reviews_panel(student_id: int):
    """The student page's reviews with their replies (loaded into the page by htmx)."""
    student = get_or_404(Student, student_id)
    if not is_htmx():
        return redirect(url_for("students.detail", student_id=student.id))
    found = student_reviews(student.id, _me())
    return render("students/_reviews_list.html", None, student=student, reviews=found,
                  reply_forms=_reply_forms(found), can_review=current_user.role in REVIEWERS)


@bp.route("/reviews")
@role_required(*STAFF)
def reviews():
    """评价: averages per teacher and per course, and the latest reviews, in the user's scope."""
    page = paginate(latest_reviews(_me()))
    return render("students/reviews.html", None, by_teacher=averages_by_teacher(_me()),
                  by_course=averages_by_course(_me()), page=page, reply_forms=_reply_forms(page.items))
