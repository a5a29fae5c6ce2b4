"""Every permission rule lives in eduflow/access: no other module compares a role, and links ask the views."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from eduflow.access import EVERYONE, LEAD_OWNERS, OFFICE, may_open, role_required, teaches
from eduflow.access import rules
from eduflow.models import Role
from eduflow.navigation import NAV, main_nav

ROOT = Path(__file__).resolve().parents[2]
PACKAGE, TEMPLATES = ROOT / "eduflow", ROOT / "templates"
HOME = PACKAGE / "access"
TEMPLATE_ROLE_CHECK = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\bRole\.[A-Z]+")


def _is_role(node: ast.AST) -> bool:
    """`x.role` (an account's role, or the User.role column) or `Role.X` (a member)."""
    if not isinstance(node, ast.Attribute):
        return False
    return node.attr == "role" or (isinstance(node.value, ast.Name) and node.value.id == "Role")


def _is_role_set(node: ast.AST) -> bool:
    """A literal collection of Role members: `(Role.ADMIN, Role.MANAGER)`, `frozenset({Role.SALES})`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("frozenset", "set"):
        return any(_is_role_set(arg) for arg in node.args)
    return isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(_is_role(item) for item in node.elts)


def role_checks(source: str) -> list[int]:
    """Lines that compare a role, filter accounts by role, or define a set of roles."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(_is_role(side) for side in [node.left, *node.comparators]):
            found.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "in_" \
                and _is_role(node.func.value):
            found.append(node.lineno)
        elif isinstance(node, ast.Assign) and _is_role_set(node.value):
            found.append(node.lineno)
    return sorted(found)


def test_the_scanner_sees_every_spelling_of_a_role_check():
    source = ("a = user.role == Role.ADMIN\nb = user.role in (Role.SALES,)\nc = Role.TEACHER != role\n"
              "d = select(User).where(User.role.in_(roles))\nWRITERS = (Role.ADMIN, Role.MANAGER)\n"
              "E = frozenset({Role.SALES})\nf = create(role=Role.ADMIN)\n")
    assert role_checks(source) == [1, 2, 3, 4, 5, 6]


def test_no_module_outside_access_compares_a_role():
    offenders = {str(path.relative_to(ROOT)): lines
                 for path in sorted(PACKAGE.rglob("*.py")) if HOME not in path.parents
                 for lines in [role_checks(path.read_text(encoding="utf-8"))] if lines}
    assert offenders == {}, "name the rule in eduflow/access/rules.py and call it instead"


def test_no_template_compares_a_role():
    offenders = {str(path.relative_to(ROOT)): [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                                               if TEMPLATE_ROLE_CHECK.search(line)]
                 for path in sorted(TEMPLATES.rglob("*.html"))}
    assert {path: lines for path, lines in offenders.items() if lines} == {}


# ---------- links and navigation ask the views ----------

def test_role_required_leaves_its_roles_on_the_view():
    view = role_required(*OFFICE)(lambda: "ok")
    assert view.allowed_roles == OFFICE


@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_shows_exactly_what_the_role_may_open(app, users, role):
    user = next(u for u in users.values() if u.role == role)
    with app.test_request_context():
        shown = {item.endpoint for item in main_nav_for(user)}
        admitted = {item.endpoint for item in NAV
                    if role in getattr(app.view_functions[item.endpoint], "allowed_roles", EVERYONE)}
    assert shown == admitted
    assert ("admin.users" in shown) == (role == Role.ADMIN)
    assert ("leads.board" in shown) == (role in (Role.ADMIN, Role.MANAGER, Role.SALES))


def main_nav_for(user):
    from flask_login import login_user

    login_user(user)
    return main_nav()


def test_may_open_is_false_for_an_endpoint_that_does_not_exist(app, users):
    with app.test_request_context():
        assert may_open("nowhere.at_all", users["admin"]) is False
        assert may_open("leads.claim", users["sales"]) is True
        assert may_open("leads.claim", users["admin"]) is False  # admins assign, they do not claim


# ---------- one definition of a teacher's lessons ----------

class _Lesson:
    def __init__(self, teacher_id, head_teacher_id):
        self.teacher_id = teacher_id
        self.class_group = type("Class", (), {"head_teacher_id": head_teacher_id})()


def test_a_teachers_lessons_are_those_they_teach_and_those_of_classes_they_head(users):
    teacher = users["teacher"]
    assert teaches(teacher, _Lesson(teacher.id, None))  # taught, a substitute's lesson included
    assert teaches(teacher, _Lesson(None, teacher.id))  # their class, a substitute teaching it
    assert not teaches(teacher, _Lesson(-1, -2))
    assert not teaches(users["academic"], _Lesson(users["academic"].id, None))  # only teachers teach


def test_lead_owners_are_the_roles_that_may_hold_leads():
    assert LEAD_OWNERS == {Role.SALES, Role.MANAGER}
    assert rules.role_may_own_leads(Role.MANAGER) and not rules.role_may_own_leads(Role.ADMIN)
