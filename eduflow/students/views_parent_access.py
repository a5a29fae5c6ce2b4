"""家长端 access on the student page: which parents can open the parent side, invitations by QR code, revocation.

The student is loaded through get_or_404 (scope); who may invite or revoke is `may_invite_parents`. The card on the
student page (templates/students/_parent_access.html) asks `parent_access(student)` for its rows.
"""
from __future__ import annotations

import segno
from flask import abort, flash, url_for
from flask_babel import gettext as _

from eduflow.access import STUDENT_WRITERS, get_or_404, role_required
from eduflow.access.rules import may_invite_parents
from eduflow.extensions import db
from eduflow.forms import ButtonForm
from eduflow.htmx import is_htmx
from eduflow.models import Parent, ParentInvite, Student, utcnow
from eduflow.parents.invites import access_overview, create_invite, invite_url, revoke_access
from eduflow.students import bp
from eduflow.web import go, me, render, submit


@bp.context_processor
def _parent_access_helpers() -> dict:
    return {"parent_access": access_overview, "may_invite_parents": lambda student: may_invite_parents(me(), student)}


def _allowed_parent(student_id: int, parent_id: int) -> tuple[Student, Parent]:
    """The student in the user's scope and one of their Parent rows; 403 unless the user may give access."""
    student = get_or_404(Student, student_id)
    parent = next((p for p in student.parents if p.id == parent_id), None)
    if parent is None:
        abort(404)
    if not may_invite_parents(me(), student):
        abort(403)
    return student, parent


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code (segno), 228 px (8 cm printed), on white so it scans on any background."""
    return segno.make(url, error="m").svg_inline(scale=4, border=4, svgclass="ef-qr",
                                                 lineclass=None, dark="#000", light="#fff", title=_("邀请二维码"))


def _card(student: Student, status: int = 200):
    return render("students/_parent_access.html", status=status, student=student)


@bp.route("/<int:student_id>/parents/<int:parent_id>/invite", methods=["POST"])
@role_required(*STUDENT_WRITERS)
def parent_invite(student_id: int, parent_id: int):
    """邀请家长: a new QR invitation for one parent; htmx gets the QR card, a browser the printable page."""
    student, parent = _allowed_parent(student_id, parent_id)
    outcome = submit(ButtonForm(), lambda: create_invite(parent, me()))
    if not outcome:
        if outcome.message is None:
            abort(400)
        flash(outcome.message, "danger")
        return go(url_for("students.detail", student_id=student.id, _anchor="parent-access"))
    invite, _url = outcome.result
    if is_htmx():
        return _invite_page(student, parent, invite)
    return go(url_for("students.parent_invite_show", student_id=student.id, parent_id=parent.id, invite_id=invite.id))


@bp.route("/<int:student_id>/parents/<int:parent_id>/invites/<int:invite_id>")
@role_required(*STUDENT_WRITERS)
def parent_invite_show(student_id: int, parent_id: int, invite_id: int):
    """The invitation's QR code, link and expiry, ready to show on screen or print on one page."""
    student, parent = _allowed_parent(student_id, parent_id)
    invite = _invite_of(parent, invite_id)
    return _invite_page(student, parent, invite)


def _invite_of(parent: Parent, invite_id: int) -> ParentInvite:
    """One of the parent's invitations (any other id answers 404)."""
    invite = db.session.get(ParentInvite, invite_id)
    if invite is None or invite.parent_id != parent.id:
        abort(404)
    return invite


def _invite_page(student: Student, parent: Parent, invite: ParentInvite):
    url = invite_url(invite)
    return render("students/parent_invite.html", "students/_parent_invite.html", student=student, parent=parent,
                  invite=invite, url=url, qr=qr_svg(url), invite_expired=invite.expires_at <= utcnow(),
                  in_card=is_htmx())


@bp.route("/<int:student_id>/parents/<int:parent_id>/revoke", methods=["POST"])
@role_required(*STUDENT_WRITERS)
def parent_revoke(student_id: int, parent_id: int):
    """收回访问权限: the parent stops seeing this child on the parent side; the card comes back for htmx."""
    student, parent = _allowed_parent(student_id, parent_id)
    if not submit(ButtonForm(), lambda: revoke_access(parent, me())):
        abort(400)
    if is_htmx():
        return _card(student)
    flash(_("已收回 %(name)s 的家长端访问权限。", name=parent.name), "success")
    return go(url_for("students.detail", student_id=student.id, _anchor="parent-access"))
