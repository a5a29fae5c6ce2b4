"""Parent access: the QR invitation's page and code sign-in (anonymous pages, like /p/login), and the staff routes
that invite and revoke on the student page (the owner salesperson, academic staff, the campus manager, admins).

The matrix's app has no mail server, so the code sign-in pages do not exist there (404; a signed-in parent is sent
home first). An invitation link is public by design: whoever holds it sees the page; a used or broken one answers
410 / 404 for everyone.
"""
import datetime as dt

from eduflow.extensions import db
from eduflow.models import ParentInvite, utcnow
from eduflow.parents.invites import invite_token
from tests import factories
from tests.matrix import OK, PARENT, STAFF, Route, only

OTHER_PHONE = "13987654321"
INVITERS = {**only("admin", "manager", "sales", "academic"), PARENT: 403}
OTHER_CAMPUS = {**INVITERS, "manager": 404, "sales": 404, "academic": 404}
NOT_THIS_STUDENTS = {**INVITERS, "admin": 404, "manager": 404, "sales": 404, "academic": 404}
PUBLIC = {"anonymous": OK, **{role: OK for role in STAFF}, PARENT: OK}
NO_CHANNEL = {"anonymous": 404, **{role: 404 for role in STAFF}, PARENT: 302}


def everyone(status: int) -> dict:
    return {"anonymous": status, **{role: status for role in STAFF}, PARENT: status}


def at(template: str):
    return lambda world: template.format(**world["access"])


def _staff(endpoint: str, method: str, path: str, expect: dict, name: str = "", partial: bool = False) -> Route:
    return Route(endpoint, method, at(path), expect, name=name, partial=partial)


ROWS = [
    Route("parent.invite", "GET", at("/p/invite/{token}"), PUBLIC),
    Route("parent.invite", "POST", at("/p/invite/{token}"), PUBLIC),  # an empty form: 422
    Route("parent.invite", "GET", at("/p/invite/{used_token}"), everyone(410), name="used"),
    Route("parent.invite", "POST", at("/p/invite/{other_token}"), PUBLIC, name="other-family"),
    Route("parent.invite", "GET", at("/p/invite/not-a-token"), everyone(404), name="bad-signature"),
    Route("parent.login_code", "GET", at("/p/login/code"), NO_CHANNEL),
    Route("parent.login_code", "POST", at("/p/login/code"), NO_CHANNEL),
    Route("parent.login_code_verify", "GET", at("/p/login/code/verify"), NO_CHANNEL),
    Route("parent.login_code_verify", "POST", at("/p/login/code/verify"), NO_CHANNEL),
    _staff("students.parent_invite", "POST", "/students/{child}/parents/{parent}/invite", INVITERS),
    _staff("students.parent_invite", "POST", "/students/{child}/parents/{parent}/invite", INVITERS, "htmx", True),
    _staff("students.parent_invite", "POST", "/students/{far_child}/parents/{far_parent}/invite", OTHER_CAMPUS,
           "other-campus"),
    _staff("students.parent_invite", "POST", "/students/{child}/parents/{other_parent}/invite", NOT_THIS_STUDENTS,
           "another-students-parent"),
    _staff("students.parent_invite_show", "GET", "/students/{child}/parents/{parent}/invites/{invite}", INVITERS),
    _staff("students.parent_invite_show", "GET", "/students/{child}/parents/{parent}/invites/{invite}", INVITERS,
           "htmx", True),
    _staff("students.parent_invite_show", "GET", "/students/{child}/parents/{parent}/invites/{other_invite}",
           NOT_THIS_STUDENTS, "another-parents-invite"),
    _staff("students.parent_invite_show", "GET", "/students/{far_child}/parents/{far_parent}/invites/{far_invite}",
           OTHER_CAMPUS, "other-campus"),
    _staff("students.parent_revoke", "POST", "/students/{child}/parents/{parent}/revoke", INVITERS),
    _staff("students.parent_revoke", "POST", "/students/{child}/parents/{parent}/revoke", INVITERS, "htmx", True),
    _staff("students.parent_revoke", "POST", "/students/{far_child}/parents/{far_parent}/revoke", OTHER_CAMPUS,
           "other-campus"),
]

def _invite(parent, by, *, used: bool = False) -> ParentInvite:
    now = utcnow()
    invite = ParentInvite(parent_id=parent.id, nonce=f"{parent.id:032d}", created_by_id=by.id, created_at=now,
                          expires_at=now + dt.timedelta(days=7), used_at=now if used else None)
    db.session.add(invite)
    db.session.flush()
    return invite


def build(users, campuses) -> dict:
    child = factories.make_student(campuses[0], name="邀请矩阵孩子", owner=users["sales"])
    other = factories.make_student(campuses[0], name="邀请别家孩子", owner=users["sales"])
    far = factories.make_student(campuses[1], name="邀请二校区孩子", owner=users["sales_b"])
    parent, other_parent = factories.make_parent(child), factories.make_parent(other, phone=OTHER_PHONE)
    far_parent = factories.make_parent(far, phone="13655550000")
    invite, other_invite = _invite(parent, users["sales"]), _invite(other_parent, users["sales"])
    father = factories.make_parent(child, name="王爸爸", phone="13655551111", relationship="父亲")
    father.is_primary = False
    used, far_invite = _invite(father, users["sales"], used=True), _invite(far_parent, users["sales_b"])
    return {"access": {
        "child": child.id, "parent": parent.id, "other_parent": other_parent.id, "far_child": far.id,
        "far_parent": far_parent.id, "invite": invite.id, "other_invite": other_invite.id, "far_invite": far_invite.id,
        "token": invite_token(invite), "other_token": invite_token(other_invite), "used_token": invite_token(used),
    }}
