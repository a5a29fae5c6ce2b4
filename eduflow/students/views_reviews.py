"""Reviews in the browser: recording one, replying, the student page's panel and the averages page."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from eduflow.access import EVERYONE, REVIEW_REPLIERS, STUDENT_WRITERS, get_or_404, may_open, may_reply, role_required
from eduflow.htmx import is_htmx
from eduflow.models import Review, Student
from eduflow.pagination import paginate
from eduflow.students import bp
from eduflow.students.forms_reviews import ReplyForm, ReviewForm
from eduflow.students.reviews import (
    add_review, averages_by_course, averages_by_teacher, latest_reviews, reply_to_review, student_reviews,
)
from eduflow.web import me, render, submit


def _review_page(student: Student, form: ReviewForm, status: int = 200):
    return render("students/reviews_new.html", status=status, student=student, form=form)


@bp.route("/<int:student_id>/reviews/new", methods=["GET", "POST"])
@role_required(*STUDENT_WRITERS)
def review_new(student_id: int):
    """记录评价: ratings 1–5 for a course and teacher of the student, with a comment."""
    student = get_or_404(Student, student_id)
    form = ReviewForm(student=student)
    if not form.is_submitted():
        return _review_page(student, form)
    done = submit(form, lambda: add_review(student, form.review(), by=me()))
    if not done:
        return _review_page(student, form, done.status)
    flash(_("已记录 %(name)s 的评价。", name=student.name), "success")
    return redirect(url_for("students.detail", student_id=student.id))


def _reply_forms(reviews) -> dict:
    """An empty reply form (holding the current reply) for each review the user may answer."""
    return {r.id: ReplyForm(formdata=None, reply=r.reply) for r in reviews if may_reply(r, me())}


def _item(review, form: ReplyForm | None = None, status: int = 200, saved: bool = False):
    return render("students/reviews_reply.html", "students/_review_item.html", status=status, review=review,
                  saved=saved, reply_form=form or ReplyForm(formdata=None, reply=review.reply))


@bp.route("/reviews/<int:review_id>/reply", methods=["POST"])
@role_required(*REVIEW_REPLIERS)
def review_reply(review_id: int):
    """回复评价: the reviewed teacher or a manager of the campus; sending it again edits the reply."""
    review = get_or_404(Review, review_id)
    if not may_reply(review, me()):
        abort(404)
    form = ReplyForm()
    done = submit(form, lambda: reply_to_review(review, form.reply.data, by=me()), field="reply")
    if not done:
        return _item(review, form, done.status)
    if is_htmx():
        return _item(review, saved=True)
    flash(_("回复已保存。"), "success")
    return redirect(url_for("students.reviews"))


@bp.route("/<int:student_id>/reviews-panel")
@role_required(*EVERYONE)
def reviews_panel(student_id: int):
    """The student page's reviews with their replies (loaded into the page by htmx)."""
    student = get_or_404(Student, student_id)
    if not is_htmx():
        return redirect(url_for("students.detail", student_id=student.id))
    found = student_reviews(student.id, me())
    return render("students/_reviews_list.html", None, student=student, reviews=found,
                  reply_forms=_reply_forms(found), can_review=may_open("students.review_new"))


@bp.route("/reviews")
@role_required(*EVERYONE)
def reviews():
    """评价: averages per teacher and per course, and the latest reviews, in the user's scope."""
    page = paginate(latest_reviews(me()))
    return render("students/reviews.html", None, by_teacher=averages_by_teacher(me()),
                  by_course=averages_by_course(me()), page=page, reply_forms=_reply_forms(page.items))
