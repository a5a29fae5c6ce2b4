"""The role × route matrix's vocabulary. Each area keeps its rows in a module of this package:

    ROWS = [Route(...), ...]                  # one row per (endpoint, method), more for scope cases
    def build(users, campuses) -> dict: ...   # records its URLs need (tests/factories.py), merged into `world`

tests/test_route_matrix.py collects every module here, so adding an area needs no edit there.
Expectations: OK (allowed: an answer below 400, or 422 for a refused form, and no bounce to the login page), a status
code (403 for a role without access, 404 for a record out of scope), or LOGIN.

The parent account (家长端) is the matrix's last role, PARENT: a row that does not name it expects 403, since
every staff route refuses a parent; the parent side's rows (tests/matrix/parents*.py) name it.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

import pytest

from eduflow.extensions import db

OK, LOGIN = "ok", "login"
ROLES = ("anonymous", "admin", "manager", "sales", "academic", "teacher")
STAFF = ROLES[1:]
PARENT = "parent"
EVERY_ROLE = (*ROLES, PARENT)


def only(*allowed: str, otherwise=403) -> dict:
    """Allowed roles get OK, other staff `otherwise`, anonymous visitors the login page."""
    return {role: OK if role in allowed else (LOGIN if role == "anonymous" else otherwise) for role in ROLES}


EVERY_STAFF = only(*STAFF)
ADMIN_ONLY = only("admin")
PARENT_ONLY = {**only(), PARENT: OK}  # the parent side: staff 403, anonymous visitors to /p/login


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: Callable[[dict], str]
    expect: dict
    partial: bool = False  # an htmx fragment endpoint: sent with HX-Request, must not answer a page
    data: dict = field(default_factory=dict)
    name: str = ""  # tells apart several rows of one endpoint (e.g. "others-lead")

    def expected(self, role: str):
        """The answer `role` must get; a parent gets 403 wherever the row does not say otherwise."""
        return self.expect.get(role, 403) if role == PARENT else self.expect[role]

    @property
    def id(self) -> str:
        return f"{self.endpoint}:{self.method}{':' + self.name if self.name else ''}"


def fixed(path: str) -> Callable[[dict], str]:
    return lambda world: path


def areas() -> list:
    """Every area module of this package, in name order."""
    return [importlib.import_module(f"{__name__}.{module.name}") for module in pkgutil.iter_modules(__path__)]


def build_world(users, campuses) -> dict:
    """Every area's records, merged and committed: the ids the rows' URLs name."""
    merged: dict = {}
    for area in areas():
        merged.update(area.build(users, campuses))
    db.session.commit()
    return merged


@pytest.fixture(name="world")
def fresh_world(users, campuses) -> dict:
    """The matrix's world built for one test alone (tests/fuzz writes, so it cannot share the matrix's)."""
    return build_world(users, campuses)
