"""The parent side's own routes (家长端): sign-in, sign-out, home; and the world every parent row uses.

The matrix's parent is the account of PARENT_PHONE: it sees `parent_child` (campus 1) only; `other_child` belongs to
another family, so every page of that child answers the parent 404.
"""
from eduflow.models import Role  # noqa: F401 - the models package is loaded before the factories
from tests import factories
from tests.matrix import LOGIN, OK, PARENT, PARENT_ONLY, STAFF, Route, fixed

OTHER_PHONE = "13987654321"

ROWS = [
    Route("parent.login", "GET", fixed("/p/login"), {"anonymous": OK, **{r: OK for r in STAFF}, PARENT: 302}),
    Route("parent.login", "POST", fixed("/p/login"), {"anonymous": OK, **{r: OK for r in STAFF}, PARENT: 302}),
    Route("parent.logout", "POST", fixed("/p/logout"), {**PARENT_ONLY, "anonymous": LOGIN}),
    Route("parent.home", "GET", fixed("/p/"), PARENT_ONLY),
]


def build(users, campuses) -> dict:
    child = factories.make_student(campuses[0], name="王家长孩子", owner=users["sales"])
    other = factories.make_student(campuses[0], name="李别家孩子", owner=users["sales"])
    factories.make_parent(child)
    factories.make_parent(other, name="李爸爸", phone=OTHER_PHONE, relationship="父亲")
    account = factories.make_parent_account()
    return {"parent_child": child.id, "other_child": other.id, "parent_login": account.get_id()}
