"""评价 on the parent side: the lessons awaiting a review and the reviews written (with staff replies), and the
form for one attended lesson of one child."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from eduflow.parents import bp
from eduflow.parents.access import parent_required
from eduflow.parents.forms_leave import LessonReviewForm
from eduflow.parents.reviews import awaiting_review, review_lesson, written_reviews
from eduflow.parents.views_leave import child_lesson
from eduflow.web import me, render, submit


@bp.route("/p/reviews", endpoint="reviews")
@parent_required
def reviews_page():
    """评价: attended lessons of the last weeks still to review, and the reviews written with their replies."""
    return render("parents/reviews.html", awaiting=awaiting_review(), written=written_reviews())


@bp.route("/p/lessons/<int:lesson_id>/review", methods=["GET", "POST"], endpoint="review_lesson")
@parent_required
def review_lesson_view(lesson_id: int):
    """评价 one attended lesson of the child: overall, course and teacher 1–5 and a comment, once."""
    lesson, student = child_lesson(lesson_id)
    form = LessonReviewForm()
    status = 200
    if form.is_submitted():
        done = submit(form, lambda: review_lesson(me(), lesson, student, form.ratings()),
                      conflict=_("这节课已经评价过了。"))
        if done:
            flash(_("谢谢您的评价！"), "success")
            return redirect(url_for("parent.reviews"))
        status = done.status
    return render("parents/review_form.html", status=status, lesson=lesson, student=student, form=form)
